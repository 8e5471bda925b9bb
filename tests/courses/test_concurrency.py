"""Simultaneous enrolments on a real PostgreSQL database: the row lock on the run keeps seats exact."""

import threading

import pytest
from django.db import connection, connections

from courses.exceptions import AlreadyEnrolled
from courses.models import Enrolment
from courses.selectors import waitlist_position
from courses.services import enrolment_create
from tests.factories import CourseRunFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
    ),
    # Data migrations (municipalities, competences) are restored for each test after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_at_once(calls):
    """Run each call in its own thread and database connection, all released at the same moment."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the caller inspects what each thread ended with
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twelve_people_enrolling_at_once_get_five_seats_and_seven_waiting_places():
    run = CourseRunFactory(capacity=5)
    users = [UserFactory() for _ in range(12)]
    results = run_at_once([lambda user=user: enrolment_create(run=run, user=user) for user in users])
    assert all(isinstance(result, Enrolment) for result in results), results
    enrolments = list(Enrolment.objects.filter(run=run))
    confirmed = [e for e in enrolments if e.status == Enrolment.Status.CONFIRMED]
    waiting = [e for e in enrolments if e.status == Enrolment.Status.WAITLISTED]
    assert len(confirmed) == 5
    assert len(waiting) == 7
    assert sorted(waitlist_position(enrolment=e) for e in waiting) == list(range(1, 8))


def test_one_person_enrolling_twice_at_once_gets_one_enrolment():
    run = CourseRunFactory(capacity=5)
    user = UserFactory()
    results = run_at_once([lambda: enrolment_create(run=run, user=user) for _ in range(4)])
    assert sum(isinstance(result, Enrolment) for result in results) == 1
    assert sum(isinstance(result, AlreadyEnrolled) for result in results) == 3, results
    assert Enrolment.objects.filter(run=run, user=user).count() == 1
