"""The retention rules, each applied with a stopped clock, and their daily schedule."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEntry, User
from accounts.privacy.registry import retention_rules
from accounts.privacy.retention import retention_apply
from accounts.tasks import apply_retention_rule
from config.celery import app
from courses.models import Enrolment
from labs.models import WorkshopRequest
from outbox.models import OutboxItem
from tests.factories import CourseRunFactory, EnrolmentFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

RULES = {"unconfirmed_accounts", "walk_in_contacts", "workshop_requests", "mail_log"}


def test_every_rule_is_scheduled_daily_as_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {
        entry["args"][0]: entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "accounts.tasks.apply_retention_rule"
    }
    assert set(scheduled) == RULES == {rule.key for rule in retention_rules()}
    assert all(entry["schedule"] == 24 * 60 * 60 for entry in scheduled.values())
    assert "accounts.tasks.apply_retention_rule" in app.tasks


# Accounts never confirmed


def test_an_unconfirmed_account_is_deleted_after_seven_days(clock):
    user = UserFactory()
    clock.shift(timedelta(days=7, seconds=-1))
    assert retention_apply(key="unconfirmed_accounts") == 0
    clock.shift(timedelta(seconds=2))
    assert apply_retention_rule.delay("unconfirmed_accounts").get() == 1
    assert not User.objects.filter(pk=user.pk).exists()


def test_a_confirmed_account_stays(clock):
    user = UserFactory(email_confirmed_at=timezone.now())
    clock.shift(timedelta(days=30))
    retention_apply(key="unconfirmed_accounts")
    assert User.objects.filter(pk=user.pk).exists()


def test_an_account_the_lab_made_without_a_password_stays(clock):
    user = User.objects.create_user(email="telefon@example.org", password=None, full_name="Per Telefon")
    clock.shift(timedelta(days=30))
    retention_apply(key="unconfirmed_accounts")
    assert User.objects.filter(pk=user.pk).exists()


def test_an_unconfirmed_account_with_enrolments_is_erased_and_its_seat_freed(clock):
    holder = EnrolmentFactory(run=CourseRunFactory(capacity=1, starts_in=timedelta(days=14)))
    waiting = EnrolmentFactory(run=holder.run, status=Enrolment.Status.WAITLISTED, confirmed_at=None)
    User.objects.filter(pk=waiting.user_id).update(email_confirmed_at=timezone.now())
    clock.shift(timedelta(days=8))
    assert retention_apply(key="unconfirmed_accounts") == 1
    user = User.objects.get(pk=holder.user_id)
    assert user.erased_at is not None and user.full_name == ""
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Enrolment.Status.CANCELLED
    assert waiting.status == Enrolment.Status.CONFIRMED
    assert AuditEntry.objects.get().actor is None


def test_the_rule_is_idempotent(clock):
    EnrolmentFactory()
    clock.shift(timedelta(days=8))
    assert retention_apply(key="unconfirmed_accounts") == 1
    assert retention_apply(key="unconfirmed_accounts") == 0


# Walk-ins' contact data


def _walk_in(run, **fields):
    return Enrolment.objects.create(
        run=run, walk_in=True, status=Enrolment.Status.COMPLETED, member_name="Grete Gast", **fields
    )


def test_walk_in_contact_data_is_erased_a_year_after_the_run(clock):
    session = SessionFactory(
        start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=3) + timedelta(hours=2)
    )
    walk_in = _walk_in(session.run, member_email="grete@example.org")
    clock.shift(timedelta(days=360))
    assert retention_apply(key="walk_in_contacts") == 0
    clock.shift(timedelta(days=10))
    assert retention_apply(key="walk_in_contacts") == 1
    walk_in.refresh_from_db()
    assert "Grete" not in walk_in.member_name and walk_in.member_email == ""
    assert walk_in.status == Enrolment.Status.COMPLETED


def test_a_walk_ins_unused_account_is_erased_with_the_contact_data(clock):
    session = SessionFactory(
        start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=3) + timedelta(hours=2)
    )
    user = User.objects.create_user(email="grete@example.org", password=None, full_name="Grete Gast")
    Enrolment.objects.create(run=session.run, user=user, walk_in=True, status=Enrolment.Status.COMPLETED)
    clock.shift(timedelta(days=370))
    retention_apply(key="walk_in_contacts")
    user.refresh_from_db()
    assert user.erased_at is not None and user.email != "grete@example.org"


def test_walk_ins_of_recent_runs_keep_their_names(clock):
    session = SessionFactory(
        start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=3) + timedelta(hours=2)
    )
    walk_in = _walk_in(session.run)
    clock.shift(timedelta(days=100))
    retention_apply(key="walk_in_contacts")
    walk_in.refresh_from_db()
    assert walk_in.member_name == "Grete Gast"


# Workshop requests


def test_workshop_requests_are_deleted_when_due(clock):
    request = WorkshopRequest.objects.create(
        company="Alt GmbH",
        contact_name="Kai Alt",
        email="kai@example.org",
        topic="Kasse",
        staff_count=3,
        preferred_dates="bald",
        consented_at=timezone.now(),
        status=WorkshopRequest.Status.DONE,
        closed_at=timezone.now(),
    )
    clock.shift(timedelta(days=364))
    assert retention_apply(key="workshop_requests") == 0
    clock.shift(timedelta(days=2))
    assert retention_apply(key="workshop_requests") == 1
    assert not WorkshopRequest.objects.filter(pk=request.pk).exists()


# Mail log


def test_delivered_mails_are_deleted_after_ninety_days_and_owed_ones_stay(clock):
    delivered = OutboxItem.objects.create(kind="email_confirm", object_id=1, delivered_at=timezone.now())
    owed = OutboxItem.objects.create(kind="email_confirm", object_id=2)
    clock.shift(timedelta(days=89))
    assert retention_apply(key="mail_log") == 0
    clock.shift(timedelta(days=2))
    assert retention_apply(key="mail_log") == 1
    assert not OutboxItem.objects.filter(pk=delivered.pk).exists()
    assert OutboxItem.objects.filter(pk=owed.pk).exists()


def test_the_privacy_notice_names_each_rule(client):
    from cms.legal import TEXTS

    text = (TEXTS / "datenschutz.txt").read_text(encoding="utf-8")
    for period in ("7 Tage", "12 Monate", "24 Monate", "90 Tage"):
        assert period in text
    assert "drei Jahre" not in text
    assert "Cookies" in text
