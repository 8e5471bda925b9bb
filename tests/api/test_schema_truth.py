"""What the OpenAPI schema says about an operation is what the server does.

The main write operations accept a body built from the schema's own example, and refuse what the schema
rules out (too long, too small or large, not one of the choices, missing) with a 400 in the API's error shape
that names the field. Every query parameter out of range or malformed is a 400 in that shape, never a
server error.
"""

import copy
import re
from datetime import timedelta, timezone

import pytest
from drf_spectacular.generators import SchemaGenerator

from courses.models import CoursePage, CourseRun, Enrolment
from labs.models import LabRole
from labs.services import lab_role_grant
from tests.api.conftest import field_errors
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course

pytestmark = pytest.mark.django_db

BIGINT_MAX = 2**63 - 1


@pytest.mark.parametrize(
    "query",
    [
        "course=-10888078533030676791296",
        "course=10888078533030676791296",
        f"course={BIGINT_MAX}",
        "course=2147483648",
        "course=0",
        "course=-1",
        "course=1.5",
        "course=eins",
        "starts_after=99999-01-01T00:00:00Z",
        "starts_after=0001-01-01T00:00:00%2B05:00",
        "starts_before=9999-12-31T23:59:59-05:00",
        "starts_after=2026-02-30T10:00:00Z",
        "starts_after=morgen",
        "starts_after=2026-12-01T25:00:00Z",
        "audience=alle",
        "near=%00",
        "lab=%00",
    ],
)
def test_a_run_filter_out_of_range_is_a_400_in_the_error_shape(api, query):
    response = api.get(f"/api/v1/runs/?{query}")

    assert response.status_code == 400, response.content
    errors = field_errors(response)
    assert response.json()["code"] == "invalid" or len(errors) == 1
    assert set(errors) <= {"course", "starts_after", "starts_before", "audience", "near", "lab"}


@pytest.mark.parametrize(
    "query",
    [
        "level=9",
        "level=-10888078533030676791296",
        "level=eins",
        "audience=alle",
        "topic=%00",
        "q=%00",
        "lab=%00",
        "municipality=%00",
        "competence=%00",
        "q=" + "x" * 201,
    ],
)
def test_a_course_filter_out_of_range_is_a_400_in_the_error_shape(api, query):
    response = api.get(f"/api/v1/courses/?{query}")

    assert response.status_code == 400, response.content
    assert field_errors(response)


@pytest.mark.parametrize("path", ["/api/v1/runs/", "/api/v1/courses/", "/api/v1/labs/"])
@pytest.mark.parametrize("page", ["-10888078533030676791296", "0", "-1", "eins", "1.5"])
def test_a_page_number_that_is_no_page_number_is_a_400_naming_it(api, path, page):
    response = api.get(f"{path}?page={page}", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400, response.content
    assert field_errors(response) == {"page": ["Bitte geben Sie eine Seitenzahl ab 1 an."]}


@pytest.mark.parametrize("path", ["/api/v1/runs/", "/api/v1/courses/", "/api/v1/labs/"])
def test_a_page_past_the_last_is_a_404_in_the_error_shape(api, path):
    response = api.get(f"{path}?page=99999999999999", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404, response.content
    assert field_errors(response) == {}
    assert response.json()["detail"] == "Diese Seite gibt es nicht: Die Liste hat weniger Seiten."


@pytest.mark.parametrize("path", ["/api/v1/runs/", "/api/v1/courses/", "/api/v1/labs/"])
@pytest.mark.parametrize(
    "page_size", ["-10888078533030676791296", "10888078533030676791296", "0", "101", "eins"]
)
def test_a_page_size_outside_1_to_100_is_a_400_naming_it(api, path, page_size):
    response = api.get(f"{path}?page_size={page_size}", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400, response.content
    assert field_errors(response) == {"page_size": ["Bitte geben Sie eine ganze Zahl von 1 bis 100 an."]}


@pytest.mark.parametrize("page_size", ["1", "100"])
def test_page_sizes_from_1_to_100_give_a_page(api, page_size):
    response = api.get(f"/api/v1/runs/?page_size={page_size}&page=1")

    assert response.status_code == 200, response.content


def test_the_schema_states_the_page_ranges(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/runs/"]["get"]["parameters"]}

    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 100}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/runs/10888078533030676791296/",
        "/api/v1/runs/-1/",
        "/api/v1/courses/%00/",
        "/api/v1/labs/%00/",
        "/api/v1/sessions/10888078533030676791296/attendance/",
    ],
)
def test_an_address_out_of_range_is_a_404(api, path):
    response = api.get(path)

    assert response.status_code in (401, 404), response.content
    assert field_errors(response) == {}


def test_a_moment_with_an_offset_postgresql_does_not_take_is_compared_in_utc(api):
    run = CourseRunFactory()
    first = run.sessions.first().start
    # ISO 8601 allows offsets up to 23:59; PostgreSQL refuses any beyond 15:59.
    moment = (first - timedelta(minutes=1)).astimezone(timezone(timedelta(hours=16, minutes=10)))

    response = api.get("/api/v1/runs/", {"starts_after": moment.isoformat()})

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [run.pk]


# The schema and what the write operations do with it.


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operation(schema, method: str, path: str) -> dict:
    return schema["paths"][path][method]


def _request_schema(schema, method: str, path: str) -> dict:
    body = _operation(schema, method, path)["requestBody"]["content"]
    assert set(body) == {"application/json"}, "the API reads JSON only"
    name = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    return schema["components"]["schemas"][name]


def _example(schema, method: str, path: str, **replace) -> dict:
    """The first example of the operation's request body, with the placeholders replaced."""
    examples = _operation(schema, method, path)["requestBody"]["content"]["application/json"]["examples"]
    return {**copy.deepcopy(next(iter(examples.values()))["value"]), **replace}


@pytest.fixture
def manager_api(api, lab, manager):
    api.force_authenticate(manager)
    return api


@pytest.fixture
def trainer(lab):
    person = UserFactory()
    lab_role_grant(lab=lab, user=person, role=LabRole.Role.TRAINER)
    return person


@pytest.fixture
def course(lab):
    return make_course(lab, "Sicher im Netz")


@pytest.fixture
def run(course):
    return CourseRunFactory(course=course, capacity=10)


def _run_example(schema, course, trainer, method="post", path="/api/v1/runs/"):
    values = (
        {"course": course.pk, "trainers": [trainer.pk]} if method == "post" else {"trainers": [trainer.pk]}
    )
    return _example(schema, method, path, **values)


def test_the_course_example_creates_a_course(schema, manager_api, lab):
    body = _example(schema, "post", "/api/v1/courses/", lab=lab.slug)

    response = manager_api.post("/api/v1/courses/", body, format="json")

    assert response.status_code == 201, response.content
    created = CoursePage.objects.get(pk=response.json()["id"])
    assert created.title == body["title"]
    assert sorted(created.competences.values_list("code", flat=True)) == body["competences"]


def test_the_course_change_examples_change_a_course(schema, manager_api, course):
    operation = _operation(schema, "patch", "/api/v1/courses/{slug}/")
    for example in operation["requestBody"]["content"]["application/json"]["examples"].values():
        response = manager_api.patch(f"/api/v1/courses/{course.slug}/", example["value"], format="json")

        assert response.status_code == 200, response.content
        assert {name: response.json()[name] for name in example["value"]} == example["value"]


def test_the_run_example_schedules_a_run(schema, manager_api, course, trainer):
    body = _run_example(schema, course, trainer)

    response = manager_api.post("/api/v1/runs/", body, format="json")

    assert response.status_code == 201, response.content
    run = CourseRun.objects.get(pk=response.json()["id"])
    assert (run.title, run.capacity, run.venue_name) == (body["title"], body["capacity"], body["venue_name"])
    assert list(run.trainers.all()) == [trainer]


def test_the_run_change_examples_change_a_run(schema, manager_api, run, trainer):
    operation = _operation(schema, "patch", "/api/v1/runs/{id}/")
    for example in operation["requestBody"]["content"]["application/json"]["examples"].values():
        body = {**example["value"], **({"trainers": [trainer.pk]} if "trainers" in example["value"] else {})}

        response = manager_api.patch(f"/api/v1/runs/{run.pk}/", body, format="json")

        assert response.status_code == 200, response.content


def test_cancelling_takes_no_body_and_gives_the_seat_back(schema, api, run):
    operation = _operation(schema, "post", "/api/v1/enrolments/{id}/cancel/")
    assert "requestBody" not in operation
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
    enrolment = EnrolmentFactory(run=run)
    api.force_authenticate(enrolment.user)

    response = api.post(f"/api/v1/enrolments/{enrolment.pk}/cancel/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == Enrolment.Status.CANCELLED


WRITES = [
    ("post", "/api/v1/courses/", "{lab}"),
    ("patch", "/api/v1/courses/{slug}/", "{course}"),
    ("post", "/api/v1/runs/", "{run_new}"),
    ("patch", "/api/v1/runs/{id}/", "{run}"),
]


def _send(api, method, path, body, *, course, run):
    address = path.replace("{slug}", course.slug).replace("{id}", str(run.pk))
    return getattr(api, method)(address, body, format="json")


def _valid_body(schema, method, path, *, lab, course, trainer):
    if path == "/api/v1/courses/":
        return _example(schema, method, path, lab=lab.slug)
    if path == "/api/v1/runs/":
        return _run_example(schema, course, trainer)
    return {}


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in WRITES])
def test_required_fields_are_the_ones_the_server_asks_for(
    schema, manager_api, lab, course, run, trainer, method, path
):
    request = _request_schema(schema, method, path)
    body = _valid_body(schema, method, path, lab=lab, course=course, trainer=trainer)

    for name in request["properties"]:
        if request["properties"][name].get("readOnly"):
            continue
        response = _send(
            manager_api, method, path, {k: v for k, v in body.items() if k != name}, course=course, run=run
        )
        missing = response.status_code == 400 and name in field_errors(response)
        assert missing == (name in request.get("required", [])), (name, response.content)


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in WRITES])
def test_every_limit_of_the_schema_is_a_400_that_names_the_field(
    schema, manager_api, lab, course, run, trainer, method, path
):
    request = _request_schema(schema, method, path)
    body = _valid_body(schema, method, path, lab=lab, course=course, trainer=trainer)
    broken = []
    for name, field in request["properties"].items():
        if "maxLength" in field:
            broken.append((name, "x" * (field["maxLength"] + 1)))
        if "minimum" in field:
            broken.append((name, field["minimum"] - 1))
        if "maximum" in field:
            broken.append((name, field["maximum"] + 1))
        enum = field.get("enum") or _enum(schema, field)
        if enum:
            broken.append((name, "keine-der-Möglichkeiten"))
        if field.get("type") == "array" and field["items"].get("enum"):
            broken.append((name, ["9.9"]))
        if field.get("format") == "date-time":
            broken.append((name, "2027-02-30T10:00:00+01:00"))
    assert broken

    for name, value in broken:
        response = _send(manager_api, method, path, {**body, name: value}, course=course, run=run)

        assert response.status_code == 400, (name, value, response.content)
        assert name in field_errors(response), (name, value, response.content)


def _enum(schema, field: dict) -> list:
    for part in field.get("allOf", []):
        name = part["$ref"].rsplit("/", 1)[1]
        return schema["components"]["schemas"][name].get("enum", [])
    return []


def test_a_string_over_its_max_length_is_refused_and_changes_nothing(schema, manager_api, course):
    limit = _request_schema(schema, "patch", "/api/v1/courses/{slug}/")["properties"]["summary"]["maxLength"]

    response = manager_api.patch(
        f"/api/v1/courses/{course.slug}/", {"summary": "x" * (limit + 1)}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(field_errors(response)) == ["summary"]
    course.refresh_from_db()
    assert len(course.summary) < limit


def test_the_schema_documents_the_overflowing_filter(schema):
    parameters = {p["name"]: p for p in _operation(schema, "get", "/api/v1/runs/")["parameters"]}

    assert parameters["course"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert parameters["starts_after"]["schema"] == {"type": "string", "format": "date-time"}
    assert "400" in _operation(schema, "get", "/api/v1/runs/")["responses"]


def test_a_lab_or_competence_no_row_can_have_is_a_400(schema, manager_api, lab):
    body = _example(schema, "post", "/api/v1/courses/", lab="hameln\x00", competences=["2.1\x00"])

    response = manager_api.post("/api/v1/courses/", body, format="json")

    assert response.status_code == 400, response.content
    assert set(field_errors(response)) == {"lab", "competences"}


@pytest.mark.parametrize(
    "start", ["0043-11-07T00:04:41+01:00", "1999-12-30T18:00:00+01:00", "2100-01-03T18:00:00+01:00"]
)
def test_a_session_outside_this_century_is_refused(manager_api, run, start):
    response = manager_api.post(
        f"/api/v1/runs/{run.pk}/sessions/",
        {"start": start, "end": "2100-01-03T20:00:00+01:00"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "start" in field_errors(response)
    assert run.sessions.count() == 2


def test_a_lab_without_an_email_address_matches_its_schema(schema, api, lab):
    email = schema["components"]["schemas"]["Lab"]["properties"]["contact_email"]

    response = api.get(f"/api/v1/labs/{lab.slug}/")

    assert response.json()["contact_email"] == ""
    assert {"maxLength": 0} in email["anyOf"]
    assert "format" not in email, "an empty string is no email address"


def test_a_session_written_in_this_century_is_taken_whatever_its_offset(schema, manager_api, run):
    pattern = _request_schema(schema, "post", "/api/v1/runs/{id}/sessions/")["properties"]["start"]["pattern"]
    start, end = "2099-12-31T22:00:00-12:00", "2099-12-31T23:59:59-12:00"
    assert re.match(pattern, start) and re.match(pattern, end)

    response = manager_api.post(
        f"/api/v1/runs/{run.pk}/sessions/", {"start": start, "end": end}, format="json"
    )

    assert response.status_code == 201, response.content
