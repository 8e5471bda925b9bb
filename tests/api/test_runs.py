from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import CourseRun, Enrolment
from tests.api.conftest import field_errors
from tests.factories import CourseRunFactory, EnrolmentFactory, make_course, make_lab, moment

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(run["id"] for run in response.json()["results"])


def test_run_detail_has_contract_fields(api):
    lab = make_lab("Regionallabor Hameln")
    run = CourseRunFactory(course=make_course(lab, "Smartphone Grundlagen"), capacity=2, sessions=2)
    EnrolmentFactory(run=run)
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())

    response = api.get(f"/api/v1/runs/{run.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == run.pk
    assert body["course"] == run.course_id
    assert body["course_title"] == "Smartphone Grundlagen"
    assert body["lab"] == "regionallabor-hameln"
    assert body["capacity"] == 2
    assert body["seats_left"] == 1
    assert body["waitlist_length"] == 1
    assert body["url"].startswith("http") and body["url"].endswith("/smartphone-grundlagen/")
    assert [set(s) for s in body["sessions"]] == [{"id", "start", "end", "location"}] * 2
    assert body["sessions"][0]["location"] == "Regionallabor Hameln, Am Markt 1, 31785 Hameln"


def test_times_are_berlin_time_with_offset(api):
    run = CourseRunFactory(sessions=1)
    session = run.sessions.get()

    start = api.get(f"/api/v1/runs/{run.pk}/").json()["sessions"][0]["start"]

    assert start == timezone.localtime(session.start).isoformat()
    assert start.endswith(("+01:00", "+02:00"))


def test_run_list_shows_upcoming_runs_only_by_default(api):
    upcoming = CourseRunFactory()
    CourseRunFactory(starts_in=timedelta(days=-30))
    CourseRunFactory(status=CourseRun.Status.CANCELLED)

    assert _ids(api.get("/api/v1/runs/")) == [upcoming.pk]


def test_run_list_date_range_includes_past_runs(api):
    past = CourseRunFactory(starts_in=timedelta(days=-30), sessions=1)
    CourseRunFactory(starts_in=timedelta(days=10))
    after = moment(-timedelta(days=40)).isoformat()
    before = moment(-timedelta(days=20)).isoformat()

    response = api.get("/api/v1/runs/", {"starts_after": after, "starts_before": before})

    assert _ids(response) == [past.pk]


def test_run_list_filters_by_course_lab_and_audience(api):
    aerzen = make_lab("Regionallabor Aerzen", municipality="aerzen")
    business = CourseRunFactory(course=make_course(aerzen, "KI im Betrieb", audience="businesses"))
    citizens = CourseRunFactory()

    assert _ids(api.get("/api/v1/runs/", {"course": citizens.course_id})) == [citizens.pk]
    assert _ids(api.get("/api/v1/runs/", {"lab": "regionallabor-aerzen"})) == [business.pk]
    assert _ids(api.get("/api/v1/runs/", {"audience": "businesses"})) == [business.pk]


def test_run_list_filters_by_free_seats(api):
    full = CourseRunFactory(capacity=1)
    EnrolmentFactory(run=full)
    free = CourseRunFactory(capacity=1)

    assert _ids(api.get("/api/v1/runs/", {"has_seats": "true"})) == [free.pk]
    assert _ids(api.get("/api/v1/runs/", {"has_seats": "false"})) == [full.pk]


@pytest.mark.parametrize("query", [{"course": "abc"}, {"starts_after": "gestern"}, {"audience": "aliens"}])
def test_run_list_rejects_malformed_filters_and_names_the_parameter(api, query):
    response = api.get("/api/v1/runs/", query)

    assert response.status_code == 400
    assert list(field_errors(response)) == list(query)
    assert field_errors(response)[next(iter(query))][0]


def test_past_run_detail_is_still_reachable(api):
    past = CourseRunFactory(starts_in=timedelta(days=-30), sessions=1)

    response = api.get(f"/api/v1/runs/{past.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == past.pk
    assert body["sessions"][0]["start"] == timezone.localtime(past.sessions.get().start).isoformat()


def test_unknown_run_is_404(api):
    assert api.get("/api/v1/runs/999999/").status_code == 404


def test_unknown_run_answers_not_found_in_the_persons_language(api):
    response = api.get("/api/v1/runs/999999/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden.", "code": "not_found", "errors": []}
    english = api.get("/api/v1/runs/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Not found."
