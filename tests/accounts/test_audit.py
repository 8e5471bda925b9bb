"""The audit log cannot be changed: the model refuses saving an entry again and deleting it, the queryset
refuses bulk updates and deletes, and on PostgreSQL a trigger refuses raw SQL as well."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.audit import Action, audit_entries, audit_record
from accounts.models import AuditEntry, AuditEntryImmutable

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(lab):
    return audit_record(
        actor=None, action=Action.RUN_CLOSED, summary="Kurstermin Nr. 1 abgeschlossen.", lab_id=lab.pk
    )


def test_an_entry_is_written_with_its_action_and_lab(entry, lab):
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.action == Action.RUN_CLOSED
    assert stored.lab_id == lab.pk
    assert stored.summary == "Kurstermin Nr. 1 abgeschlossen."


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError):
        audit_record(actor=None, action="made_up", summary="x")
    assert not AuditEntry.objects.exists()


def test_saving_an_entry_again_is_refused(entry):
    entry.summary = "Etwas anderes."
    with pytest.raises(AuditEntryImmutable):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Kurstermin Nr. 1 abgeschlossen."


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AuditEntryImmutable):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_updating_entries_in_bulk_is_refused(entry):
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="Etwas anderes.")
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Kurstermin Nr. 1 abgeschlossen."


def test_deleting_entries_in_bulk_is_refused(entry):
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1


def test_the_summary_is_cut_to_its_length(lab):
    entry = audit_record(actor=None, action=Action.RUN_CLOSED, summary="x" * 400, lab_id=lab.pk)
    assert len(entry.summary) == 300


def test_entries_are_read_newest_first_and_by_lab(lab, other_lab):
    first = audit_record(actor=None, action=Action.RUN_CLOSED, summary="1", lab_id=lab.pk)
    audit_record(actor=None, action=Action.RUN_CLOSED, summary="2", lab_id=other_lab.pk)
    third = audit_record(actor=None, action=Action.RUN_CANCELLED, summary="3", lab_id=lab.pk)
    assert list(audit_entries(lab_ids=[lab.pk])) == [third, first]
    assert list(audit_entries(lab_ids=[lab.pk], actions=[Action.RUN_CLOSED])) == [first]


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


@postgres_only
def test_a_raw_sql_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET summary = %s WHERE id = %s", ["x", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Kurstermin Nr. 1 abgeschlossen."


@postgres_only
def test_a_raw_sql_delete_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
