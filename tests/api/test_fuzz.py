"""The API answers as its OpenAPI schema says, for every operation and every kind of person.

Schemathesis reads the schema the live server publishes at /api/schema/ and sends each operation requests
built from it: as an anonymous visitor, and with the API token of a participant, an organisation's contact,
a trainer, a lab manager, a lab editor and an administrator. No answer may be a server error, and every
answer must be documented: its status code, its content type and its body.

Half of the requests address things that exist (the run, its session, the enrolment, the booking), the
other half whatever the schema allows. The examples are derandomized and bounded, without shrinking, so
the test takes the same path every time and stays within a few minutes on two cores.
"""

import time
from dataclasses import dataclass

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from config.celery import app as celery_app
from courses.bookings.services import booking_create
from labs.models import LabRole
from labs.services import lab_role_grant
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    OrganisationFactory,
    RoomFactory,
    UserFactory,
    make_contact,
    make_course,
    make_lab,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "geheim-1234"  # every factory-made person's
# Bodies and filters have much to vary; an operation with only ids in its path or a page number has little.
EXAMPLES_WITH_INPUT = 15
EXAMPLES_WITHOUT = 5
PAGING = {"page", "page_size"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ("anonymous", "participant", "contact", "trainer", "manager", "editor", "admin")
# These end the token the person's other requests carry, so each person tries them last.
TOKEN_ENDING = {
    ("DELETE", "/api/v1/auth/token/"),
    ("DELETE", "/api/v1/me/tokens/{id}/"),
    ("POST", "/api/v1/me/tokens/revoke-all/"),
}


@dataclass
class World:
    people: dict[str, User | None]
    # Values of path parameters that name existing things, by path.
    existing: dict[str, dict[str, object]]


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    """Fuzzing sends hundreds of requests a minute per person; with the real limits most answers would be a
    (documented) 429 and the validation behind them would go untried."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "100000/minute", "enrol": "100000/minute", "token": "100000/minute"},
    )


@pytest.fixture
def inline_tasks():
    """Whatever the API queues (mails, certificates) runs in the server's thread, with no broker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def world(inline_tasks) -> World:
    lab = make_lab("Regionallabor Hameln")
    course = make_course(lab, "Videotelefonie mit der Familie")
    trainer = UserFactory(email="trainer@example.org")
    lab_role_grant(lab=lab, user=trainer, role=LabRole.Role.TRAINER)
    run = CourseRunFactory(
        course=course, room=RoomFactory(lab=lab, capacity=30), capacity=12, trainers=[trainer]
    )
    session = run.sessions.first()
    participant = UserFactory(email="teilnehmerin@example.org")
    enrolment = EnrolmentFactory(run=run, user=participant)
    organisation = OrganisationFactory()
    contact = make_contact(organisation, email="kontakt@example.org")
    booking = booking_create(run=run, organisation=organisation, by=contact, seats=2)
    manager = UserFactory(email="leitung@example.org")
    lab_role_grant(lab=lab, user=manager, role=LabRole.Role.MANAGER)
    editor = UserFactory(email="redaktion@example.org")
    lab_role_grant(lab=lab, user=editor, role=LabRole.Role.EDITOR)
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    run_paths = ("", "sessions/", "enrol/", "bookings/", "complete/")
    enrolment_paths = ("cancel/", "accept-offer/", "decline-offer/")
    return World(
        people={
            "anonymous": None,
            "participant": participant,
            "contact": contact,
            "trainer": trainer,
            "manager": manager,
            "editor": editor,
            "admin": admin,
        },
        existing={
            "/api/v1/labs/{slug}/": {"slug": lab.slug},
            "/api/v1/courses/{slug}/": {"slug": course.slug},
            **{f"/api/v1/runs/{{id}}/{tail}": {"id": run.pk} for tail in run_paths},
            **{
                f"/api/v1/sessions/{{id}}/{tail}": {"id": session.pk}
                for tail in ("", "attendance/", "walk-ins/")
            },
            **{f"/api/v1/enrolments/{{id}}/{tail}": {"id": enrolment.pk} for tail in enrolment_paths},
            **{f"/api/v1/bookings/{{id}}/{tail}": {"id": booking.pk} for tail in ("", "members/", "cancel/")},
            "/api/v1/bookings/{id}/members/{enrolment}/": {
                "id": booking.pk,
                "enrolment": booking.enrolments.first().pk,
            },
        },
    )


def _token(base_url: str, person: User) -> str:
    response = requests.post(
        f"{base_url}/api/v1/auth/token/", json={"email": person.email, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def _examples(operation) -> int:
    definition = operation.definition.raw
    queries = {p["name"] for p in definition.get("parameters", []) if p["in"] == "query"}
    return EXAMPLES_WITH_INPUT if "requestBody" in definition or queries - PAGING else EXAMPLES_WITHOUT


def _fuzz(operation, *, base_url: str, session: requests.Session, existing: dict) -> list[str]:
    """Send the operation its examples; return one line per distinct way an answer broke the schema."""
    found: dict[tuple, str] = {}
    strategy = operation.as_strategy()
    if existing:
        strategy = st.one_of(operation.as_strategy(path_parameters=existing), strategy)

    @settings(
        max_examples=_examples(operation),
        phases=[Phase.explicit, Phase.generate],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case):
        response = case.call(base_url=base_url, session=session, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as error:
            for failure in getattr(error, "exceptions", [error]):
                key = (response.status_code, failure.title, failure.message[:200])
                found.setdefault(
                    key,
                    f"{operation.label} -> {response.status_code} {failure.title}: {failure.message[:600]}\n"
                    f"    {case.as_curl_command()[:600]}\n    answer: {response.text[:300]}",
                )

    send()
    return list(found.values())


def test_every_operation_answers_as_documented_for_every_role(live_server, world):
    started = time.monotonic()
    base_url = live_server.url
    tokens = {role: _token(base_url, person) for role, person in world.people.items() if person is not None}
    raw = requests.get(f"{base_url}/api/schema/", headers={"Accept": "application/json"}, timeout=30)
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: (operation.method.upper(), operation.path) in TOKEN_ENDING,
    )

    failures: list[str] = []
    for role in ROLES:
        role_started = time.monotonic()
        with requests.Session() as session:
            if role in tokens:
                session.headers["Authorization"] = f"Token {tokens[role]}"
            for operation in operations:
                existing = world.existing.get(operation.path, {})
                for line in _fuzz(operation, base_url=base_url, session=session, existing=existing):
                    failures.append(f"[{role}] {line}")
        print(f"{role}: {len(operations)} operations in {time.monotonic() - role_started:.0f} s")

    print(f"all roles: {time.monotonic() - started:.0f} s")
    assert not failures, f"{len(failures)} answers differ from the schema:\n\n" + "\n\n".join(failures)
