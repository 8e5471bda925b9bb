"""The periodic jobs of the enrolment engine: each is scheduled, registered with Celery and does its work
when run as a task."""

from datetime import timedelta

import pytest
from django.conf import settings

from config.celery import app
from courses import tasks
from courses.models import Enrolment, SeatRelease
from courses.services import enrolment_cancel, enrolment_create
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "courses.tasks.expire_offers",
        "courses.tasks.remind_sessions",
        "courses.tasks.remind_unnamed_seats",
        "courses.tasks.release_unnamed_seats",
    } <= scheduled


def test_the_offer_job_passes_a_seat_on(clock):
    run = CourseRunFactory(capacity=1, seat_release=SeatRelease.OFFER, offer_hours=2)
    holder, first, second = (UserFactory() for _ in range(3))
    seat = enrolment_create(run=run, user=holder)
    offered = enrolment_create(run=run, user=first)
    waiting = enrolment_create(run=run, user=second)
    enrolment_cancel(enrolment=seat, by=holder)

    clock.shift(timedelta(hours=2))
    assert tasks.expire_offers.delay().get() == 1
    assert Enrolment.objects.get(pk=offered.pk).status == Enrolment.Status.CANCELLED
    assert Enrolment.objects.get(pk=waiting.pk).status == Enrolment.Status.OFFERED


def test_the_reminder_job_records_a_reminder_per_seat(clock):
    run = CourseRunFactory(capacity=2, starts_in=timedelta(days=1), sessions=1)
    enrolment_create(run=run, user=UserFactory())
    enrolment_create(run=run, user=UserFactory())
    clock.move_to(run.sessions.get().start - timedelta(hours=12))
    assert tasks.remind_sessions.delay().get() == 2
