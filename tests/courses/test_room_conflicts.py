"""A room holds one run at a time: a meeting that overlaps another run's meeting in the same room is
refused by the services, so the API, the admin and every other way in refuse it alike."""

from datetime import timedelta

import pytest
from django.urls import reverse

from courses.exceptions import RoomTaken
from courses.models import CourseRun, Session
from courses.services import (
    SessionChange,
    run_cancel,
    run_create,
    run_update,
    session_create,
    session_update,
)
from tests.factories import CourseRunFactory, RoomFactory, make_course, session_start

pytestmark = pytest.mark.django_db

TWO_HOURS = timedelta(hours=2)


@pytest.fixture
def room(lab):
    return RoomFactory(lab=lab, name="Werkstatt", capacity=20)


@pytest.fixture
def booked(clock, lab, room):
    """A run meeting in the room on Tuesday, 8 December 2026, 18:00 to 20:00 (one session)."""
    return CourseRunFactory(course=make_course(lab, title="Löten lernen"), room=room, sessions=1)


def meeting(start, end=None) -> SessionChange:
    return SessionChange(start=start, end=end or start + TWO_HOURS)


def test_a_new_run_in_a_taken_room_at_an_overlapping_time_is_refused(booked, lab, room, manager):
    with pytest.raises(RoomTaken) as refused:
        run_create(
            course=make_course(lab, title="Roboter bauen"),
            by=manager,
            capacity=8,
            room=room,
            sessions=[meeting(session_start(7) + timedelta(hours=1))],
        )
    assert "Werkstatt" in refused.value.message
    assert "Löten lernen" in refused.value.message
    assert CourseRun.objects.count() == 1


def test_a_meeting_that_starts_when_the_other_ends_is_accepted(booked, lab, room, manager):
    run = run_create(
        course=make_course(lab),
        by=manager,
        capacity=8,
        room=room,
        sessions=[meeting(session_start(7) + TWO_HOURS)],
    )
    assert run.sessions.count() == 1


def test_the_same_time_in_another_room_is_accepted(booked, lab, manager):
    other_room = RoomFactory(lab=lab, name="Seminarraum")
    run = run_create(
        course=make_course(lab), by=manager, capacity=8, room=other_room, sessions=[meeting(session_start(7))]
    )
    assert run.room == other_room


def test_a_run_at_an_outside_venue_does_not_take_the_room(booked, lab, room, manager):
    run = run_create(
        course=make_course(lab),
        by=manager,
        capacity=8,
        room=room,
        venue_name="Stadtbücherei",
        sessions=[meeting(session_start(7))],
    )
    assert run.pk


def test_a_meeting_with_its_own_place_does_not_take_the_room(booked, lab, room, manager):
    run = run_create(
        course=make_course(lab),
        by=manager,
        capacity=8,
        room=room,
        sessions=[
            SessionChange(start=session_start(7), end=session_start(7) + TWO_HOURS, location="Turnhalle")
        ],
    )
    assert run.pk


def test_a_cancelled_run_gives_its_room_free(booked, lab, room, manager):
    run_cancel(run=booked, by=manager, message="Der Kurs fällt aus.")
    run = run_create(
        course=make_course(lab), by=manager, capacity=8, room=room, sessions=[meeting(session_start(7))]
    )
    assert run.pk


def test_moving_a_run_into_a_taken_room_is_refused_and_changes_nothing(booked, lab, room, manager):
    elsewhere = CourseRunFactory(course=make_course(lab), sessions=1)
    with pytest.raises(RoomTaken):
        run_update(run=elsewhere, by=manager, room=room)
    elsewhere.refresh_from_db()
    assert elsewhere.room is None


def test_adding_a_meeting_at_a_taken_time_is_refused(booked, lab, room, manager):
    other = CourseRunFactory(course=make_course(lab), room=room, sessions=0)
    with pytest.raises(RoomTaken):
        session_create(run=other, by=manager, start=session_start(7), end=session_start(7) + TWO_HOURS)
    assert not Session.objects.filter(run=other).exists()


def test_moving_a_meeting_onto_a_taken_time_is_refused(booked, lab, room, manager):
    other = CourseRunFactory(course=make_course(lab), room=room, sessions=1, starts_in=timedelta(days=8))
    session = other.sessions.get()
    with pytest.raises(RoomTaken):
        session_update(session=session, by=manager, start=session_start(7), end=session_start(7) + TWO_HOURS)
    session.refresh_from_db()
    assert session.start == session_start(8)


def test_changing_a_run_form_meeting_onto_a_taken_time_is_refused(booked, lab, room, manager):
    other = CourseRunFactory(course=make_course(lab), room=room, sessions=1, starts_in=timedelta(days=8))
    session = other.sessions.get()
    change = SessionChange(
        id=session.pk, start=session_start(7) + timedelta(minutes=30), end=session_start(7) + TWO_HOURS
    )
    with pytest.raises(RoomTaken):
        run_update(run=other, by=manager, sessions=[change])


def test_the_admin_run_form_shows_the_refusal(booked, lab, room, manager, client):
    client.force_login(manager)
    course = make_course(lab, title="Roboter bauen")
    start = session_start(7)
    local = start.astimezone(start.tzinfo)
    data = {
        "course": course.pk,
        "title": "",
        "capacity": 8,
        "minimum_participants": 3,
        "room": room.pk,
        "venue_name": "",
        "venue_address": "",
        "enrolment_closes_at": "",
        "trainers": [],
        "seat_release": "at_once",
        "offer_hours": 24,
        "unnamed_release_hours": 48,
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 1,
        "sessions-MAX_NUM_FORMS": 1000,
        "sessions-0-start": local.strftime("%Y-%m-%d %H:%M"),
        "sessions-0-end": (local + TWO_HOURS).strftime("%Y-%m-%d %H:%M"),
        "sessions-0-location": "",
        "sessions-0-ORDER": 1,
        "sessions-0-DELETE": "",
        "sessions-0-id": "",
    }
    response = client.post(reverse("kurstermine:add"), data)
    assert response.status_code == 200
    assert "schon belegt" in response.content.decode()
    assert CourseRun.objects.count() == 1


def test_the_api_refuses_a_meeting_in_a_taken_room(booked, lab, room, manager, client):
    other = CourseRunFactory(course=make_course(lab), room=room, sessions=0)
    client.force_login(manager)
    start = session_start(7)
    response = client.post(
        f"/api/v1/runs/{other.pk}/sessions/",
        {"start": start.isoformat(), "end": (start + TWO_HOURS).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "room_taken"
