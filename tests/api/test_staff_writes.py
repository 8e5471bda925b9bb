from datetime import timedelta

import pytest

from courses.models import CoursePage, CourseRun, Enrolment, Session
from labs.models import LabRole
from tests.api.conftest import field_errors
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    LabRoleFactory,
    RoomFactory,
    UserFactory,
    make_course,
    make_lab,
    moment,
    session_start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab():
    return make_lab("Regionallabor Hameln")


@pytest.fixture
def manager(lab):
    return LabRoleFactory(lab=lab, role=LabRole.Role.MANAGER).user


@pytest.fixture
def manager_api(api, manager):
    api.force_authenticate(manager)
    return api


def _course_data(**overrides):
    return {
        "lab": "regionallabor-hameln",
        "title": "Videotelefonie mit der Familie",
        "summary": "Wir lernen, wie man mit dem Tablet telefoniert.",
        "audience": "citizens",
        "topic": "communication",
        "level": 1,
        "competences": ["2.1"],
        **overrides,
    }


def _when(days: int, hours: int = 0):
    """`hours` after 18:00 Berlin time, `days` from today."""
    return session_start(days) + timedelta(hours=hours)


def test_manager_creates_a_published_course_under_their_lab(manager_api, lab):
    response = manager_api.post("/api/v1/courses/", _course_data(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "videotelefonie-mit-der-familie"
    assert body["lab"] == "regionallabor-hameln"
    assert body["competences"] == ["2.1"]
    course = CoursePage.objects.get(pk=body["id"])
    assert course.live
    assert course.get_parent().pk == lab.pk
    assert course.revisions.count() == 1
    assert manager_api.get(f"/api/v1/courses/{course.slug}/").status_code == 200


def test_manager_of_another_lab_may_not_create_a_course(api, lab):
    other = LabRoleFactory(lab=make_lab("Regionallabor Aerzen", municipality="aerzen")).user
    api.force_authenticate(other)

    response = api.post("/api/v1/courses/", _course_data(), format="json")

    assert response.status_code == 403
    assert not CoursePage.objects.exists()


def test_trainer_may_not_create_a_course(api, lab):
    api.force_authenticate(LabRoleFactory(lab=lab, role=LabRole.Role.TRAINER).user)

    assert api.post("/api/v1/courses/", _course_data(), format="json").status_code == 403
    assert not CoursePage.objects.exists()


def test_anonymous_may_not_create_a_course(api, lab):
    assert api.post("/api/v1/courses/", _course_data(), format="json").status_code in (401, 403)
    assert not CoursePage.objects.exists()


def test_superuser_may_create_a_course_anywhere(api, lab):
    api.force_authenticate(UserFactory(is_superuser=True, is_staff=True))

    response = api.post("/api/v1/courses/", _course_data(), format="json")

    assert response.status_code == 201
    course = CoursePage.objects.get(pk=response.json()["id"])
    assert (course.title, course.live) == ("Videotelefonie mit der Familie", True)
    assert course.get_parent().pk == lab.pk


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"lab": "gibt-es-nicht"},
        {"audience": "aliens"},
        {"competences": ["9.9"]},
        {"level": 12},
    ],
)
def test_course_create_rejects_bad_input_and_names_the_field(manager_api, overrides):
    response = manager_api.post("/api/v1/courses/", _course_data(**overrides), format="json")

    assert response.status_code == 400
    assert list(field_errors(response)) == list(overrides)
    assert not CoursePage.objects.exists()


def test_course_create_with_a_taken_slug_is_400(manager_api, lab):
    make_course(lab, "Videotelefonie mit der Familie")

    response = manager_api.post("/api/v1/courses/", _course_data(), format="json")

    assert response.status_code == 400
    assert "slug" in field_errors(response)
    # The German page only: each German page has its English alias.
    assert CoursePage.objects.filter(locale__language_code="de").count() == 1


def test_manager_patches_a_course(manager_api, lab):
    course = make_course(lab, "Tablet Grundlagen")

    response = manager_api.patch(
        f"/api/v1/courses/{course.slug}/", {"summary": "Neu.", "competences": ["1.1"]}, format="json"
    )

    assert response.status_code == 200, response.content
    course.refresh_from_db()
    assert course.summary == "Neu."
    assert list(course.competences.values_list("code", flat=True)) == ["1.1"]
    assert response.json()["summary"] == "Neu."


def test_stranger_may_not_patch_a_course(api, lab):
    course = make_course(lab, "Tablet Grundlagen")
    api.force_authenticate(UserFactory())

    response = api.patch(f"/api/v1/courses/{course.slug}/", {"summary": "Neu."}, format="json")

    assert response.status_code == 403
    course.refresh_from_db()
    assert course.summary != "Neu."


def test_manager_creates_a_run_with_room_and_trainer(manager_api, lab):
    course = make_course(lab)
    room = RoomFactory(lab=lab, capacity=12)
    trainer = LabRoleFactory(lab=lab, role=LabRole.Role.TRAINER).user

    response = manager_api.post(
        "/api/v1/runs/",
        {
            "course": course.pk,
            "capacity": 10,
            "title": "Abendkurs",
            "room": room.pk,
            "trainers": [trainer.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    run = CourseRun.objects.get(pk=response.json()["id"])
    assert (run.lab_id, run.capacity, run.title, run.room_id) == (lab.pk, 10, "Abendkurs", room.pk)
    assert list(run.trainers.all()) == [trainer]
    assert response.json()["seats_left"] == 10


def test_run_create_needs_only_course_and_capacity(manager_api, lab):
    course = make_course(lab)

    response = manager_api.post("/api/v1/runs/", {"course": course.pk, "capacity": 8}, format="json")

    assert response.status_code == 201
    run = CourseRun.objects.get(pk=response.json()["id"])
    assert (run.course_id, run.lab_id, run.capacity, run.title) == (course.pk, lab.pk, 8, "")
    assert (run.status, run.sessions.count()) == (CourseRun.Status.SCHEDULED, 0)


def test_run_in_a_room_too_small_is_400(manager_api, lab):
    room = RoomFactory(lab=lab, capacity=5)

    response = manager_api.post(
        "/api/v1/runs/", {"course": make_course(lab).pk, "capacity": 10, "room": room.pk}, format="json"
    )

    assert response.status_code == 400
    assert "capacity" in field_errors(response)
    assert not CourseRun.objects.exists()


def test_trainer_without_a_role_at_the_lab_is_400(manager_api, lab):
    response = manager_api.post(
        "/api/v1/runs/",
        {"course": make_course(lab).pk, "capacity": 8, "trainers": [UserFactory().pk]},
        format="json",
    )

    assert response.status_code == 400
    assert "gehört nicht zur Kursleitung dieses Labors" in response.json()["detail"]
    assert not CourseRun.objects.exists()


def test_manager_of_another_lab_may_not_create_a_run(api, lab):
    api.force_authenticate(LabRoleFactory().user)

    response = api.post("/api/v1/runs/", {"course": make_course(lab).pk, "capacity": 8}, format="json")

    assert response.status_code == 403
    assert not CourseRun.objects.exists()


def test_more_seats_go_to_those_waiting(manager_api, lab, mailoutbox, django_capture_on_commit_callbacks):
    run = CourseRunFactory(course=make_course(lab), capacity=1)
    EnrolmentFactory(run=run)
    waiting = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.patch(f"/api/v1/runs/{run.pk}/", {"capacity": 2}, format="json")

    assert response.status_code == 200
    assert response.json()["capacity"] == 2
    run.refresh_from_db()
    waiting.refresh_from_db()
    assert run.capacity == 2
    assert waiting.status == Enrolment.Status.CONFIRMED
    assert [m.to for m in mailoutbox] == [[waiting.user.email]]


def test_fewer_seats_than_taken_is_400(manager_api, lab):
    run = CourseRunFactory(course=make_course(lab), capacity=2)
    EnrolmentFactory.create_batch(2, run=run)

    response = manager_api.patch(f"/api/v1/runs/{run.pk}/", {"capacity": 1}, format="json")

    assert response.status_code == 400
    assert "capacity" in field_errors(response)
    run.refresh_from_db()
    assert run.capacity == 2


def test_stranger_may_not_patch_a_run(api):
    run = CourseRunFactory(capacity=5)
    api.force_authenticate(UserFactory())

    assert api.patch(f"/api/v1/runs/{run.pk}/", {"capacity": 50}, format="json").status_code == 403
    run.refresh_from_db()
    assert run.capacity == 5


def test_manager_adds_a_session(manager_api, lab):
    run = CourseRunFactory(course=make_course(lab), sessions=0)
    start, end = _when(3), _when(3, 2)

    data = {"start": start.isoformat(), "end": end.isoformat()}

    response = manager_api.post(f"/api/v1/runs/{run.pk}/sessions/", data, format="json")

    assert response.status_code == 201, response.content
    session = Session.objects.get(run=run)
    assert (session.start, session.end) == (start, end)
    assert response.json()["id"] == session.pk


def test_session_ending_before_it_starts_is_400(manager_api, lab):
    run = CourseRunFactory(course=make_course(lab), sessions=0)

    response = manager_api.post(
        f"/api/v1/runs/{run.pk}/sessions/",
        {"start": _when(3).isoformat(), "end": _when(2).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "end" in field_errors(response)
    assert not Session.objects.exists()


def test_trainer_may_not_add_a_session(api, lab):
    trainer = LabRoleFactory(lab=lab, role=LabRole.Role.TRAINER).user
    run = CourseRunFactory(course=make_course(lab), sessions=0, trainers=[trainer])
    api.force_authenticate(trainer)

    response = api.post(
        f"/api/v1/runs/{run.pk}/sessions/",
        {"start": _when(3).isoformat(), "end": _when(3, 2).isoformat()},
        format="json",
    )

    assert response.status_code == 403
    assert not Session.objects.exists()


def test_manager_moves_a_session(manager_api, lab):
    run = CourseRunFactory(course=make_course(lab), sessions=1)
    session = run.sessions.get()

    response = manager_api.patch(
        f"/api/v1/sessions/{session.pk}/", {"location": "Dorfgemeinschaftshaus Tündern"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["location"] == "Dorfgemeinschaftshaus Tündern"
    session.refresh_from_db()
    assert session.location == "Dorfgemeinschaftshaus Tündern"


def test_moving_a_session_end_before_start_is_400(manager_api, lab):
    run = CourseRunFactory(course=make_course(lab), sessions=1)
    session = run.sessions.get()

    data = {"end": (session.start - timedelta(hours=1)).isoformat()}

    response = manager_api.patch(f"/api/v1/sessions/{session.pk}/", data, format="json")

    assert response.status_code == 400
    assert Session.objects.get(pk=session.pk).end == session.end


def test_stranger_may_not_move_a_session(api):
    session = CourseRunFactory(sessions=1).sessions.get()
    api.force_authenticate(UserFactory())

    response = api.patch(f"/api/v1/sessions/{session.pk}/", {"location": "Anderswo"}, format="json")

    assert response.status_code == 403
    assert Session.objects.get(pk=session.pk).location == ""


def test_course_slug_of_another_lab_is_400(manager_api):
    make_course(make_lab("Regionallabor Aerzen", municipality="aerzen"), "Videotelefonie mit der Familie")

    response = manager_api.post("/api/v1/courses/", _course_data(), format="json")

    assert response.status_code == 400
    assert "slug" in field_errors(response)
    # The German page only: each German page has its English alias.
    assert CoursePage.objects.filter(locale__language_code="de").count() == 1
