"""The API's one error shape, throttling of anonymous clients and conditional GET on public lists."""

from datetime import timedelta

import pytest
from django.utils.http import http_date
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from certificates.models import Certificate
from tests.api.conftest import field_errors
from tests.api.test_certificates_and_badges import make_certificate
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_reads_a_minute(monkeypatch):
    monkeypatch.setattr(
        AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "enrol": "30/hour", "token": "20/hour"}
    )


# --- one error shape -------------------------------------------------------------------------------------


def test_an_unknown_address_under_the_api_is_a_json_404_in_the_persons_language(api):
    german = api.get("/api/v1/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="de")
    english = api.get("/api/v1/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="en")

    assert german.status_code == english.status_code == 404
    assert german["Content-Type"] == "application/json"
    assert german.json() == {
        "code": "not_found",
        "detail": "Diese Adresse gibt es in der API nicht. Die Übersicht steht unter /api/docs/.",
        "errors": [],
    }
    assert english.json()["detail"] == (
        "This address does not exist in the API. The overview is at /api/docs/."
    )


def test_a_write_to_an_unknown_api_address_is_json_not_the_csrf_page(api):
    api.handler.enforce_csrf_checks = True
    person = UserFactory()
    api.force_login(person)

    response = api.delete("/api/v1/bookings/1/members/-5/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code in (403, 404)
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"code", "detail", "errors"}


def test_an_unforeseen_error_is_a_json_500_without_details(api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("labs.api.labs_published", broken)
    api.raise_request_exception = False

    response = api.get("/api/v1/labs/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "detail": "Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal.",
        "errors": [],
    }
    assert b"hunter2" not in response.content


def test_a_validation_error_lists_every_field_and_nested_fields_by_path(api):
    manager = UserFactory(is_superuser=True)
    run = CourseRunFactory()
    api.force_authenticate(manager)

    response = api.post(
        f"/api/v1/runs/{run.pk}/sessions/", {"start": "morgen", "end": "übermorgen"}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(field_errors(response)) == {"start", "end"}
    assert "start" in body["detail"] and "end" in body["detail"]
    assert all(error["code"] == "invalid" for error in body["errors"])


def test_a_domain_error_keeps_its_status_and_code(api):
    person = UserFactory()
    run = CourseRunFactory()
    EnrolmentFactory(run=run, user=person)
    api.force_authenticate(person)

    response = api.post(f"/api/v1/runs/{run.pk}/enrol/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 409
    body = response.json()
    assert body["errors"] == [] and body["code"] and body["detail"]


def test_a_request_without_credentials_where_they_are_needed_is_401_in_the_shape(api):
    response = api.get("/api/v1/me/enrolments/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["errors"] == []


def test_every_error_answer_in_the_schema_is_the_one_shape(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    error_ref = "#/components/schemas/Error"

    documented = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                content = response.get("content", {}).get("application/json", {})
                assert content.get("schema", {}).get("$ref") == error_ref, (method, path, status)
                documented += 1
    assert documented > 100
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "detail", "errors"}


# --- throttling --------------------------------------------------------------------------------------------


def test_anonymous_reads_are_throttled_with_retry_after_in_plain_words(api, three_reads_a_minute):
    make_lab("Regionallabor Hameln")
    codes = [api.get("/api/v1/labs/").status_code for _ in range(3)]

    refused = api.get("/api/v1/labs/", HTTP_ACCEPT_LANGUAGE="de")

    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["code"] == "throttled" and body["errors"] == []
    assert body["detail"].startswith("Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in ")
    assert f"{refused['Retry-After']} Sekunde" in body["detail"]
    english = api.get("/api/v1/labs/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"].startswith("Too many requests in a short time.")


def test_another_address_and_a_signed_in_person_still_read(api, three_reads_a_minute):
    for _ in range(4):
        api.get("/api/v1/labs/")

    other = APIClient(REMOTE_ADDR="192.0.2.7")
    person = APIClient()
    person.force_authenticate(UserFactory())

    assert other.get("/api/v1/labs/").status_code == 200
    assert person.get("/api/v1/labs/").status_code == 200


# --- conditional GET ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/labs/", "/api/v1/courses/", "/api/v1/runs/"])
def test_public_lists_answer_304_while_their_etag_holds(api, path):
    CourseRunFactory()

    first = api.get(path)
    again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_seat_taken_changes_the_runs_etag(api):
    run = CourseRunFactory(capacity=5)
    before = api.get(f"/api/v1/runs/{run.pk}/")

    EnrolmentFactory(run=run)
    after = api.get(f"/api/v1/runs/{run.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.json()["seats_left"] == 4


def test_course_detail_has_an_etag_and_answers_304(api):
    course = make_course(title="Sicher im Netz")

    first = api.get(f"/api/v1/courses/{course.slug}/")
    again = api.get(f"/api/v1/courses/{course.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_a_lab_carries_last_modified_and_answers_if_modified_since(api):
    lab = make_lab("Regionallabor Hameln")
    lab.save_revision().publish()
    lab.refresh_from_db()
    published = lab.last_published_at

    first = api.get(f"/api/v1/labs/{lab.slug}/")
    unchanged = api.get(f"/api/v1/labs/{lab.slug}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    a_day_before = http_date((published - timedelta(days=1)).timestamp())
    older = api.get(f"/api/v1/labs/{lab.slug}/", HTTP_IF_MODIFIED_SINCE=a_day_before)

    assert first["Last-Modified"] == http_date(int(published.timestamp()))
    assert unchanged.status_code == 304
    assert older.status_code == 200


def test_lists_carry_no_last_modified_because_a_lab_taken_offline_leaves_no_time_of_change(api):
    make_lab("Regionallabor Hameln")

    response = api.get("/api/v1/labs/")

    assert response["ETag"]
    assert "Last-Modified" not in response


def test_runs_carry_no_last_modified_because_seats_have_no_time_of_change(api):
    CourseRunFactory()

    response = api.get("/api/v1/runs/")

    assert response["ETag"]
    assert "Last-Modified" not in response


def test_errors_and_writes_carry_no_etag(api):
    person = UserFactory(is_superuser=True)
    run = CourseRunFactory()
    api.force_authenticate(person)

    missing = api.get("/api/v1/runs/999999/")
    written = api.patch(f"/api/v1/runs/{run.pk}/", {"capacity": 7}, format="json")

    assert missing.status_code == 404 and "ETag" not in missing
    assert written.status_code == 200 and "ETag" not in written


def test_certificate_verification_answers_304_while_nothing_changed(api):
    certificate = make_certificate()
    url = "/api/v1/certificates/verify/K7QM3XRT9HVD/"
    first = api.get(url)

    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED, revoked_at=certificate.issued_at
    )
    revoked = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
