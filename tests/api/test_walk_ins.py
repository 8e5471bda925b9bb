"""POST sessions/{id}/walk-ins/: a trainer adds someone who came without enrolling."""

from datetime import timedelta

import pytest

from accounts.models import User
from courses.models import Attendance, Enrolment
from tests.api.conftest import field_errors
from tests.factories import CourseRunFactory, EnrolmentFactory, LabRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return UserFactory(full_name="Tina Trainerin")


@pytest.fixture
def run(clock, trainer):
    """Two weekly sessions, the first tonight at 18:00 (the clock stands at 10:00), two seats."""
    return CourseRunFactory(trainers=[trainer], sessions=2, capacity=2, starts_in=timedelta(days=0))


@pytest.fixture
def session(run):
    return run.sessions.order_by("start").first()


@pytest.fixture
def trainer_api(api, trainer):
    api.force_authenticate(trainer)
    return api


def _url(session):
    return f"/api/v1/sessions/{session.pk}/walk-ins/"


def test_walk_in_without_email_is_201_with_the_attendance_row(trainer_api, session):
    response = trainer_api.post(_url(session), {"name": "Grete Gast"}, format="json")

    assert response.status_code == 201
    enrolment = Enrolment.objects.get(run=session.run)
    assert response.json() == {"enrolment": enrolment.pk, "participant": "Grete Gast", "status": "present"}
    assert (enrolment.user, enrolment.walk_in) == (None, True)
    assert Attendance.objects.get(session=session, enrolment=enrolment).status == "present"


def test_walk_in_with_email_holds_the_seat_on_that_persons_account(trainer_api, session):
    response = trainer_api.post(
        _url(session), {"name": "Grete Gast", "email": "grete@example.org"}, format="json"
    )

    assert response.status_code == 201
    enrolment = Enrolment.objects.get(pk=response.json()["enrolment"])
    assert enrolment.user == User.objects.get(email="grete@example.org")


def test_walk_in_then_appears_on_the_attendance_list(trainer_api, session):
    trainer_api.post(_url(session), {"name": "Grete Gast"}, format="json")

    rows = trainer_api.get(f"/api/v1/sessions/{session.pk}/attendance/").json()

    assert [(row["participant"], row["status"]) for row in rows] == [("Grete Gast", "present")]


def test_lab_manager_may_add_a_walk_in(api, session):
    api.force_authenticate(LabRoleFactory(lab=session.run.lab).user)

    response = api.post(_url(session), {"name": "Grete Gast"}, format="json")

    assert response.status_code == 201


def test_walk_in_when_full_is_400_run_full_and_nothing_is_created(trainer_api, run, session):
    EnrolmentFactory.create_batch(2, run=run)

    response = trainer_api.post(
        _url(session), {"name": "Grete Gast", "email": "grete@example.org"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "run_full"
    assert response.json()["detail"]
    assert Enrolment.objects.filter(run=run).count() == 2
    assert not User.objects.filter(email="grete@example.org").exists()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "email": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"email": "grete@example.org"}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"name": "Grete Gast", "email": "grete@@example"}, "email"),
        ({"name": "Grete Gast", "email": "grete@example.org\nBcc: x@example.org"}, "email"),
    ],
    ids=["empty_name", "blank_name", "no_name", "long_name", "malformed_email", "header_injection"],
)
def test_invalid_walk_in_is_400_for_the_field_and_nothing_is_created(trainer_api, session, body, field):
    response = trainer_api.post(_url(session), body, format="json")

    assert response.status_code == 400
    assert field_errors(response)[field]
    assert not Enrolment.objects.exists()
    assert not Attendance.objects.exists()


def test_trainer_of_another_run_gets_403_and_nothing_is_created(api, session):
    other_trainer = UserFactory()
    CourseRunFactory(trainers=[other_trainer])
    api.force_authenticate(other_trainer)

    response = api.post(_url(session), {"name": "Grete Gast"}, format="json")

    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_anonymous_cannot_add_a_walk_in(api, session):
    response = api.post(_url(session), {"name": "Grete Gast"}, format="json")

    assert response.status_code in (401, 403)
    assert not Enrolment.objects.exists()


def test_walk_in_to_a_session_more_than_a_day_ahead_is_400_attendance_too_early(trainer_api, run):
    next_week = run.sessions.order_by("start").last()

    response = trainer_api.post(_url(next_week), {"name": "Grete Gast"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "attendance_too_early"
    assert not Enrolment.objects.exists()


def test_walk_in_who_already_holds_a_seat_is_409(trainer_api, run, session):
    anna = EnrolmentFactory(run=run, user=UserFactory(email="anna@example.org"))

    response = trainer_api.post(_url(session), {"name": "Anna", "email": "ANNA@example.org"}, format="json")

    assert response.status_code == 409
    assert list(Enrolment.objects.filter(run=run)) == [anna]


def test_huge_session_id_is_404(trainer_api):
    response = trainer_api.post(f"/api/v1/sessions/{10**20}/walk-ins/", {"name": "Grete Gast"}, format="json")

    assert response.status_code == 404
    assert not Enrolment.objects.exists()
