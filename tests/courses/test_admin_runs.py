"""The Wagtail admin for runs ("Kurstermine") as lab managers and superusers use it."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseRun
from labs.models import LabRole
from tests.factories import (
    BERLIN,
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    LabRoleFactory,
    RoomFactory,
    UserFactory,
    make_course,
    make_manager,
    session_start,
)

pytestmark = pytest.mark.django_db


def run_form_data(course, *, sessions, capacity=12, room="", trainers=(), title=""):
    data = {
        "course": course.pk,
        "title": title,
        "capacity": capacity,
        "enrolment_closes_at": "",
        "room": room,
        "venue_name": "",
        "venue_address": "",
        "seat_release": "at_once",
        "offer_hours": 24,
        "unnamed_release_hours": 48,
        "trainers": [trainer.pk for trainer in trainers],
        "sessions-TOTAL_FORMS": len(sessions),
        "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 1,
        "sessions-MAX_NUM_FORMS": 1000,
    }
    for i, (start, end) in enumerate(sessions):
        data[f"sessions-{i}-start"] = start.strftime("%Y-%m-%d %H:%M")
        data[f"sessions-{i}-end"] = end.strftime("%Y-%m-%d %H:%M")
        data[f"sessions-{i}-location"] = ""
        data[f"sessions-{i}-id"] = ""
        data[f"sessions-{i}-ORDER"] = i + 1
        data[f"sessions-{i}-DELETE"] = ""
    return data


def two_evenings():
    """18:00 to 20:00 Berlin time, ten and seventeen days from today."""
    return [(session_start(days), session_start(days) + timedelta(hours=2)) for days in (10, 17)]


def edit_form_data(run):
    """The edit form's data as the browser would send it back unchanged."""
    sessions = list(run.sessions.order_by("start"))
    data = run_form_data(
        run.course,
        sessions=[(timezone.localtime(s.start), timezone.localtime(s.end)) for s in sessions],
        capacity=run.capacity,
        trainers=run.trainers.all(),
    )
    data["sessions-INITIAL_FORMS"] = len(sessions)
    for i, session in enumerate(sessions):
        data[f"sessions-{i}-id"] = session.pk
    return data


# Creating


def test_manager_creates_a_run_with_two_sessions(client, lab, manager):
    course = make_course(lab=lab, title="Smartphone für Einsteiger")
    room = RoomFactory(lab=lab, capacity=12)
    trainer = LabRoleFactory(lab=lab, role=LabRole.Role.TRAINER).user
    client.force_login(manager)
    data_sessions = two_evenings()
    data = run_form_data(course, sessions=data_sessions, room=room.pk, trainers=[trainer])
    response = client.post(reverse("kurstermine:add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    run = CourseRun.objects.get()
    assert run.course == course.specific
    assert run.lab_id == lab.pk
    assert run.room == room
    assert list(run.trainers.all()) == [trainer]
    assert [(s.start, s.end) for s in run.sessions.order_by("start")] == data_sessions


def test_manager_cannot_schedule_a_course_of_another_lab(client, manager, other_lab):
    course = make_course(lab=other_lab)
    client.force_login(manager)
    response = client.post(reverse("kurstermine:add"), run_form_data(course, sessions=two_evenings()))
    assert response.status_code == 200
    assert "course" in response.context["form"].errors
    assert not CourseRun.objects.exists()


def test_manager_cannot_pick_a_room_of_another_lab(client, lab, manager, other_lab):
    course = make_course(lab=lab)
    foreign_room = RoomFactory(lab=other_lab)
    client.force_login(manager)
    data = run_form_data(course, sessions=two_evenings(), room=foreign_room.pk)
    response = client.post(reverse("kurstermine:add"), data)
    assert response.status_code == 200
    assert "room" in response.context["form"].errors
    assert not CourseRun.objects.exists()


def test_create_form_offers_only_own_courses_rooms_and_people(client, lab, manager, other_lab):
    make_course(lab=lab, title="Online-Banking sicher")
    make_course(lab=other_lab, title="Fremder Kurs")
    RoomFactory(lab=lab, name="Werkstatt")
    RoomFactory(lab=other_lab, name="Fremder Raum")
    LabRoleFactory(lab=lab, role=LabRole.Role.TRAINER, user=UserFactory(full_name="Eigene Trainerin"))
    LabRoleFactory(lab=other_lab, role=LabRole.Role.TRAINER, user=UserFactory(full_name="Fremder Trainer"))
    client.force_login(manager)
    content = client.get(reverse("kurstermine:add")).content.decode()
    assert "Online-Banking sicher" in content
    assert "Werkstatt" in content
    assert "Eigene Trainerin" in content
    assert "Fremder" not in content


def test_run_without_sessions_is_refused(client, lab, manager):
    course = make_course(lab=lab)
    client.force_login(manager)
    response = client.post(reverse("kurstermine:add"), run_form_data(course, sessions=[]))
    assert response.status_code == 200
    assert not CourseRun.objects.exists()


def test_session_ending_before_it_starts_is_refused(client, lab, manager):
    course = make_course(lab=lab)
    start = session_start(3)
    client.force_login(manager)
    data = run_form_data(course, sessions=[(start, start - timedelta(hours=1))])
    response = client.post(reverse("kurstermine:add"), data)
    assert response.status_code == 200
    assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
    assert not CourseRun.objects.exists()


# Seeing and editing only one's own labs


def test_manager_of_another_lab_neither_sees_nor_edits_the_run(client, lab, other_lab):
    run = CourseRunFactory(course=make_course(lab=lab, title="Tablet-Treff"))
    stranger = make_manager(other_lab)
    client.force_login(stranger)
    listing = client.get(reverse("kurstermine:index"))
    assert listing.status_code == 200
    assert "Tablet-Treff" not in listing.content.decode()
    assert client.get(reverse("kurstermine:edit", args=[run.pk])).status_code == 404
    assert client.post(reverse("kurstermine:edit", args=[run.pk]), edit_form_data(run)).status_code == 404
    assert client.post(reverse("kurstermine:delete", args=[run.pk])).status_code == 404
    assert CourseRun.objects.filter(pk=run.pk, capacity=run.capacity).exists()


def test_manager_edits_own_run(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab), capacity=10)
    client.force_login(manager)
    data = edit_form_data(run)
    data["capacity"] = 14
    response = client.post(reverse("kurstermine:edit", args=[run.pk]), data)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.capacity == 14
    assert run.sessions.count() == 2


def test_saving_a_run_unchanged_keeps_its_session_times_across_the_change_to_summer_time(
    clock, client, lab, manager
):
    clock.move_to(datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN))
    run = CourseRunFactory(course=make_course(lab=lab), sessions=2, starts_in=timedelta(days=4))
    before = [(s.start, s.end) for s in run.sessions.order_by("start")]
    client.force_login(manager)
    response = client.post(reverse("kurstermine:edit", args=[run.pk]), edit_form_data(run))
    assert response.status_code == 302
    assert [(s.start, s.end) for s in run.sessions.order_by("start")] == before
    assert [timezone.localtime(start).hour for start, _ in before] == [18, 18]


def test_superuser_sees_runs_of_every_lab(client, lab, other_lab):
    CourseRunFactory(course=make_course(lab=lab, title="Erster Kurs"))
    CourseRunFactory(course=make_course(lab=other_lab, title="Zweiter Kurs"))
    client.force_login(UserFactory(is_superuser=True))
    content = client.get(reverse("kurstermine:index")).content.decode()
    assert "Erster Kurs" in content and "Zweiter Kurs" in content


def test_list_shows_lab_first_date_capacity_seats_and_status(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab, title="Fotos am Handy"), capacity=9)
    EnrolmentFactory.create_batch(3, run=run)
    client.force_login(manager)
    content = client.get(reverse("kurstermine:index")).content.decode()
    assert "Fotos am Handy" in content
    assert "Regionallabor Hameln" in content
    assert str(timezone.localtime(run.sessions.first().start).year) in content
    assert ">9<" in content.replace(" ", "").replace("\n", "")
    assert ">3<" in content.replace(" ", "").replace("\n", "")
    assert "geplant" in content


def test_list_filters_by_lab(client, lab, other_lab):
    CourseRunFactory(course=make_course(lab=lab, title="Erster Kurs"))
    CourseRunFactory(course=make_course(lab=other_lab, title="Zweiter Kurs"))
    client.force_login(UserFactory(is_superuser=True))
    content = client.get(reverse("kurstermine:index"), {"lab": other_lab.pk}).content.decode()
    assert "Zweiter Kurs" in content
    assert "Erster Kurs" not in content


def test_list_queries_do_not_grow_with_runs(client, lab, manager):
    course = make_course(lab=lab)
    CourseRunFactory(course=course)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("kurstermine:index")).status_code == 200
    for _ in range(8):
        EnrolmentFactory.create_batch(2, run=CourseRunFactory(course=make_course(lab=lab), sessions=3))
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("kurstermine:index")).status_code == 200
    assert len(large) == len(small)


def test_menu_offers_kurstermine_to_a_lab_manager(client, manager):
    client.force_login(manager)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Kurstermine" in response.content.decode()


# What must not be lost


def test_deleting_a_run_with_enrolments_is_refused_with_a_message(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab))
    EnrolmentFactory(run=run)
    client.force_login(manager)
    page = client.get(reverse("kurstermine:delete", args=[run.pk]))
    assert page.status_code == 200
    assert "1 Anmeldung" in page.content.decode()
    response = client.post(reverse("kurstermine:delete", args=[run.pk]), follow=True)
    assert response.status_code == 200
    assert "lässt er sich nicht löschen" in response.content.decode()
    assert CourseRun.objects.filter(pk=run.pk).exists()


def test_deleting_a_run_without_enrolments_works(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab))
    client.force_login(manager)
    response = client.post(reverse("kurstermine:delete", args=[run.pk]))
    assert response.status_code == 302
    assert not CourseRun.objects.filter(pk=run.pk).exists()


def test_removing_a_session_with_recorded_attendance_is_refused(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab), sessions=2)
    session = run.sessions.order_by("start").first()
    AttendanceFactory(session=session, enrolment=EnrolmentFactory(run=run))
    client.force_login(manager)
    data = edit_form_data(run)
    data["sessions-0-DELETE"] = "1"
    response = client.post(reverse("kurstermine:edit", args=[run.pk]), data)
    assert response.status_code == 200
    assert "schon Anwesenheit erfasst" in response.content.decode()
    assert run.sessions.count() == 2


def test_fewer_seats_than_people_holding_one_is_refused(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab), capacity=5)
    EnrolmentFactory.create_batch(4, run=run)
    client.force_login(manager)
    data = edit_form_data(run)
    data["capacity"] = 3
    response = client.post(reverse("kurstermine:edit", args=[run.pk]), data)
    assert response.status_code == 200
    assert "4 Personen haben schon einen Platz" in response.content.decode()
    run.refresh_from_db()
    assert run.capacity == 5
