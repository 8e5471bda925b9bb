import pytest

from courses.models import Enrolment
from courses.services import enrolment_cancel, enrolment_create
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_cancelled_seat_goes_to_first_waiting(mailoutbox, django_capture_on_commit_callbacks):
    run = CourseRunFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    a = enrolment_create(run=run, user=first)
    b = enrolment_create(run=run, user=second)
    c = enrolment_create(run=run, user=third)
    assert [a.status, b.status, c.status] == ["confirmed", "waitlisted", "waitlisted"]
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_cancel(enrolment=a, by=first)
    a.refresh_from_db()
    b.refresh_from_db()
    c.refresh_from_db()
    assert a.status == Enrolment.Status.CANCELLED
    assert b.status == Enrolment.Status.CONFIRMED
    assert c.status == Enrolment.Status.WAITLISTED
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
