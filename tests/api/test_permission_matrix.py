"""Every operation of the API for every role, with the status it must answer, from one table (`TABLE`).

A new endpoint without a row, or a row whose endpoint is gone, fails `test_every_operation_has_a_row`.

The roles, all around one run of one lab (`scenario`): anonymous; a participant enrolled in the run (who
also holds a certificate of a closed run); the contact of an organisation with a booking on the run; the
run's trainer; the trainer of another run of the same lab; a manager of the lab; a manager of another lab;
an editor (the site's "Redaktion" group); an administrator (superuser). Each path parameter points at an
object of that run and lab; requests carry the role's own API token; writes send a valid body, so the
status is about permission, not validation.

The rules, one per kind of object:
- Public things (labs, course offers, runs, sessions, certificate codes) are read by everyone. Changing
  them, or reading what belongs to their staff (a session's attendance), is refused with 403: their
  existence is no secret.
- Course offers are written by the lab's managers and by editors (who write the course pages in the CMS
  too); runs and sessions are scheduled by the lab's managers; attendance, walk-ins and closing a run are
  for the run's trainers and the lab's managers. Administrators may do all of it.
- Things of one person or one organisation (an enrolment, an offer, a booking and its members) answer 404
  to everyone else, as if they did not exist: nobody learns of them by trying ids. Managers of the run's lab
  and administrators may cancel an enrolment (a staff operation); nobody answers an offer or manages a
  booking in another's name, administrators included: that is the person's or the organisation's own
  decision, and staff have their own operations for seats.
- A field naming a private thing one may not use (booking for an organisation one is no contact of) is a
  field error (400), the same as an unknown id.
- `me/...` is always the caller's own; anonymous requests to anything that needs a person answer 401.
- Anyone signed in may enrol (409 for the participant, who already is) and ask for a token.
- Reports are for the managers of a lab (their labs) and administrators (all); anybody else gets 403.

Cells where the code answers otherwise are marked xfail (strict) with what is wrong and where.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import ApiToken, OrganisationMembership, User
from accounts.services import api_token_create
from certificates.models import Certificate
from certificates.services import generate_code
from cms.services import EDITORS_GROUP, site_structure_ensure
from courses.bookings.services import booking_create, booking_member_add
from courses.models import Attendance, Booking, CoursePage, CourseRun, Enrolment, Session
from courses.services import run_close
from labs.models import LabPage, LabRole, Room
from labs.services import lab_role_grant
from tests.conftest import CLOCK_START
from tests.factories import (
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    OrganisationFactory,
    RoomFactory,
    UserFactory,
    make_course,
    make_lab,
    moment,
    session_start,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"
PASSWORD = "geheim-1234"  # UserFactory's
ROLES = (
    "anonymous",
    "participant",
    "contact",
    "trainer",
    "trainer_other",
    "manager",
    "manager_other",
    "editor",
    "admin",
)

# What anonymous requests to an operation that needs a person answer: 401, naming the way in.
UNAUTHENTICATED = 401


# The scenario


@dataclass
class Scenario:
    users: dict[str, User | None]
    tokens: dict[str, str]  # role -> the API token its requests carry
    other_token: ApiToken  # a second token of the participant's (another device)
    lab: LabPage
    other_lab: LabPage
    room: Room
    course: CoursePage
    run: CourseRun
    session: Session
    last_session: Session
    other_run: CourseRun
    enrolment: Enrolment  # the participant's, in `run`
    booking: Booking  # the organisation's, on `run`: one named member, one unnamed seat
    member: Enrolment  # the booking's named member
    closed_run: CourseRun
    certificate: Certificate  # the participant's, of `closed_run`

    def path_values(self, path: str) -> dict[str, object]:
        """What fills the path's parameters, by the resource the path starts with."""
        by_resource = {
            "labs/": {"slug": self.lab.slug},
            "courses/": {"slug": self.course.slug},
            "runs/": {"id": self.run.pk},
            "sessions/": {"id": self.session.pk},
            "enrolments/": {"id": self.enrolment.pk},
            "bookings/": {"id": self.booking.pk, "enrolment": self.member.pk},
            "certificates/": {"code": self.certificate.code},
            "me/tokens/": {"id": self.other_token.pk},
        }
        return next((values for prefix, values in by_resource.items() if path.startswith(prefix)), {})


def _build() -> Scenario:
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln")
    other_lab = make_lab("Regionallabor Bad Pyrmont", municipality="bad-pyrmont")
    people = {
        role: UserFactory(email=f"{role.replace('_', '-')}@example.org", full_name=f"Rolle {role}")
        for role in ROLES[1:]
    }
    for role in ("trainer", "trainer_other"):
        lab_role_grant(lab=lab, user=people[role], role=LabRole.Role.TRAINER)
    lab_role_grant(lab=lab, user=people["manager"], role=LabRole.Role.MANAGER)
    lab_role_grant(lab=other_lab, user=people["manager_other"], role=LabRole.Role.MANAGER)
    people["editor"].groups.add(Group.objects.get(name=EDITORS_GROUP))
    admin = people["admin"]
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    organisation = OrganisationFactory(name="Heimatverein Tündern e. V.")
    contact = people["contact"]
    OrganisationMembership.objects.create(
        organisation=organisation, user=contact, role=OrganisationMembership.Role.CONTACT
    )

    course = make_course(lab, "Sicher online einkaufen")
    room = RoomFactory(lab=lab, name="Werkstatt")
    run = CourseRunFactory(course=course, room=room, trainers=[people["trainer"]])
    other_run = CourseRunFactory(
        course=course,
        room=RoomFactory(lab=lab, name="Seminarraum"),
        trainers=[people["trainer_other"]],
        starts_in=timedelta(days=14),
    )
    enrolment = EnrolmentFactory(run=run, user=people["participant"])
    booking = booking_create(run=run, organisation=organisation, by=contact, seats=2)
    member = booking_member_add(booking=booking, by=contact, name="Hans Mitglied", email="hans@example.org")

    closed_run = CourseRunFactory(course=course, trainers=[people["trainer"]], starts_in=timedelta(days=-21))
    attended = EnrolmentFactory(
        run=closed_run, user=people["participant"], confirmed_at=moment(-timedelta(days=30))
    )
    for session in closed_run.sessions.all():
        AttendanceFactory(session=session, enrolment=attended, status=Attendance.Status.PRESENT)
    run_close(run=closed_run, by=people["manager"])
    attended.refresh_from_db()
    certificate = Certificate.objects.create(
        code=generate_code(),
        enrolment=attended,
        participant_name=people["participant"].full_name,
        course_title=course.title,
        lab_name=lab.title,
        first_session=timezone.localdate(closed_run.sessions.earliest("start").start),
        last_session=timezone.localdate(closed_run.sessions.latest("start").start),
        hours=4,
        issued_at=moment(),
    )
    sessions = list(run.sessions.order_by("start"))
    tokens = {role: api_token_create(user=user, name="Handy")[1] for role, user in people.items()}
    other_token, _key = api_token_create(user=people["participant"], name="Website des Vereins")
    return Scenario(
        users={"anonymous": None, **people},
        tokens=tokens,
        other_token=other_token,
        lab=lab,
        other_lab=other_lab,
        room=room,
        course=course,
        run=run,
        session=sessions[0],
        last_session=sessions[-1],
        other_run=other_run,
        enrolment=enrolment,
        booking=booking,
        member=member,
        closed_run=closed_run,
        certificate=certificate,
    )


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction that each test's own transaction nests in and that
    is rolled back at the end. Marked as a test case's transaction, so the services' durable transactions
    may run inside it, as they do inside each test's."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True
        outer.__enter__()
        try:
            with time_machine.travel(CLOCK_START, tick=False):
                built = _build()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# Valid bodies


def _token_body(s: Scenario, user: User | None):
    user = user or s.users["participant"]  # an anonymous client signing in
    return {"email": user.email, "password": PASSWORD}


def _erase_body(s: Scenario, user):
    return {"password": PASSWORD}


def _course_create_body(s: Scenario, user):
    return {
        "lab": s.lab.slug,
        "title": "Fotos vom Handy ordnen",
        "summary": "Wir ordnen Fotos in Alben und sichern sie.",
        "audience": "citizens",
        "topic": "communication",
        "level": 1,
        "competences": ["2.1"],
    }


def _course_update_body(s: Scenario, user):
    return {"summary": "Sicher einkaufen im Netz, Schritt für Schritt."}


def _run_create_body(s: Scenario, user):
    return {"course": s.course.pk, "capacity": 8, "title": "Abendkurs", "room": s.room.pk}


def _run_update_body(s: Scenario, user):
    return {"capacity": 12}


def _session_create_body(s: Scenario, user):
    start = session_start(28)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()}


def _session_update_body(s: Scenario, user):
    return {"location": "Dorfgemeinschaftshaus Tündern"}


def _booking_body(s: Scenario, user):
    return {"organisation": s.booking.organisation_id, "seats": 1}


def _attendance_body(s: Scenario, user):
    return [{"enrolment": s.enrolment.pk, "status": "present"}]


def _walk_in_body(s: Scenario, user):
    return {"name": "Karl Spontan"}


def _member_body(s: Scenario, user):
    return {"name": "Gisela Mitglied", "email": "gisela@example.org"}


# Moments other than the scenario's "now" (a week before the run's first session)


def _during_first_session(s: Scenario) -> datetime:
    return s.session.start + timedelta(minutes=30)


def _after_last_session(s: Scenario) -> datetime:
    return s.last_session.end + timedelta(hours=1)


# States an operation needs besides the scenario


def _offer_to_participant(s: Scenario) -> None:
    Enrolment.objects.filter(pk=s.enrolment.pk).update(
        status=Enrolment.Status.OFFERED, offer_expires_at=timezone.now() + timedelta(hours=48)
    )


# The table


def cells(default: int, *, anonymous: int = UNAUTHENTICATED, **by_role: int) -> dict[str, int]:
    """The status per role: `default` for every signed-in role unless named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], default), **by_role}


EVERYONE_READS = cells(200, anonymous=200)
SIGNED_IN_READS = cells(200)


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as the schema names it, below /api/v1/
    expected: dict[str, int]  # role -> status
    body: Callable[[Scenario, User | None], object] | None = None  # the request's JSON
    at: Callable[[Scenario], datetime] | None = None  # the moment of the request, if not the scenario's
    prepare: Callable[[Scenario], None] | None = None  # a state the operation needs besides the scenario
    wrong: dict[str, str] = field(default_factory=dict)  # role -> what the code gets wrong, and where

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path}"


TABLE = (
    # Tokens
    Row("POST", "auth/token/", cells(200, anonymous=200), body=_token_body),
    Row("DELETE", "auth/token/", cells(204)),
    Row("GET", "me/tokens/", SIGNED_IN_READS),
    Row("DELETE", "me/tokens/{id}/", cells(404, participant=204)),
    Row("POST", "me/tokens/revoke-all/", cells(204)),
    # Labs and course offers
    Row("GET", "labs/", EVERYONE_READS),
    Row("GET", "labs/{slug}/", EVERYONE_READS),
    Row("GET", "courses/", EVERYONE_READS),
    Row("POST", "courses/", cells(403, manager=201, editor=201, admin=201), body=_course_create_body),
    Row("GET", "courses/{slug}/", EVERYONE_READS),
    Row("PATCH", "courses/{slug}/", cells(403, manager=200, editor=200, admin=200), body=_course_update_body),
    # Runs and sessions
    Row("GET", "runs/", EVERYONE_READS),
    Row("POST", "runs/", cells(403, manager=201, admin=201), body=_run_create_body),
    Row("GET", "runs/{id}/", EVERYONE_READS),
    Row("PATCH", "runs/{id}/", cells(403, manager=200, admin=200), body=_run_update_body),
    Row("POST", "runs/{id}/sessions/", cells(403, manager=201, admin=201), body=_session_create_body),
    Row("POST", "runs/{id}/enrol/", cells(201, participant=409)),
    Row("POST", "runs/{id}/bookings/", cells(400, contact=201), body=_booking_body),
    Row(
        "POST", "runs/{id}/complete/", cells(403, trainer=200, manager=200, admin=200), at=_after_last_session
    ),
    Row("PATCH", "sessions/{id}/", cells(403, manager=200, admin=200), body=_session_update_body),
    Row("GET", "sessions/{id}/attendance/", cells(403, trainer=200, manager=200, admin=200)),
    Row(
        "PUT",
        "sessions/{id}/attendance/",
        cells(403, trainer=200, manager=200, admin=200),
        body=_attendance_body,
        at=_during_first_session,
    ),
    Row(
        "POST",
        "sessions/{id}/walk-ins/",
        cells(403, trainer=201, manager=201, admin=201),
        body=_walk_in_body,
        at=_during_first_session,
    ),
    # One person's places
    Row("POST", "enrolments/{id}/cancel/", cells(404, participant=200, manager=200, admin=200)),
    Row("POST", "enrolments/{id}/accept-offer/", cells(404, participant=200), prepare=_offer_to_participant),
    Row("POST", "enrolments/{id}/decline-offer/", cells(404, participant=200), prepare=_offer_to_participant),
    # One organisation's booking
    Row("GET", "bookings/{id}/", cells(404, contact=200)),
    Row("POST", "bookings/{id}/members/", cells(404, contact=201), body=_member_body),
    Row("DELETE", "bookings/{id}/members/{enrolment}/", cells(404, contact=204)),
    Row("POST", "bookings/{id}/cancel/", cells(404, contact=200)),
    # The caller's own
    Row("GET", "me/enrolments/", SIGNED_IN_READS),
    Row("GET", "me/certificates/", SIGNED_IN_READS),
    Row("GET", "me/badges/", SIGNED_IN_READS),
    Row("GET", "me/organisations/", SIGNED_IN_READS),
    Row("GET", "me/bookings/", SIGNED_IN_READS),
    Row("GET", "me/calendar/", SIGNED_IN_READS),
    Row("POST", "me/calendar/renew/", SIGNED_IN_READS),
    Row("GET", "me/export/", SIGNED_IN_READS),
    Row("POST", "me/erase/", cells(204), body=_erase_body),
    # Anyone
    Row("GET", "certificates/verify/{code}/", EVERYONE_READS),
    # Staff reports: without `lab`, all the labs the person manages (every lab for administrators)
    Row("GET", "reports/", cells(403, manager=200, manager_other=200, admin=200)),
)


def _cells():
    for row in TABLE:
        for role in ROLES:
            expected = row.expected[role]
            reason = row.wrong.get(role)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(row, role, expected, id=f"{row.operation} · {role}", marks=marks)


def _schema_operations() -> set[str]:
    """Every operation the schema documents under /api/v1/, as "METHOD path" (HEAD and OPTIONS are DRF's
    own and answer alike for everyone)."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return {
        f"{method.upper()} {path.removeprefix(API)}"
        for path, operations in paths.items()
        if path.startswith(API)
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_operation_has_a_row():
    in_table = [row.operation for row in TABLE]
    assert len(in_table) == len(set(in_table)), "an operation has two rows"
    in_api = _schema_operations()
    missing = sorted(in_api - set(in_table))
    stale = sorted(set(in_table) - in_api)
    assert not missing, f"operations of the API without a row in TABLE: {missing}"
    assert not stale, f"rows in TABLE for operations the API no longer has: {stale}"


@pytest.mark.parametrize(("row", "role", "expected"), list(_cells()))
def test_permission(scenario, clock, row: Row, role: str, expected: int):
    if row.at is not None:
        clock.move_to(row.at(scenario))
    if row.prepare is not None:
        row.prepare(scenario)
    client = APIClient()
    user = scenario.users[role]
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {scenario.tokens[role]}")
    url = API + row.path.format(**scenario.path_values(row.path))
    body = row.body(scenario, user) if row.body is not None else None

    send = getattr(client, row.method.lower())
    response = send(url, body, format="json") if body is not None else send(url)

    assert response.status_code == expected, (
        f"{row.operation} as {role}: {response.status_code}, expected {expected}: {response.content[:500]!r}"
    )
    if expected >= 400:
        assert set(response.json()) == {"code", "detail", "errors"}, response.content
    if expected == UNAUTHENTICATED:
        assert response["WWW-Authenticate"] == "Token"
