"""Every way into the courses core keeps the same rules: the Wagtail admin, the API and the site.

Each test here reproduces a way that once went around a service.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from courses.exceptions import AttendanceInvalid
from courses.models import Attendance, BadgeAssertion, CoursePage, CourseRun, Enrolment
from courses.services import AttendanceEntry, attendance_record, enrolment_create, run_close
from tests.api.conftest import field_errors
from tests.courses.test_admin_runs import edit_form_data, run_form_data, two_evenings
from tests.factories import (
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    UserFactory,
    make_course,
    make_manager,
)

pytestmark = pytest.mark.django_db


# The admin's "Kurstermine" goes through run_create / run_update


def test_raising_capacity_in_the_admin_gives_the_new_seats_to_those_waiting(
    client, lab, manager, mailoutbox, django_capture_on_commit_callbacks
):
    run = CourseRunFactory(course=make_course(lab=lab), capacity=8)
    EnrolmentFactory.create_batch(8, run=run)
    waiting = [enrolment_create(run=run, user=UserFactory()) for _ in range(3)]
    assert {e.status for e in waiting} == {Enrolment.Status.WAITLISTED}
    mailoutbox.clear()
    client.force_login(manager)
    data = edit_form_data(run)
    data["capacity"] = 9
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kurstermine:edit", args=[run.pk]), data)
    assert response.status_code == 302
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in waiting]
    assert statuses == [Enrolment.Status.CONFIRMED, Enrolment.Status.WAITLISTED, Enrolment.Status.WAITLISTED]
    assert [m.to for m in mailoutbox] == [[waiting[0].user.email]]
    # The next newcomer queues behind the two still waiting instead of taking a seat.
    assert enrolment_create(run=run, user=UserFactory()).status == Enrolment.Status.WAITLISTED


def test_a_closed_run_refuses_changes_in_the_admin_with_the_services_message(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab), capacity=8)
    CourseRun.objects.filter(pk=run.pk).update(status=CourseRun.Status.CLOSED)
    client.force_login(manager)
    data = edit_form_data(run)
    data["capacity"] = 20
    response = client.post(reverse("kurstermine:edit", args=[run.pk]), data)
    assert response.status_code == 200
    assert "Dieser Kurs ist bereits abgeschlossen." in response.content.decode()
    run.refresh_from_db()
    assert run.capacity == 8


def test_a_closed_run_refuses_the_same_change_through_the_api(lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab), capacity=8)
    CourseRun.objects.filter(pk=run.pk).update(status=CourseRun.Status.CLOSED)
    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(f"/api/v1/runs/{run.pk}/", {"capacity": 20}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "Dieser Kurs ist bereits abgeschlossen."
    run.refresh_from_db()
    assert run.capacity == 8


def test_admin_creates_the_run_and_its_sessions_in_one_service_call(client, lab, manager):
    course = make_course(lab=lab)
    client.force_login(manager)
    response = client.post(reverse("kurstermine:add"), run_form_data(course, sessions=two_evenings()))
    assert response.status_code == 302
    run = CourseRun.objects.get(course=course)
    assert run.lab_id == lab.pk
    assert run.sessions.count() == 2


def test_admin_adds_moves_and_removes_sessions_of_a_run(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab=lab), sessions=2)
    first, second = run.sessions.order_by("start")
    client.force_login(manager)
    data = edit_form_data(run)
    data["sessions-1-DELETE"] = "1"
    moved = first.start + timedelta(hours=1)
    data["sessions-0-start"] = timezone.localtime(moved).strftime("%Y-%m-%d %H:%M")
    data["sessions-0-end"] = timezone.localtime(moved + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    new = first.start + timedelta(days=21)
    data["sessions-TOTAL_FORMS"] = 3
    data["sessions-2-start"] = timezone.localtime(new).strftime("%Y-%m-%d %H:%M")
    data["sessions-2-end"] = timezone.localtime(new + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    data["sessions-2-location"] = "Dorfgemeinschaftshaus"
    data["sessions-2-id"] = ""
    data["sessions-2-ORDER"] = 3
    data["sessions-2-DELETE"] = ""
    response = client.post(reverse("kurstermine:edit", args=[run.pk]), data)
    assert response.status_code == 302
    sessions = list(run.sessions.order_by("start"))
    assert [s.pk for s in sessions][0] == first.pk
    assert sessions[0].start == moved
    assert second.pk not in [s.pk for s in sessions]
    assert sessions[1].location == "Dorfgemeinschaftshaus"


def test_lowering_capacity_below_the_seats_taken_gives_the_same_message_in_admin_and_api(
    client, lab, manager
):
    run = CourseRunFactory(course=make_course(lab=lab), capacity=5)
    EnrolmentFactory.create_batch(4, run=run)
    client.force_login(manager)
    data = edit_form_data(run)
    data["capacity"] = 3
    admin_html = client.post(reverse("kurstermine:edit", args=[run.pk]), data).content.decode()
    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(f"/api/v1/runs/{run.pk}/", {"capacity": 3}, format="json")
    message = "4 Personen haben schon einen Platz; weniger Plätze gehen nicht."
    assert message in admin_html
    assert response.status_code == 400
    assert field_errors(response)["capacity"] == [message]
    run.refresh_from_db()
    assert run.capacity == 5


# Rich text passes the editor's whitelist on every path

HOSTILE_BODY = (
    '<p>Gut<script>alert("x")</script></p>'
    '<p><img src="x" onerror="alert(1)">Bild</p>'
    '<p><a href="javascript:alert(1)">Klick</a> <a href="https://example.org/" onclick="x()">Web</a></p>'
)


def test_course_body_patched_through_the_api_is_stripped_of_scripts(client, lab, manager):
    course = make_course(lab=lab, title="Sicher im Netz")
    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(f"/api/v1/courses/{course.slug}/", {"body": HOSTILE_BODY}, format="json")
    assert response.status_code == 200
    stored = CoursePage.objects.get(pk=course.pk).body
    for bad in ("<script", "alert(", "onerror", "javascript:", "onclick", "<img"):
        assert bad not in stored
    assert '<a href="https://example.org/">Web</a>' in stored
    html = client.get(course.url).content.decode()
    assert "Gut" in html
    for bad in ("alert(", "onerror", "javascript:", "onclick"):
        assert bad not in html


def test_course_body_created_through_the_api_is_stripped_too(lab, manager):
    api = APIClient()
    api.force_authenticate(manager)
    data = {"lab": lab.slug, "title": "Online-Banking", "summary": "Sicher überweisen.", "body": HOSTILE_BODY}
    response = api.post("/api/v1/courses/", data, format="json")
    assert response.status_code == 201, response.content
    stored = CoursePage.objects.get(slug="online-banking", locale__language_code="de").body
    assert "<script" not in stored
    assert "javascript:" not in stored
    # Its English alias holds the same cleaned text.
    assert CoursePage.objects.get(slug="online-banking", locale__language_code="en").body == stored


def test_internal_links_and_images_of_the_editor_survive_cleaning(lab):
    body = (
        '<p><a linktype="page" id="3">Labor</a></p><embed alt="Foto" embedtype="image" format="left" id="7"/>'
    )
    course = make_course(lab=lab, body=body)
    stored = CoursePage.objects.get(pk=course.pk).body
    assert '<a linktype="page" id="3">Labor</a>' in stored
    assert 'embedtype="image"' in stored
    assert 'id="7"' in stored


# Line breaks never reach mail headers or calendar lines

BROKEN_TITLE = "Abendkurs\r\nBcc: alle@example.org"


def test_run_title_with_a_line_break_still_gives_a_valid_calendar(client):
    run = CourseRunFactory(title=BROKEN_TITLE)
    response = client.get(reverse("calendar:run", args=[run.pk]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries
    assert all("\n" not in summary and "\r" not in summary for summary in summaries)
    assert all(summary.endswith("Abendkurs Bcc: alle@example.org") for summary in summaries)


def test_enrolling_in_a_run_with_a_line_break_in_its_title_sends_a_one_line_subject(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    run = CourseRunFactory(title=BROKEN_TITLE)
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("courses:enrol", args=[run.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED).count() == 1
    assert len(mailoutbox) == 1
    subject = mailoutbox[0].subject
    assert "\n" not in subject and "\r" not in subject
    assert subject.endswith("Abendkurs Bcc: alle@example.org")
    assert mailoutbox[0].bcc == []
    ics = mailoutbox[0].attachments[0][1]
    assert Calendar.from_ical(ics).walk("VEVENT")


# Services commit on their own


def test_a_service_refuses_to_run_inside_someone_elses_transaction():
    run = CourseRunFactory()
    with transaction.atomic(), pytest.raises(RuntimeError):
        enrolment_create(run=run, user=UserFactory())
    assert not Enrolment.objects.filter(run=run).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_attendance_sent_while_the_run_is_being_closed_waits_for_the_lock_and_is_refused():
    run = CourseRunFactory(sessions=1, starts_in=timedelta(days=-1))
    enrolment = EnrolmentFactory(run=run)
    trainer = make_manager(run.lab)
    session = run.sessions.get()
    locked, outcome = threading.Event(), {}

    def close_slowly():
        try:
            with transaction.atomic():
                CourseRun.objects.select_for_update().get(pk=run.pk)
                locked.set()
                time.sleep(1)  # the trainer's sheet arrives while the run is being closed
                CourseRun.objects.filter(pk=run.pk).update(status=CourseRun.Status.CLOSED)
        finally:
            connections.close_all()

    def record():
        locked.wait(10)
        try:
            attendance_record(session=session, entries=[AttendanceEntry(enrolment.pk, "present")], by=trainer)
            outcome["result"] = "saved"
        except AttendanceInvalid as error:
            outcome["result"] = str(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close_slowly), threading.Thread(target=record)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["result"] == "Der Kurs ist abgeschlossen; die Anwesenheit lässt sich nicht mehr ändern."
    assert not Attendance.objects.filter(session=session).exists()


def test_closing_a_run_closed_a_moment_ago_reports_its_outcome_and_changes_nothing(lab):
    run = CourseRunFactory(course=make_course(lab=lab), sessions=1, starts_in=timedelta(days=-1))
    came = EnrolmentFactory(run=run)
    AttendanceFactory(session=run.sessions.get(), enrolment=came)
    missed = EnrolmentFactory(run=run)
    manager = make_manager(lab)
    run_close(run=run, by=manager)
    closed_at = CourseRun.objects.get(pk=run.pk).closed_at
    again = run_close(run=run, by=manager)
    assert ([e.pk for e in again.completed], [e.pk for e in again.not_completed]) == ([came.pk], [missed.pk])
    run.refresh_from_db()
    assert (run.status, run.closed_at) == (CourseRun.Status.CLOSED, closed_at)
    assert BadgeAssertion.objects.filter(enrolment__run=run).count() == 1


# The Django admin shows the records but cannot change them past the services


def test_django_admin_shows_runs_and_enrolments_to_superusers_but_cannot_change_them(client):
    run = CourseRunFactory(capacity=8)
    enrolment = EnrolmentFactory(run=run)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    change_run = reverse("admin:courses_courserun_change", args=[run.pk])
    change_enrolment = reverse("admin:courses_enrolment_change", args=[enrolment.pk])
    assert client.get(change_run).status_code == 200
    assert client.get(reverse("admin:courses_enrolment_changelist")).status_code == 200
    client.post(change_run, {"capacity": 20, "course": run.course_id})
    client.post(change_enrolment, {"status": Enrolment.Status.CANCELLED})
    assert client.get(reverse("admin:courses_enrolment_add")).status_code == 403
    run.refresh_from_db()
    enrolment.refresh_from_db()
    assert run.capacity == 8
    assert enrolment.status == Enrolment.Status.CONFIRMED


# Numbers out of range are refused on every database


def test_a_huge_capacity_is_refused_in_the_admin_and_the_api(client, lab, manager):
    course = make_course(lab=lab)
    client.force_login(manager)
    data = run_form_data(course, sessions=two_evenings(), capacity=99999999999)
    response = client.post(reverse("kurstermine:add"), data)
    assert response.status_code == 200
    assert not CourseRun.objects.filter(course=course).exists()
    run = CourseRunFactory(course=course, capacity=8)
    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(f"/api/v1/runs/{run.pk}/", {"capacity": 70000}, format="json")
    assert response.status_code == 400
    assert "capacity" in field_errors(response)
    run.refresh_from_db()
    assert run.capacity == 8
