from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Attendance, CourseRun, Enrolment
from courses.templatetags.courses_tags import session_when
from labs.models import LabRole
from tests.factories import (
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    LabRoleFactory,
    UserFactory,
    make_course,
    make_lab,
)

pytestmark = pytest.mark.django_db

PAST = -timedelta(days=15)  # two weekly sessions: 15 and 8 days ago


@pytest.fixture
def trainer():
    return UserFactory(full_name="Tina Trainerin")


@pytest.fixture
def run(trainer):
    return CourseRunFactory(trainers=[trainer], sessions=3, capacity=12)


def enrol(run, n, **kwargs):
    return [EnrolmentFactory(run=run, **kwargs) for _ in range(n)]


def attendance_url(session):
    return reverse("trainer:session_attendance", args=[session.pk])


def post_attendance(client, session, statuses: dict):
    data = {f"status-{enrolment_id}": status for enrolment_id, status in statuses.items()}
    return client.post(attendance_url(session), data)


# Who gets in


def test_workspace_asks_to_log_in_first(client):
    response = client.get(reverse("trainer:dashboard"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_person_who_teaches_nothing_is_refused(client):
    CourseRunFactory(trainers=[UserFactory()], title="Fremder Abendkurs")
    client.force_login(UserFactory())
    response = client.get(reverse("trainer:dashboard"))
    assert response.status_code == 403
    assert "Fremder Abendkurs" not in response.content.decode()


def test_trainer_cannot_reach_another_trainers_run_by_changing_the_id(client, trainer):
    other_run = CourseRunFactory(trainers=[UserFactory()], starts_in=PAST)
    EnrolmentFactory(run=other_run, user=UserFactory(full_name="Olga Other"))
    session = other_run.sessions.first()
    client.force_login(trainer)
    CourseRunFactory(trainers=[trainer])
    for url in (
        reverse("trainer:run_detail", args=[other_run.pk]),
        attendance_url(session),
        reverse("trainer:run_close", args=[other_run.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Olga Other" not in response.content.decode()


def test_trainer_cannot_record_or_close_another_trainers_run(client, trainer):
    other_run = CourseRunFactory(trainers=[UserFactory()], starts_in=PAST)
    enrolment = EnrolmentFactory(run=other_run)
    client.force_login(trainer)
    response = post_attendance(client, other_run.sessions.first(), {enrolment.pk: "present"})
    assert response.status_code == 404
    assert client.post(reverse("trainer:run_close", args=[other_run.pk])).status_code == 404
    assert not Attendance.objects.exists()
    other_run.refresh_from_db()
    assert other_run.status == CourseRun.Status.SCHEDULED


def test_lab_manager_reaches_the_runs_of_their_lab(client):
    lab = make_lab()
    manager = LabRoleFactory(lab=lab, role=LabRole.Role.MANAGER).user
    run = CourseRunFactory(course=make_course(lab=lab))
    EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt"))
    client.force_login(manager)
    response = client.get(reverse("trainer:run_detail", args=[run.pk]))
    assert response.status_code == 200
    assert "Anna Alt" in response.content.decode()


# Dashboard


def test_dashboard_shows_next_sessions_with_date_place_and_participants(client, trainer, run):
    enrol(run, 4)
    client.force_login(trainer)
    response = client.get(reverse("trainer:dashboard"))
    content = response.content.decode()
    first = run.sessions.order_by("start").first()
    assert session_when(first) in content
    assert first.where in content
    assert "4 Personen angemeldet" in content
    assert attendance_url(first) in content


def test_dashboard_lists_sessions_before_runs(client, trainer, run):
    client.force_login(trainer)
    content = client.get(reverse("trainer:dashboard")).content.decode()
    assert content.index("Ihre nächsten Termine") < content.index("Ihre Kurse")


def test_dashboard_offers_closing_once_the_last_session_has_started(client, trainer):
    finished = CourseRunFactory(trainers=[trainer], starts_in=PAST)
    running = CourseRunFactory(trainers=[trainer], sessions=3, starts_in=-timedelta(days=8))
    client.force_login(trainer)
    content = client.get(reverse("trainer:dashboard")).content.decode()
    assert reverse("trainer:run_close", args=[finished.pk]) in content
    assert reverse("trainer:run_close", args=[running.pk]) not in content


def test_dashboard_leaves_out_runs_closed_long_ago(client, trainer):
    old = CourseRunFactory(trainers=[trainer], starts_in=PAST, title="Alter Kurs")
    CourseRun.objects.filter(pk=old.pk).update(status=CourseRun.Status.CLOSED, closed_at=old.created_at)
    CourseRun.objects.filter(pk=old.pk).update(closed_at=old.created_at - timedelta(days=90))
    client.force_login(trainer)
    content = client.get(reverse("trainer:dashboard")).content.decode()
    assert "Alter Kurs" not in content


def test_dashboard_queries_do_not_grow_with_runs(client, trainer):
    client.force_login(trainer)
    CourseRunFactory(trainers=[trainer])
    client.get(reverse("trainer:dashboard"))  # first request fills per-process caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("trainer:dashboard")).status_code == 200
    lab = make_lab()
    for _ in range(6):
        run = CourseRunFactory(trainers=[trainer], course=make_course(lab=lab), sessions=3)
        enrol(run, 3)
    CourseRunFactory(trainers=[trainer], starts_in=PAST)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("trainer:dashboard")).status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 12


# Run detail


def test_run_detail_shows_participants_seats_waiting_list_and_attendance_links(client, trainer):
    run = CourseRunFactory(trainers=[trainer], capacity=2)
    EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt"))
    EnrolmentFactory(run=run, user=UserFactory(full_name="Bernd Bauer"))
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, user=UserFactory(full_name="Wera Warte"))
    client.force_login(trainer)
    content = client.get(reverse("trainer:run_detail", args=[run.pk])).content.decode()
    assert "Anna Alt" in content and "Bernd Bauer" in content
    assert "Wera Warte" not in content
    assert "2 von 2 belegt" in content
    assert "1 Person" in content
    for session in run.sessions.all():
        assert attendance_url(session) in content


# Attendance


def test_attendance_page_has_a_labelled_group_per_participant_and_one_save_button(client, trainer, run):
    enrolments = enrol(run, 12)
    client.force_login(trainer)
    content = client.get(attendance_url(run.sessions.first())).content.decode()
    assert content.count("<fieldset") == 12
    assert content.count("<legend>") == 12
    assert enrolments[0].user.full_name in content
    for enrolment in enrolments:
        for status in ("present", "absent", "excused"):
            assert f'name="status-{enrolment.pk}" value="{status}"' in content
    form = content[content.index('<form method="post" class="attendance-form"') :]
    form = form[: form.index("</form>")]
    assert form.count('type="submit"') == 1
    assert "Speichern" in form


def test_attendance_page_shows_what_was_recorded(client, trainer, run):
    enrolment = EnrolmentFactory(run=run)
    session = run.sessions.first()
    AttendanceFactory(session=session, enrolment=enrolment, status=Attendance.Status.EXCUSED)
    client.force_login(trainer)
    content = client.get(attendance_url(session)).content.decode()
    assert f'name="status-{enrolment.pk}" value="excused" id="id_status-{enrolment.pk}_2" checked' in content


def test_saving_records_a_group_of_twelve_in_one_request(client, trainer, run):
    enrolments = enrol(run, 12)
    session = run.sessions.first()
    statuses = {e.pk: "present" for e in enrolments[:10]}
    statuses[enrolments[10].pk] = "absent"
    statuses[enrolments[11].pk] = "excused"
    client.force_login(trainer)
    response = post_attendance(client, session, statuses)
    assert response.status_code == 302
    recorded = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    assert recorded == statuses
    assert Attendance.objects.filter(recorded_by=trainer).count() == 12
    follow = client.get(response["Location"])
    assert "Anwesend: 10 von 12 Personen." in follow.content.decode()


def test_saving_again_changes_what_was_recorded(client, trainer, run):
    enrolment = EnrolmentFactory(run=run)
    session = run.sessions.first()
    AttendanceFactory(session=session, enrolment=enrolment, status=Attendance.Status.ABSENT)
    client.force_login(trainer)
    post_attendance(client, session, {enrolment.pk: "present"})
    recorded = Attendance.objects.get(session=session, enrolment=enrolment)
    assert (recorded.status, recorded.recorded_by) == ("present", trainer)


def test_unknown_status_shows_an_error_and_changes_nothing(client, trainer, run):
    first, second = enrol(run, 2)
    session = run.sessions.first()
    client.force_login(trainer)
    response = post_attendance(client, session, {first.pk: "present", second.pk: "vielleicht"})
    assert response.status_code == 200
    assert "Es wurde nichts gespeichert" in response.content.decode()
    assert not Attendance.objects.exists()


def test_saving_without_any_choice_asks_for_one(client, trainer, run):
    enrol(run, 2)
    client.force_login(trainer)
    response = client.post(attendance_url(run.sessions.first()), {})
    assert "bei mindestens einer Person" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_of_a_closed_run_cannot_change(client, trainer, run):
    enrolment = EnrolmentFactory(run=run)
    CourseRun.objects.filter(pk=run.pk).update(status=CourseRun.Status.CLOSED)
    client.force_login(trainer)
    response = post_attendance(client, run.sessions.first(), {enrolment.pk: "present"})
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "nicht mehr ändern" in page
    assert "disabled" in page


def test_attendance_page_queries_do_not_grow_with_participants(client, trainer, run):
    session = run.sessions.first()
    enrol(run, 1)
    client.force_login(trainer)
    client.get(attendance_url(session))  # first request fills per-process caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(attendance_url(session)).status_code == 200
    for enrolment in enrol(run, 11):
        AttendanceFactory(session=session, enrolment=enrolment)
    with CaptureQueriesContext(connection) as large:
        assert client.get(attendance_url(session)).status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 10


# Closing


@pytest.fixture
def finished_run(trainer):
    run = CourseRunFactory(trainers=[trainer], starts_in=PAST, sessions=2)
    came, missed = (
        EnrolmentFactory(run=run, user=UserFactory(full_name="Clara Come")),
        EnrolmentFactory(run=run, user=UserFactory(full_name="Max Miss")),
    )
    for session in run.sessions.all():
        AttendanceFactory(session=session, enrolment=came, status=Attendance.Status.PRESENT)
        AttendanceFactory(session=session, enrolment=missed, status=Attendance.Status.ABSENT)
    return run


def test_close_page_shows_sessions_attended_and_the_rule(client, trainer, finished_run):
    client.force_login(trainer)
    content = client.get(reverse("trainer:run_close", args=[finished_run.pk])).content.decode()
    assert "2 von 2" in content
    assert "0 von 2" in content
    assert "80 %" in content
    assert "Den Kurs geschafft: 1 von 2 Personen." in content
    assert "Kurs abschließen und Zertifikate ausstellen" in content


def test_closing_completes_who_met_the_rule_and_says_how_many(client, trainer, finished_run):
    client.force_login(trainer)
    response = client.post(reverse("trainer:run_close", args=[finished_run.pk]), follow=True)
    finished_run.refresh_from_db()
    assert finished_run.status == CourseRun.Status.CLOSED
    statuses = dict(finished_run.enrolments.values_list("user__full_name", "status"))
    assert statuses == {"Clara Come": "completed", "Max Miss": "not_completed"}
    content = response.content.decode()
    assert "Geschafft: 1 von 2 Personen." in content
    assert "Zertifikate werden jetzt ausgestellt" in content


def test_closing_before_the_last_session_says_so_and_changes_nothing(client, trainer, run):
    EnrolmentFactory(run=run)
    client.force_login(trainer)
    response = client.post(reverse("trainer:run_close", args=[run.pk]), follow=True)
    assert "erst nach dem letzten Termin" in response.content.decode()
    run.refresh_from_db()
    assert run.status == CourseRun.Status.SCHEDULED
    assert run.enrolments.get().status == Enrolment.Status.CONFIRMED


def test_closing_twice_says_it_is_already_closed_and_keeps_the_outcome(clock, client, trainer, finished_run):
    client.force_login(trainer)
    client.post(reverse("trainer:run_close", args=[finished_run.pk]))
    closed_at = CourseRun.objects.get(pk=finished_run.pk).closed_at
    clock.shift(timedelta(hours=1))
    response = client.post(reverse("trainer:run_close", args=[finished_run.pk]), follow=True)
    assert response.status_code == 200
    assert "bereits abgeschlossen" in response.content.decode()
    finished_run.refresh_from_db()
    assert (finished_run.status, finished_run.closed_at) == (CourseRun.Status.CLOSED, closed_at)
    statuses = dict(finished_run.enrolments.values_list("user__full_name", "status"))
    assert statuses == {"Clara Come": "completed", "Max Miss": "not_completed"}
