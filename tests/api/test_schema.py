import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.settings import patched_settings

pytestmark = pytest.mark.django_db

# Leaves out the CMS's internal API (Wagtail's admin endpoints), which is not this site's API.
API_ONLY = {"PREPROCESSING_HOOKS": ["config.api.schema_api_paths_only"]}


def test_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    with patched_settings(API_ONLY):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    paths = yaml.safe_load(target.read_text())["paths"]
    assert {
        "/api/v1/labs/",
        "/api/v1/labs/{slug}/",
        "/api/v1/courses/",
        "/api/v1/courses/{slug}/",
        "/api/v1/runs/",
        "/api/v1/runs/{id}/",
        "/api/v1/runs/{id}/sessions/",
        "/api/v1/runs/{id}/enrol/",
        "/api/v1/runs/{id}/complete/",
        "/api/v1/sessions/{id}/",
        "/api/v1/sessions/{id}/attendance/",
        "/api/v1/enrolments/{id}/cancel/",
        "/api/v1/me/enrolments/",
        "/api/v1/me/certificates/",
        "/api/v1/me/badges/",
        "/api/v1/certificates/verify/{code}/",
        "/api/v1/auth/token/",
        "/api/v1/enrolments/{id}/accept-offer/",
        "/api/v1/enrolments/{id}/decline-offer/",
        "/api/v1/me/organisations/",
        "/api/v1/me/bookings/",
        "/api/v1/runs/{id}/bookings/",
        "/api/v1/bookings/{id}/",
        "/api/v1/bookings/{id}/members/",
        "/api/v1/bookings/{id}/members/{enrolment}/",
        "/api/v1/bookings/{id}/cancel/",
        "/api/v1/me/calendar/",
        "/api/v1/me/calendar/renew/",
    } <= set(paths)
    assert set(paths["/api/v1/courses/"]) == {"get", "post"}
    assert set(paths["/api/v1/runs/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/sessions/{id}/attendance/"]) == {"get", "put"}
    assert set(paths["/api/v1/runs/{id}/bookings/"]) == {"post"}
    assert set(paths["/api/v1/bookings/{id}/members/"]) == {"post"}
    assert set(paths["/api/v1/bookings/{id}/members/{enrolment}/"]) == {"delete"}
    assert set(paths["/api/v1/me/calendar/"]) == {"get"}
    assert set(paths["/api/v1/me/calendar/renew/"]) == {"post"}


def _component_name(operation: dict, status: str | None = None) -> str:
    """The name of the schema component an operation takes (no status) or answers with."""
    body = operation["requestBody"] if status is None else operation["responses"][status]
    return body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_schema_describes_bookings_offers_and_the_calendar_address(tmp_path):
    target = tmp_path / "schema.yml"
    with patched_settings(API_ONLY):
        call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths, components = schema["paths"], schema["components"]["schemas"]

    def fields(name: str) -> set[str]:
        return set(components[name]["properties"])

    book = paths["/api/v1/runs/{id}/bookings/"]["post"]
    assert fields(_component_name(book)) == {"organisation", "seats", "waitlist_rest"}
    assert _component_name(book, "201") == "Booking"
    assert {"id", "run", "organisation", "seats", "seats_unnamed", "seats_waitlisted", "status"} <= fields(
        "Booking"
    )
    assert components["Booking"]["properties"]["members"]["items"] == {
        "$ref": "#/components/schemas/BookingMember"
    }
    name_member = paths["/api/v1/bookings/{id}/members/"]["post"]
    assert fields(_component_name(name_member)) == {"name", "email"}
    assert _component_name(name_member, "201") == "BookingMember"
    assert fields("BookingMember") == {"enrolment", "name", "status"}
    assert {"invited", "confirmed"} <= set(components["BookingMemberStatusEnum"]["enum"])
    assert _component_name(paths["/api/v1/bookings/{id}/cancel/"]["post"], "200") == "Booking"
    assert _component_name(paths["/api/v1/enrolments/{id}/accept-offer/"]["post"], "200") == "Enrolment"
    assert {"offer_expires_at", "cancellation_deadline"} <= fields("Enrolment")
    assert {"offered", "invited", "reserved"} <= set(components["EnrolmentStatusEnum"]["enum"])
    assert fields("Organisation") == {"id", "name", "kind", "municipality"}
    assert _component_name(paths["/api/v1/me/calendar/renew/"]["post"], "200") == "CalendarFeed"
    assert fields("CalendarFeed") == {"url"}


def test_schema_view_answers(api):
    with patched_settings(API_ONLY):
        response = api.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/runs/{id}/enrol/" in response.content


MINE = ("/api/v1/labs/", "/api/v1/courses/", "/api/v1/runs/", "/api/v1/sessions/", "/api/v1/enrolments/")


def _operations(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_course_and_run_operations_read_json_only_and_say_what_they_do(tmp_path):
    for path, method, operation in _operations(tmp_path):
        if not path.startswith(MINE) and not path.startswith("/api/v1/bookings/"):
            continue
        assert operation.get("description"), (method, path)
        if "requestBody" in operation:
            assert set(operation["requestBody"]["content"]) == {"application/json"}, (method, path)


def test_every_error_answer_of_the_main_operations_has_the_one_error_body(tmp_path):
    for path, method, operation in _operations(tmp_path):
        if not path.startswith(MINE):
            continue
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
