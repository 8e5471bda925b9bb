"""Who reaches each staff page under /team/: the lab's manager, a manager of another lab, a trainer of
the run, a participant of the run and someone not signed in. One table, every view.

A manager of another lab is told "not found" for the run's pages and for a lab of theirs put into the
address; a trainer reads the run's list and its exports but is forbidden its actions and the overview;
participants are not found (the run's pages) or forbidden (the overview); anonymous visitors are sent
to sign in.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from courses.models import Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_manager

pytestmark = pytest.mark.django_db

LOGIN = "login"


@pytest.fixture
def world(clock, lab, other_lab):
    run = CourseRunFactory(course=make_course(lab, title="Sicher online bezahlen"), capacity=4)
    trainer = UserFactory(full_name="Tina Trainerin")
    run.trainers.add(trainer)
    participant = UserFactory()
    seat = EnrolmentFactory(run=run, user=participant)
    waiting = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, confirmed_at=None)
    return {
        "run": run,
        "seat": seat,
        "waiting": waiting,
        "lab": lab,
        "people": {
            "manager": make_manager(lab),
            "other_manager": make_manager(other_lab),
            "trainer": trainer,
            "participant": participant,
            "anonymous": None,
        },
    }


def _run_url(name, w, *extra):
    return reverse(f"staff:{name}", args=[w["run"].pk, *extra])


VIEWS = {
    "roster": ("get", lambda w: _run_url("run_roster", w)),
    "csv": ("get", lambda w: _run_url("roster_csv", w)),
    "pdf": ("get", lambda w: _run_url("roster_pdf", w)),
    "enrol": ("post", lambda w: _run_url("roster_enrol", w)),
    "waitlist_move": ("post", lambda w: _run_url("roster_waitlist_move", w, w["waiting"].pk)),
    "remove": ("get", lambda w: _run_url("roster_remove", w, w["seat"].pk)),
    "cancel": ("get", lambda w: _run_url("run_cancel", w)),
    "cockpit": ("get", lambda w: reverse("staff:cockpit") + f"?labor={w['lab'].pk}"),
    "week": ("get", lambda w: reverse("staff:week") + f"?labor={w['lab'].pk}&woche=2026-W50"),
    "needs_action": ("get", lambda w: reverse("staff:needs_action") + f"?labor={w['lab'].pk}"),
    "protokoll": ("get", lambda w: reverse("staff:audit_log") + f"?labor={w['lab'].pk}"),
}

RUN_PAGE = {"manager": 200, "other_manager": 404, "trainer": 200, "participant": 404, "anonymous": LOGIN}
RUN_ACTION = {"manager": 302, "other_manager": 404, "trainer": 403, "participant": 404, "anonymous": LOGIN}
RUN_FORM = {"manager": 200, "other_manager": 404, "trainer": 403, "participant": 404, "anonymous": LOGIN}
OVERVIEW = {"manager": 200, "other_manager": 404, "trainer": 403, "participant": 403, "anonymous": LOGIN}

EXPECTED = {
    "roster": RUN_PAGE,
    "csv": RUN_PAGE,
    "pdf": RUN_PAGE,
    "enrol": RUN_ACTION,
    "waitlist_move": RUN_ACTION,
    "remove": RUN_FORM,
    "cancel": RUN_FORM,
    "cockpit": OVERVIEW,
    "week": OVERVIEW,
    "needs_action": OVERVIEW,
    "protokoll": OVERVIEW,
}

CASES = [(view, who, expected) for view, table in EXPECTED.items() for who, expected in table.items()]


@pytest.mark.parametrize(("view", "who", "expected"), CASES, ids=[f"{v}-{w}" for v, w, _e in CASES])
def test_who_reaches_each_staff_view(client, world, view, who, expected):
    method, url = VIEWS[view]
    person = world["people"][who]
    if person is not None:
        client.force_login(person)
    data = {"full_name": "Erna Beispiel", "email": "erna@example.org"} if view == "enrol" else {}
    response = getattr(client, method)(url(world), data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse(settings.LOGIN_URL)
    else:
        assert response.status_code == expected


def test_every_staff_view_is_in_the_table():
    from courses.staff.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == {
        "run_roster",
        "roster_csv",
        "roster_pdf",
        "roster_enrol",
        "roster_waitlist_move",
        "roster_remove",
        "run_cancel",
        "cockpit",
        "week",
        "needs_action",
        "audit_log",
    }
    assert len(VIEWS) == len(urlpatterns)


def test_a_refused_action_changes_nothing(client, world):
    client.force_login(world["people"]["trainer"])
    client.post(VIEWS["waitlist_move"][1](world))
    world["waiting"].refresh_from_db()
    assert world["waiting"].status == Enrolment.Status.WAITLISTED
