from datetime import datetime, timedelta

import pytest
from rest_framework.throttling import ScopedRateThrottle

from courses.models import CourseRun, Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, LabRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_enrol_gives_a_confirmed_seat(person_api, person):
    run = CourseRunFactory(capacity=2)

    response = person_api.post(f"/api/v1/runs/{run.pk}/enrol/")

    assert response.status_code == 201
    enrolment = Enrolment.objects.get(run=run, user=person)
    assert response.json() == {
        "id": enrolment.pk,
        "run": run.pk,
        "course_title": run.course.title,
        "status": "confirmed",
        "waitlist_position": None,
        "offer_expires_at": None,
        "cancellation_deadline": response.json()["cancellation_deadline"],
        "created_at": response.json()["created_at"],
    }
    first = run.sessions.order_by("start").first().start
    assert datetime.fromisoformat(response.json()["cancellation_deadline"]) == first - timedelta(hours=48)
    assert enrolment.status == Enrolment.Status.CONFIRMED
    assert enrolment.confirmed_at is not None


def test_enrol_in_a_full_run_joins_the_waiting_list_with_position(person_api):
    run = CourseRunFactory(capacity=1)
    EnrolmentFactory(run=run)
    person_api.post(f"/api/v1/runs/{run.pk}/enrol/")
    second = UserFactory()
    person_api.force_authenticate(second)

    response = person_api.post(f"/api/v1/runs/{run.pk}/enrol/")

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 2
    waiting = Enrolment.objects.get(run=run, user=second)
    assert (waiting.status, waiting.confirmed_at) == (Enrolment.Status.WAITLISTED, None)
    assert waiting.waitlisted_at is not None


def test_enrol_twice_is_409_and_one_enrolment(person_api, person):
    run = CourseRunFactory()
    person_api.post(f"/api/v1/runs/{run.pk}/enrol/")

    response = person_api.post(f"/api/v1/runs/{run.pk}/enrol/")

    assert response.status_code == 409
    assert response.json()["code"] == "already_enrolled"
    assert response.json()["detail"]
    assert Enrolment.objects.filter(run=run, user=person).count() == 1


def test_enrol_in_a_past_run_is_400_with_a_reason(person_api):
    run = CourseRunFactory(starts_in=timedelta(days=-10))

    response = person_api.post(f"/api/v1/runs/{run.pk}/enrol/")

    assert response.status_code == 400
    assert response.json()["detail"] == "Dieser Kurs hat schon begonnen."
    assert not Enrolment.objects.filter(run=run).exists()


@pytest.mark.parametrize(
    ("run_status", "reason"),
    [
        (CourseRun.Status.CLOSED, "Dieser Kurs ist bereits vorbei."),
        (CourseRun.Status.CANCELLED, "Dieser Kurs wurde abgesagt."),
    ],
)
def test_enrol_in_a_closed_run_is_400_with_a_reason(person_api, run_status, reason):
    run = CourseRunFactory(status=run_status)

    response = person_api.post(f"/api/v1/runs/{run.pk}/enrol/")

    assert response.status_code == 400
    assert response.json()["detail"] == reason
    assert response.json()["code"] == "enrolment_closed"
    assert not Enrolment.objects.filter(run=run).exists()


def test_enrol_needs_a_signed_in_person(api):
    run = CourseRunFactory()

    response = api.post(f"/api/v1/runs/{run.pk}/enrol/")

    assert response.status_code in (401, 403)
    assert not Enrolment.objects.exists()


def test_enrol_in_unknown_run_is_404(person_api):
    assert person_api.post("/api/v1/runs/999999/enrol/").status_code == 404
    assert not Enrolment.objects.exists()


def test_enrolment_is_throttled(person_api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"enrol": "2/hour", "token": "20/hour"})
    runs = CourseRunFactory.create_batch(3)

    codes = [person_api.post(f"/api/v1/runs/{run.pk}/enrol/").status_code for run in runs]

    assert codes == [201, 201, 429]
    assert Enrolment.objects.count() == 2


def test_my_enrolments_lists_only_own_with_waitlist_position(person_api, person):
    run = CourseRunFactory(capacity=1)
    EnrolmentFactory(run=run)
    mine = EnrolmentFactory(run=run, user=person, status=Enrolment.Status.WAITLISTED, confirmed_at=None)
    mine.waitlisted_at = mine.created_at
    mine.save()
    EnrolmentFactory()

    body = person_api.get("/api/v1/me/enrolments/").json()

    assert body["count"] == 1
    assert body["results"][0]["id"] == mine.pk
    assert body["results"][0]["status"] == "waitlisted"
    assert body["results"][0]["waitlist_position"] == 1


def test_my_enrolments_needs_a_signed_in_person(api):
    enrolment = EnrolmentFactory()

    response = api.get("/api/v1/me/enrolments/")

    assert response.status_code in (401, 403)
    assert "results" not in response.json()
    assert enrolment.run.course.title not in response.content.decode()


def test_cancel_own_enrolment_promotes_the_first_waiting(
    person_api, person, mailoutbox, django_capture_on_commit_callbacks
):
    run = CourseRunFactory(capacity=1)
    mine = EnrolmentFactory(run=run, user=person)
    waiting = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, confirmed_at=None)
    waiting.waitlisted_at = waiting.created_at
    waiting.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = person_api.post(f"/api/v1/enrolments/{mine.pk}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Enrolment.Status.CANCELLED
    assert mine.cancelled_at is not None
    assert waiting.status == Enrolment.Status.CONFIRMED
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mine.user.email, waiting.user.email])


def test_cancel_someone_elses_enrolment_is_404_and_nothing_changes(person_api):
    other = EnrolmentFactory()

    response = person_api.post(f"/api/v1/enrolments/{other.pk}/cancel/")

    assert response.status_code == 404
    assert response.json() == person_api.post("/api/v1/enrolments/999999/cancel/").json()
    other.refresh_from_db()
    assert other.status == Enrolment.Status.CONFIRMED


def test_lab_manager_may_cancel_an_enrolment_in_their_lab(api):
    enrolment = EnrolmentFactory()
    manager = LabRoleFactory(lab=enrolment.run.lab).user
    api.force_authenticate(manager)

    response = api.post(f"/api/v1/enrolments/{enrolment.pk}/cancel/")

    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CANCELLED
    assert enrolment.cancelled_at is not None


def test_cancel_after_the_course_took_place_is_400(person_api, person):
    enrolment = EnrolmentFactory(run=CourseRunFactory(starts_in=timedelta(days=-30)), user=person)

    response = person_api.post(f"/api/v1/enrolments/{enrolment.pk}/cancel/")

    assert response.status_code == 400
    assert response.json()["detail"]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED
