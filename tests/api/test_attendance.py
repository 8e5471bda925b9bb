from datetime import timedelta

import pytest

from courses.models import Attendance, BadgeAssertion, CourseRun, Enrolment
from courses.services import walk_in_add
from tests.factories import (
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    LabRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return UserFactory(full_name="Tina Trainerin")


@pytest.fixture
def run(clock, trainer):
    """Two weekly sessions, the first tonight at 18:00 (the clock stands at 10:00): its sheet is open."""
    return CourseRunFactory(trainers=[trainer], sessions=2, starts_in=timedelta(days=0))


@pytest.fixture
def session(run):
    return run.sessions.order_by("start").first()


@pytest.fixture
def trainer_api(api, trainer):
    api.force_authenticate(trainer)
    return api


def _url(session):
    return f"/api/v1/sessions/{session.pk}/attendance/"


def test_trainer_sees_one_row_per_seat_holder(trainer_api, run, session):
    anna = EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt"))
    bernd = EnrolmentFactory(run=run, user=UserFactory(full_name="Bernd Berg"))
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED)
    AttendanceFactory(session=session, enrolment=anna, status="present")

    response = trainer_api.get(_url(session))

    assert response.status_code == 200
    assert response.json() == [
        {"enrolment": anna.pk, "participant": "Anna Alt", "status": "present"},
        {"enrolment": bernd.pk, "participant": "Bernd Berg", "status": None},
    ]


def test_trainer_records_attendance(trainer_api, trainer, run, session):
    anna, bernd = EnrolmentFactory(run=run), EnrolmentFactory(run=run)

    response = trainer_api.put(
        _url(session),
        [{"enrolment": anna.pk, "status": "present"}, {"enrolment": bernd.pk, "status": "excused"}],
        format="json",
    )

    assert response.status_code == 200
    assert {row["enrolment"]: row["status"] for row in response.json()} == {
        anna.pk: "present",
        bernd.pk: "excused",
    }
    recorded = {a.enrolment_id: (a.status, a.recorded_by) for a in Attendance.objects.filter(session=session)}
    assert recorded == {anna.pk: ("present", trainer), bernd.pk: ("excused", trainer)}


def test_null_status_clears_what_was_recorded(trainer_api, run, session):
    anna = EnrolmentFactory(run=run)
    AttendanceFactory(session=session, enrolment=anna, status="absent")

    response = trainer_api.put(_url(session), [{"enrolment": anna.pk, "status": None}], format="json")

    assert response.status_code == 200
    assert not Attendance.objects.filter(session=session).exists()


def test_lab_manager_may_record_attendance(api, run, session):
    anna = EnrolmentFactory(run=run)
    manager = LabRoleFactory(lab=run.lab).user
    api.force_authenticate(manager)

    response = api.put(_url(session), [{"enrolment": anna.pk, "status": "present"}], format="json")

    assert response.status_code == 200
    recorded = Attendance.objects.get(session=session, enrolment=anna)
    assert (recorded.status, recorded.recorded_by) == ("present", manager)


def test_non_trainer_gets_403_and_nothing_changes(api, run, session):
    anna = EnrolmentFactory(run=run)
    AttendanceFactory(session=session, enrolment=anna, status="absent")
    api.force_authenticate(UserFactory())

    put = api.put(_url(session), [{"enrolment": anna.pk, "status": "present"}], format="json")
    get = api.get(_url(session))

    assert put.status_code == 403
    assert get.status_code == 403
    assert Attendance.objects.get(session=session, enrolment=anna).status == "absent"


def test_participant_of_the_run_cannot_record_attendance(api, run, session):
    anna = EnrolmentFactory(run=run)
    api.force_authenticate(anna.user)

    response = api.put(_url(session), [{"enrolment": anna.pk, "status": "present"}], format="json")

    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_anonymous_cannot_see_attendance(api, run, session):
    EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt"))

    response = api.get(_url(session))

    assert response.status_code in (401, 403)
    assert "Anna Alt" not in response.content.decode()


def test_bad_status_is_400_and_nothing_changes(trainer_api, run, session):
    anna, bernd = EnrolmentFactory(run=run), EnrolmentFactory(run=run)

    response = trainer_api.put(
        _url(session),
        [{"enrolment": anna.pk, "status": "present"}, {"enrolment": bernd.pk, "status": "vielleicht"}],
        format="json",
    )

    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_enrolment_of_another_run_is_400_and_nothing_changes(trainer_api, run, session):
    anna = EnrolmentFactory(run=run)
    stranger = EnrolmentFactory()

    response = trainer_api.put(
        _url(session),
        [{"enrolment": anna.pk, "status": "present"}, {"enrolment": stranger.pk, "status": "present"}],
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Attendance.objects.exists()


def test_attendance_body_must_be_a_list(trainer_api, run, session):
    anna = EnrolmentFactory(run=run)

    response = trainer_api.put(_url(session), {"enrolment": anna.pk, "status": "present"}, format="json")

    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_complete_closes_the_run_and_counts(api, trainer):
    run = CourseRunFactory(trainers=[trainer], sessions=2, starts_in=timedelta(days=-14))
    came, missed = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    for session in run.sessions.all():
        AttendanceFactory(session=session, enrolment=came, status="present")
    api.force_authenticate(trainer)

    response = api.post(f"/api/v1/runs/{run.pk}/complete/")

    assert response.status_code == 200
    assert response.json() == {"completed": 1, "not_completed": 1}
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.status, missed.status) == ("completed", "not_completed")


def test_complete_before_the_last_session_is_400(trainer_api, run):
    enrolment = EnrolmentFactory(run=run)

    response = trainer_api.post(f"/api/v1/runs/{run.pk}/complete/")

    assert response.status_code == 400
    assert response.json()["code"] == "run_not_finished"
    run.refresh_from_db()
    enrolment.refresh_from_db()
    assert (run.status, run.closed_at) == (CourseRun.Status.SCHEDULED, None)
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_complete_twice_answers_200_with_the_same_counts_and_changes_nothing(api, trainer, clock):
    run = CourseRunFactory(trainers=[trainer], starts_in=timedelta(days=-14))
    came, missed = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    for session in run.sessions.all():
        AttendanceFactory(session=session, enrolment=came, status="present")
    api.force_authenticate(trainer)
    first = api.post(f"/api/v1/runs/{run.pk}/complete/")
    closed_at = CourseRun.objects.get(pk=run.pk).closed_at
    clock.shift(timedelta(hours=1))

    again = api.post(f"/api/v1/runs/{run.pk}/complete/")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json() == {"completed": 1, "not_completed": 1}
    run.refresh_from_db()
    missed.refresh_from_db()
    assert (run.status, run.closed_at) == (CourseRun.Status.CLOSED, closed_at)
    assert missed.status == Enrolment.Status.NOT_COMPLETED
    assert BadgeAssertion.objects.filter(enrolment__run=run).count() == 1


def test_complete_of_a_cancelled_run_is_409(trainer_api, trainer):
    run = CourseRunFactory(
        trainers=[trainer], starts_in=timedelta(days=-14), status=CourseRun.Status.CANCELLED
    )

    response = trainer_api.post(f"/api/v1/runs/{run.pk}/complete/")

    assert response.status_code == 409
    assert response.json()["detail"] == "Dieser Kurs wurde abgesagt."


def test_complete_by_a_non_trainer_is_403(api):
    run = CourseRunFactory(starts_in=timedelta(days=-14))
    enrolment = EnrolmentFactory(run=run)
    api.force_authenticate(UserFactory())

    response = api.post(f"/api/v1/runs/{run.pk}/complete/")

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_attendance_for_a_session_more_than_a_day_ahead_is_400_and_nothing_changes(trainer_api, run):
    anna = EnrolmentFactory(run=run)
    next_week = run.sessions.order_by("start").last()

    response = trainer_api.put(_url(next_week), [{"enrolment": anna.pk, "status": "present"}], format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "attendance_too_early"
    assert "ab " in response.json()["detail"]
    assert not Attendance.objects.exists()


def test_trainer_of_another_run_gets_403_and_nothing_changes(api, run, session):
    anna = EnrolmentFactory(run=run)
    AttendanceFactory(session=session, enrolment=anna, status="absent")
    other_trainer = UserFactory()
    CourseRunFactory(trainers=[other_trainer])
    api.force_authenticate(other_trainer)

    put = api.put(_url(session), [{"enrolment": anna.pk, "status": "present"}], format="json")

    assert put.status_code == 403
    assert Attendance.objects.get(session=session, enrolment=anna).status == "absent"


def test_walk_ins_appear_by_the_name_given(trainer_api, trainer, session):
    EnrolmentFactory(run=session.run, user=UserFactory(full_name="Zora Zett"))
    grete = walk_in_add(session=session, by=trainer, name="Grete Gast")

    response = trainer_api.get(_url(session))

    assert response.json()[0] == {"enrolment": grete.pk, "participant": "Grete Gast", "status": "present"}
    assert response.json()[1]["participant"] == "Zora Zett"


def test_huge_session_id_is_404(trainer_api):
    huge = 10**20

    assert trainer_api.get(f"/api/v1/sessions/{huge}/attendance/").status_code == 404
    assert trainer_api.put(f"/api/v1/sessions/{huge}/attendance/", [], format="json").status_code == 404
