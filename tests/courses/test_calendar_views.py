from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from courses import services
from courses.models import CourseRun
from tests.factories import CourseRunFactory, make_course, make_lab, make_manager

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _events(response) -> list:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_run_feed_has_every_session_in_berlin_time(client):
    run = CourseRunFactory(sessions=3)
    response = client.get(reverse("calendar:run", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="kurs-' in response["Content-Disposition"]
    events = _events(response)
    sessions = list(run.sessions.order_by("start"))
    assert [e.decoded("dtstart") for e in events] == [s.start for s in sessions]
    assert [e.decoded("dtend") for e in events] == [s.end for s in sessions]
    for event in events:
        assert event["dtstart"].params["TZID"] == "Europe/Berlin"
        assert event.decoded("dtstart").tzinfo.key == BERLIN.key
    assert list(Calendar.from_ical(response.content).walk("VTIMEZONE"))


def test_run_feed_keeps_the_time_of_day_across_the_change_to_summer_time(client, clock):
    clock.move_to(datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN))
    run = CourseRunFactory(sessions=2, starts_in=timedelta(days=4))
    events = _events(client.get(reverse("calendar:run", args=[run.pk])))
    starts = [e.decoded("dtstart") for e in events]
    assert [(s.date().isoformat(), s.time()) for s in starts] == [
        ("2027-03-26", time(18, 0)),
        ("2027-04-02", time(18, 0)),
    ]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1), timedelta(hours=2)]


def test_lab_feed_lists_upcoming_runs_of_that_lab_only(client):
    lab = make_lab()
    course = make_course(lab=lab)
    runs = [CourseRunFactory(course=course, sessions=2) for _ in range(2)]
    CourseRunFactory(course=course, sessions=1, starts_in=-timedelta(days=30))  # over
    CourseRunFactory(sessions=2)  # another lab
    response = client.get(reverse("calendar:lab", args=[lab.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{lab.slug}.ics"' in response["Content-Disposition"]
    starts = sorted(e.decoded("dtstart") for e in _events(response))
    assert starts == sorted(s.start for run in runs for s in run.sessions.all())


def test_lab_feed_query_count_does_not_grow_with_runs(client, django_assert_max_num_queries):
    lab = make_lab()
    course = make_course(lab=lab)
    url = reverse("calendar:lab", args=[lab.slug])
    CourseRunFactory(course=course, sessions=2)
    client.get(url)  # warm the site root cache
    with django_assert_max_num_queries(6) as few:
        client.get(url)
    for _ in range(5):
        CourseRunFactory(course=make_course(lab=lab), sessions=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(_events(response)) == 2 + 15


def test_cancelled_run_feed_marks_events_cancelled(client):
    run = CourseRunFactory(sessions=1)
    CourseRun.objects.filter(pk=run.pk).update(status=CourseRun.Status.CANCELLED)
    events = _events(client.get(reverse("calendar:run", args=[run.pk])))
    assert events[0]["status"] == "CANCELLED"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname


def test_run_feed_carries_each_sessions_sequence_which_grows_when_it_moves(client):
    run = CourseRunFactory(sessions=2)
    first, second = run.sessions.order_by("start")
    url = reverse("calendar:run", args=[run.pk])
    assert [e["sequence"] for e in _events(client.get(url))] == [0, 0]

    services.session_update(session=second, by=make_manager(run.lab), location="Turnhalle, Schulstraße 4")

    events = {str(e["uid"]): e for e in _events(client.get(url))}
    assert events[f"session-{first.pk}@{_host()}"]["sequence"] == 0
    moved = events[f"session-{second.pk}@{_host()}"]
    assert (moved["sequence"], moved["location"]) == (1, "Turnhalle, Schulstraße 4")


def test_lab_feed_keeps_a_called_off_run_as_cancelled_events(client):
    lab = make_lab()
    scheduled = CourseRunFactory(course=make_course(lab=lab), sessions=1)
    called_off = CourseRunFactory(course=make_course(lab=lab), sessions=2)
    services.run_cancel(run=called_off, by=make_manager(lab), message="Der Raum ist nicht nutzbar.")

    events = {str(e["uid"]): e for e in _events(client.get(reverse("calendar:lab", args=[lab.slug])))}

    assert events[f"session-{scheduled.sessions.get().pk}@{_host()}"].get("status") is None
    for session in called_off.sessions.all():
        event = events[f"session-{session.pk}@{_host()}"]
        assert (event["status"], event["sequence"]) == ("CANCELLED", 1)


def test_unknown_feeds_are_404(client):
    assert client.get("/calendar/runs/999999.ics").status_code == 404
    assert client.get("/calendar/labs/gibt-es-nicht.ics").status_code == 404
