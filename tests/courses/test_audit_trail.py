"""Staff actions leave an entry in the audit log, written by the service in the same transaction, and the
log is shown at /team/protokoll/: managers see their labs' entries, superusers all; nobody changes them."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.audit import Action, audit_record
from accounts.models import AuditEntry
from certificates.services import certificate_issue, certificate_reissue, certificate_revoke
from courses.exceptions import RunAlreadyClosed
from courses.models import Enrolment
from courses.services import (
    AttendanceEntry,
    attendance_record,
    enrolment_cancel,
    enrolment_create,
    enrolment_create_for_person,
    enrolment_remove,
    run_cancel,
    run_close,
    waitlist_move,
    walk_in_add,
)
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    UserFactory,
    make_course,
    make_manager,
    moment,
)

pytestmark = pytest.mark.django_db

PRESENT = "present"


@pytest.fixture
def run(clock, lab):
    return CourseRunFactory(course=make_course(lab, title="Sicher online bezahlen"), capacity=2)


@pytest.fixture
def today_run(clock, lab):
    """The first session tonight, so attendance can be recorded (the clock stands at 10:00)."""
    return CourseRunFactory(
        course=make_course(lab, title="Tablet für Einsteiger"), starts_in=timedelta(days=0)
    )


@pytest.fixture
def past_run(clock, lab):
    return CourseRunFactory(
        course=make_course(lab, title="Fotos bearbeiten"), sessions=1, starts_in=-timedelta(days=3)
    )


def only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, entries
    return entries[0]


def assert_no_person_in(entry: AuditEntry, *people) -> None:
    for person in people:
        assert person.full_name not in entry.summary
        assert person.email not in entry.summary


def test_enrolling_someone_who_phoned_is_recorded_without_their_name(run, manager):
    enrolment = enrolment_create_for_person(
        run=run, by=manager, full_name="Erna Beispiel", email="erna@example.org"
    )
    entry = only_entry()
    assert entry.action == Action.ENROLMENT_CHANGED
    assert entry.actor == manager
    assert entry.lab_id == run.lab_id
    assert (entry.target_type, entry.target_id) == ("courses.enrolment", str(enrolment.pk))
    assert f"Kurstermin Nr. {run.pk}" in entry.summary
    assert "Sicher online bezahlen" in entry.summary
    assert "Erna" not in entry.summary and "erna@example.org" not in entry.summary


def test_removing_a_place_is_recorded(run, manager):
    enrolment = enrolment_create(run=run, user=UserFactory())
    enrolment_remove(enrolment=enrolment, by=manager, reason="Doppelt angemeldet.")
    entry = only_entry()
    assert entry.action == Action.ENROLMENT_CHANGED
    assert "abgemeldet" in entry.summary
    assert_no_person_in(entry, enrolment.user)


def test_moving_someone_from_the_waiting_list_is_recorded(run, manager):
    for _ in range(2):
        enrolment_create(run=run, user=UserFactory())
    waiting = enrolment_create(run=run, user=UserFactory())
    waitlist_move(enrolment=waiting, by=manager, add_seat=True)
    entry = only_entry()
    assert entry.action == Action.ENROLMENT_CHANGED
    assert "zusätzlichen Platz" in entry.summary


def test_a_manager_cancelling_someones_place_is_recorded(run, manager):
    enrolment = enrolment_create(run=run, user=UserFactory())
    enrolment_cancel(enrolment=enrolment, by=manager)
    assert only_entry().action == Action.ENROLMENT_CHANGED


def test_a_person_cancelling_their_own_place_is_not_staff_work(run):
    person = UserFactory()
    enrolment = enrolment_create(run=run, user=person)
    enrolment_cancel(enrolment=enrolment, by=person)
    assert not AuditEntry.objects.exists()


def test_cancelling_a_run_is_recorded_with_the_places_ended(run, manager):
    enrolment_create(run=run, user=UserFactory())
    run_cancel(run=run, by=manager, message="Die Kursleiterin ist krank.")
    entry = only_entry()
    assert entry.action == Action.RUN_CANCELLED
    assert entry.details == {"places_ended": 1}
    assert "1 Platz beendet" in entry.summary


def test_recording_attendance_is_recorded_with_the_number_of_entries(today_run, lab):
    trainer = UserFactory()
    today_run.trainers.add(trainer)
    enrolments = [EnrolmentFactory(run=today_run) for _ in range(3)]
    session = today_run.sessions.order_by("start").first()
    attendance_record(
        session=session, entries=[AttendanceEntry(e.pk, PRESENT) for e in enrolments], by=trainer
    )
    entry = only_entry()
    assert entry.action == Action.ATTENDANCE_CHANGED
    assert entry.actor == trainer
    assert entry.details["entries"] == 3
    assert "3 Einträge" in entry.summary


def test_a_walk_in_is_recorded_without_their_name(today_run, manager):
    session = today_run.sessions.order_by("start").first()
    enrolment = walk_in_add(session=session, by=manager, name="Karl Spontan", email="karl@example.org")
    entry = only_entry()
    assert entry.action == Action.WALK_IN_ADDED
    assert str(enrolment.pk) in entry.summary
    assert "Karl" not in entry.summary and "karl@" not in entry.summary


def test_closing_a_run_is_recorded_with_the_counts(past_run, manager):
    EnrolmentFactory(run=past_run)
    run_close(run=past_run, by=manager)
    entry = only_entry()
    assert entry.action == Action.RUN_CLOSED
    assert entry.details == {"completed": 0, "not_completed": 1}


def test_a_refused_action_leaves_no_entry(run, manager):
    run_cancel(run=run, by=manager, message="Fällt aus.")
    assert AuditEntry.objects.count() == 1
    with pytest.raises(RunAlreadyClosed):
        run_cancel(run=run, by=manager, message="Noch einmal.")
    assert AuditEntry.objects.count() == 1


@pytest.fixture
def certificate(past_run):
    enrolment = EnrolmentFactory(
        run=past_run,
        user=UserFactory(full_name="Hannelore Schmidt"),
        status=Enrolment.Status.COMPLETED,
        completed_at=moment(),
    )
    return certificate_issue(enrolment=enrolment)


def test_revoking_a_certificate_is_recorded(certificate, manager):
    certificate_revoke(certificate=certificate, by=manager, reason="Falsch ausgestellt.")
    entry = only_entry()
    assert entry.action == Action.CERTIFICATE_REVOKED
    assert (entry.target_type, entry.target_id) == ("certificates.certificate", str(certificate.pk))
    assert "Hannelore" not in entry.summary


def test_reissuing_a_certificate_is_recorded(certificate, manager):
    new = certificate_reissue(certificate=certificate, by=manager, reason="Name korrigiert.")
    entry = only_entry()
    assert entry.action == Action.CERTIFICATE_REISSUED
    assert entry.target_id == str(new.pk)


# The log's page


def log_url(**query):
    url = reverse("staff:audit_log")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def entry_in(lab, summary="Etwas geändert.", action=Action.RUN_CLOSED):
    return audit_record(actor=None, action=action, summary=summary, lab_id=lab.pk)


def test_a_manager_sees_the_entries_of_their_labs_only(client, lab, other_lab, manager):
    entry_in(lab, "Eintrag hier.")
    entry_in(other_lab, "Eintrag dort.")
    client.force_login(manager)
    page = client.get(log_url()).content.decode()
    assert "Eintrag hier." in page
    assert "Eintrag dort." not in page


def test_a_superuser_sees_every_entry(client, lab, other_lab):
    entry_in(lab, "Eintrag hier.")
    entry_in(other_lab, "Eintrag dort.")
    audit_record(actor=None, action=Action.DATA_EXPORTED, summary="Eigene Daten heruntergeladen.")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(log_url()).content.decode()
    assert "Eintrag hier." in page and "Eintrag dort." in page and "Eigene Daten" in page


def test_the_log_filters_by_action(client, lab, manager):
    entry_in(lab, "Abgeschlossen.", Action.RUN_CLOSED)
    entry_in(lab, "Abgesagt.", Action.RUN_CANCELLED)
    client.force_login(manager)
    page = client.get(log_url(aktion="run_cancelled")).content.decode()
    assert "Abgesagt." in page and "Abgeschlossen." not in page


def test_the_log_filters_by_lab(client, lab, other_lab):
    person = make_manager(lab)
    from labs.models import LabRole
    from labs.services import lab_role_grant

    lab_role_grant(lab=other_lab, user=person, role=LabRole.Role.MANAGER)
    entry_in(lab, "Eintrag hier.")
    entry_in(other_lab, "Eintrag dort.")
    client.force_login(person)
    page = client.get(log_url(labor=other_lab.pk)).content.decode()
    assert "Eintrag dort." in page and "Eintrag hier." not in page


def test_an_unknown_action_filter_shows_every_entry(client, lab, manager):
    entry_in(lab, "Abgeschlossen.")
    client.force_login(manager)
    response = client.get(log_url(aktion="<script>"))
    assert response.status_code == 200
    assert "Abgeschlossen." in response.content.decode()


def test_the_log_has_no_form_that_changes_anything(client, lab, manager):
    entry_in(lab)
    client.force_login(manager)
    page = client.get(log_url()).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert 'method="post"' not in main
    assert client.post(log_url()).status_code == 405


def test_the_log_is_paginated(client, lab, manager):
    for n in range(55):
        entry_in(lab, f"Eintrag {n:02d}.")
    client.force_login(manager)
    first = client.get(log_url()).content.decode()
    second = client.get(log_url(seite=2)).content.decode()
    assert "Eintrag 54." in first and "Eintrag 04." not in first
    assert "Eintrag 04." in second and "Seite 2 von 2" in second


@pytest.mark.parametrize("entries", [3, 30])
def test_the_log_page_takes_a_fixed_number_of_queries(
    client, lab, manager, django_assert_num_queries, entries
):
    for n in range(entries):
        audit_record(actor=manager, action=Action.RUN_CLOSED, summary=f"Eintrag {n}.", lab_id=lab.pk)
    client.force_login(manager)
    client.get(log_url())  # the session and the user are loaded once
    with django_assert_num_queries(QUERIES_LOG):
        assert client.get(log_url()).status_code == 200


QUERIES_LOG = 13
