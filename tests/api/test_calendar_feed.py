"""The personal calendar: its secret address through the API, and the feed a calendar app subscribes to."""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from courses import services
from courses.models import CalendarFeed, Enrolment, SeatRelease
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_manager, moment

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _feed_path(url: str) -> str:
    assert url.startswith(settings.SITE_URL)
    return url.removeprefix(settings.SITE_URL)


def _events(client, path) -> dict[str, dict]:
    """The feed's events by UID."""
    response = client.get(path)
    assert response.status_code == 200
    return {str(event["uid"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def _uid(session) -> str:
    return f"session-{session.pk}@{urlsplit(settings.SITE_URL).hostname}"


@pytest.fixture
def feed_path(person_api):
    return _feed_path(person_api.get("/api/v1/me/calendar/").json()["url"])


# me/calendar/ and me/calendar/renew/


def test_my_calendar_gives_the_private_address_and_makes_it_once(person_api, person):
    first = person_api.get("/api/v1/me/calendar/")
    second = person_api.get("/api/v1/me/calendar/")

    assert first.status_code == 200
    feed = CalendarFeed.objects.get(user=person)
    assert first.json() == {"url": f"{settings.SITE_URL}/calendar/me/{feed.token}.ics"}
    assert second.json() == first.json()
    assert CalendarFeed.objects.count() == 1


def test_renewing_gives_a_new_address_and_the_old_one_is_gone(client, person_api):
    old = _feed_path(person_api.get("/api/v1/me/calendar/").json()["url"])

    response = person_api.post("/api/v1/me/calendar/renew/")

    assert response.status_code == 200
    new = _feed_path(response.json()["url"])
    assert new != old
    assert person_api.get("/api/v1/me/calendar/").json() == response.json()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_renewing_before_the_first_use_makes_the_address(person_api, person):
    response = person_api.post("/api/v1/me/calendar/renew/")

    assert response.status_code == 200
    assert response.json()["url"].endswith(f"/calendar/me/{CalendarFeed.objects.get(user=person).token}.ics")


def test_my_calendar_needs_a_login(api):
    assert api.get("/api/v1/me/calendar/").status_code in (401, 403)
    assert api.post("/api/v1/me/calendar/renew/").status_code in (401, 403)
    assert not CalendarFeed.objects.exists()


# /calendar/me/{token}.ics


def test_the_feed_holds_the_sessions_of_the_persons_seats_offers_and_teaching(client, person, feed_path):
    confirmed = CourseRunFactory(sessions=2)
    EnrolmentFactory(run=confirmed, user=person)
    completed = CourseRunFactory(sessions=1, starts_in=-timedelta(days=14))
    EnrolmentFactory(run=completed, user=person, status=Enrolment.Status.COMPLETED)
    taught = CourseRunFactory(sessions=1, trainers=[person])
    offered = CourseRunFactory(sessions=1)
    EnrolmentFactory(
        run=offered, user=person, status=Enrolment.Status.OFFERED, offer_expires_at=moment(timedelta(hours=5))
    )
    waiting = CourseRunFactory(sessions=1)
    EnrolmentFactory(run=waiting, user=person, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())
    given_back = CourseRunFactory(sessions=1)
    EnrolmentFactory(
        run=given_back, user=person, status=Enrolment.Status.CANCELLED, cancel_cause=Enrolment.Cause.SELF
    )
    EnrolmentFactory(run=CourseRunFactory(sessions=1))  # someone else's

    events = _events(client, feed_path)

    expected = [s for run in (confirmed, completed, taught, offered) for s in run.sessions.all()]
    assert set(events) == {_uid(session) for session in expected}
    offered_session = offered.sessions.get()
    assert events[_uid(offered_session)]["status"] == "TENTATIVE"
    assert all("status" not in events[_uid(s)] for s in confirmed.sessions.all())


def test_the_feed_writes_berlin_times_with_the_address_and_sequence(client, person, feed_path):
    run = CourseRunFactory(
        sessions=1, venue_name="Dorfgemeinschaftshaus", venue_address="Lindenstraße 2, Aerzen"
    )
    EnrolmentFactory(run=run, user=person)
    session = run.sessions.get()

    response = client.get(feed_path)

    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event["location"] == "Dorfgemeinschaftshaus, Lindenstraße 2, Aerzen"
    assert event.decoded("dtstart") == session.start
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("dtstamp").utcoffset() == timedelta(0)
    assert event["sequence"] == 0
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_a_moved_session_shows_at_its_new_time_with_a_higher_sequence(client, person, feed_path):
    run = CourseRunFactory(sessions=2)
    EnrolmentFactory(run=run, user=person)
    session = run.sessions.order_by("start").first()
    before = _events(client, feed_path)[_uid(session)]

    new_start = session.start + timedelta(days=1, hours=-1)
    services.session_update(
        session=session, by=make_manager(run.lab), start=new_start, end=new_start + timedelta(hours=2)
    )

    after = _events(client, feed_path)[_uid(session)]
    assert after.decoded("dtstart") == new_start
    assert after.decoded("dtstart").astimezone(BERLIN).hour == 17
    assert after["sequence"] > before["sequence"]


def test_a_run_called_off_stays_in_the_feed_as_cancelled_events(client, person, feed_path):
    run = CourseRunFactory(sessions=2)
    EnrolmentFactory(run=run, user=person)
    before = _events(client, feed_path)

    services.run_cancel(run=run, by=make_manager(run.lab), message="Die Kursleitung ist krank.")

    after = _events(client, feed_path)
    assert set(after) == set(before)
    for uid, event in after.items():
        assert event["status"] == "CANCELLED"
        assert event["sequence"] > before[uid]["sequence"]


def test_unknown_tokens_and_closed_accounts_answer_404(client, person, feed_path):
    assert client.get("/calendar/me/gibt-es-nicht.ics").status_code == 404
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(feed_path).status_code == 404


def test_the_feed_is_private_to_every_cache(client, person, feed_path):
    response = client.get(feed_path)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_the_feed_takes_the_same_queries_for_3_and_30_runs(client, person, feed_path):
    trainer_of = UserFactory()

    def add(n):
        for i in range(n):
            run = CourseRunFactory(sessions=2, seat_release=SeatRelease.OFFER, trainers=[trainer_of])
            if i % 3 == 0:
                run.trainers.add(person)
            elif i % 3 == 1:
                EnrolmentFactory(run=run, user=person)
            else:
                EnrolmentFactory(
                    run=run,
                    user=person,
                    status=Enrolment.Status.OFFERED,
                    offer_expires_at=moment(timedelta(hours=5)),
                )

    def count() -> tuple[int, int]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(feed_path)
        assert response.status_code == 200
        return len(queries), len(Calendar.from_ical(response.content).walk("VEVENT"))

    add(3)
    few, few_events = count()
    add(27)
    many, many_events = count()
    assert (few_events, many_events) == (6, 60)
    assert many == few
    assert few <= 6
