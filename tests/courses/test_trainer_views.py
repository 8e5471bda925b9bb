import io
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateFile
from courses.models import Attendance, BadgeAssertion, CourseRun, Enrolment
from courses.selectors import format_moment
from courses.services import walk_in_add
from courses.templatetags.courses_tags import session_when
from labs.models import LabRole
from tests.api.test_certificates_and_badges import make_assertion
from tests.factories import (
    BERLIN,
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    LabRoleFactory,
    UserFactory,
    make_course,
    make_lab,
    moment,
)

pytestmark = pytest.mark.django_db

PAST = -timedelta(days=15)  # two weekly sessions: 15 and 8 days ago


@pytest.fixture
def trainer():
    return UserFactory(full_name="Tina Trainerin")


@pytest.fixture
def run(clock, trainer):
    """Three weekly sessions, the first tonight at 18:00 (the clock stands at 10:00): its sheet is open."""
    return CourseRunFactory(trainers=[trainer], sessions=3, capacity=12, starts_in=timedelta(days=0))


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


def test_dashboard_lists_todays_sessions_first_under_today(clock, client, trainer):
    CourseRunFactory(trainers=[trainer], sessions=1, starts_in=timedelta(days=1), title="Morgenkurs")
    CourseRunFactory(trainers=[trainer], sessions=1, starts_in=timedelta(days=0), title="Abendkurs")
    # Over at 9:00, an hour ago: its sheet is still to be filled in.
    early = datetime(2026, 12, 1, 7, 0, tzinfo=BERLIN)
    CourseRunFactory(trainers=[trainer], sessions=1, starts_at=early, title="Frühkurs")
    client.force_login(trainer)
    content = client.get(reverse("trainer:dashboard")).content.decode()
    today = content[content.index('id="today-sessions">Heute<') : content.index('id="next-sessions"')]
    upcoming = content[content.index('id="next-sessions"') : content.index('id="my-runs"')]
    assert today.index("Frühkurs") < today.index("Abendkurs")
    assert "Morgenkurs" not in today
    assert "Morgenkurs" in upcoming and "Abendkurs" not in upcoming


def test_dashboard_leaves_out_today_when_nothing_meets_today(clock, client, trainer):
    CourseRunFactory(trainers=[trainer], sessions=1, starts_in=timedelta(days=3))
    client.force_login(trainer)
    content = client.get(reverse("trainer:dashboard")).content.decode()
    assert 'id="today-sessions"' not in content


def test_dashboard_links_each_session_to_its_sheet_and_sign_in_sheet(client, trainer, run):
    client.force_login(trainer)
    content = client.get(reverse("trainer:dashboard")).content.decode()
    tonight, next_week, _ = run.sessions.order_by("start")
    for session in (tonight, next_week):
        assert attendance_url(session) in content
        assert reverse("trainer:sign_in_sheet", args=[session.pk]) in content
    # Tonight's sheet can be filled in; next week's only lists who comes.
    assert content.count("Anwesenheit erfassen<") == 1
    assert "Teilnehmende ansehen" in content


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
    assert len(large) <= 14


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


def test_attendance_page_has_a_labelled_group_per_participant_a_save_and_an_all_present_button(
    client, trainer, run
):
    enrolments = enrol(run, 12)
    client.force_login(trainer)
    content = client.get(attendance_url(run.sessions.first())).content.decode()
    assert content.count("<fieldset") == 12
    assert content.count("<legend>") == 12
    assert enrolments[0].user.full_name in content
    for enrolment in enrolments:
        for status in ("present", "absent", "excused"):
            assert f'name="status-{enrolment.pk}" value="{status}"' in content
    form = content[content.index('<form method="post" id="attendance-form"') :]
    form = form[: form.index("</form>")]
    assert form.count('type="submit"') == 2
    assert "Speichern" in form
    assert 'name="action" value="rest-present"' in form
    # The save button comes first, so the Enter key saves what was marked and nothing more.
    assert form.index("Speichern") < form.index('value="rest-present"')


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


def test_all_present_records_everyone_left_unmarked_as_present(client, trainer, run):
    enrolments = enrol(run, 12)
    session = run.sessions.first()
    client.force_login(trainer)
    response = client.post(attendance_url(session), {"action": "rest-present"})
    assert response.status_code == 302
    recorded = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    assert recorded == {e.pk: "present" for e in enrolments}
    assert "Anwesend: 12 von 12 Personen." in client.get(response["Location"]).content.decode()


def test_all_present_keeps_who_was_marked_otherwise(client, trainer, run):
    enrolments = enrol(run, 12)
    session = run.sessions.first()
    client.force_login(trainer)
    data = {
        f"status-{enrolments[0].pk}": "absent",
        f"status-{enrolments[1].pk}": "excused",
        "action": "rest-present",
    }
    client.post(attendance_url(session), data)
    recorded = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    assert recorded == {
        **{e.pk: "present" for e in enrolments[2:]},
        enrolments[0].pk: "absent",
        enrolments[1].pk: "excused",
    }


def test_saving_with_people_unmarked_says_how_many_and_offers_to_finish(client, trainer, run):
    anna = EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt"))
    bernd = EnrolmentFactory(run=run, user=UserFactory(full_name="Bernd Bauer"))
    carla = EnrolmentFactory(run=run, user=UserFactory(full_name="Carla Cohn"))
    session = run.sessions.first()
    client.force_login(trainer)
    response = post_attendance(client, session, {anna.pk: "present"})
    content = client.get(response["Location"]).content.decode()
    assert "Bei 2 Personen ist noch nichts eingetragen." in content
    assert "Noch offen:</strong> Bernd Bauer, Carla Cohn" in content
    assert f'href="#person-{bernd.pk}"' in content
    assert f'id="person-{carla.pk}"' in content
    assert 'form="attendance-form" name="action" value="rest-present"' in content


def test_many_people_unmarked_are_counted_after_the_first_four_names(client, trainer, run):
    enrolments = enrol(run, 7)
    session = run.sessions.first()
    client.force_login(trainer)
    post_attendance(client, session, {enrolments[0].pk: "present"})
    content = client.get(attendance_url(session)).content.decode()
    assert "Bei 6 Personen ist noch nichts eingetragen." in content
    assert "und 2 weitere Personen" in content


def test_finishing_an_unmarked_sheet_records_the_rest_as_present(client, trainer, run):
    anna, bernd = enrol(run, 2)
    session = run.sessions.first()
    AttendanceFactory(session=session, enrolment=anna, status=Attendance.Status.ABSENT)
    client.force_login(trainer)
    client.post(attendance_url(session), {f"status-{anna.pk}": "absent", "action": "rest-present"})
    recorded = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    assert recorded == {anna.pk: "absent", bernd.pk: "present"}
    content = client.get(attendance_url(session)).content.decode()
    assert "Noch offen" not in content
    assert "noch nichts eingetragen" not in content


def test_a_complete_sheet_asks_for_nothing_more(client, trainer, run):
    enrolment = EnrolmentFactory(run=run)
    session = run.sessions.first()
    AttendanceFactory(session=session, enrolment=enrolment)
    client.force_login(trainer)
    assert "Noch offen" not in client.get(attendance_url(session)).content.decode()


def test_session_more_than_a_day_ahead_says_from_when_and_offers_no_form(client, trainer, run):
    EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt"))
    later = run.sessions.order_by("start")[1]
    client.force_login(trainer)
    content = client.get(attendance_url(later)).content.decode()
    opens_at = format_moment(later.start - timedelta(days=1))
    assert f"Die Anwesenheit lässt sich ab {opens_at} eintragen." in content
    assert "Anna Alt" in content
    assert "attendance-form" not in content
    assert 'type="radio"' not in content
    assert reverse("trainer:walk_in", args=[later.pk]) not in content


def test_posting_a_sheet_for_a_session_more_than_a_day_ahead_changes_nothing(client, trainer, run):
    enrolment = EnrolmentFactory(run=run)
    later = run.sessions.order_by("start")[1]
    client.force_login(trainer)
    response = client.post(
        attendance_url(later), {f"status-{enrolment.pk}": "present", "action": "rest-present"}
    )
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    assert "noch nicht gewesen" in client.get(response["Location"]).content.decode()


def test_sheet_opens_a_day_before_the_session(clock, client, trainer, run):
    enrolment = EnrolmentFactory(run=run)
    later = run.sessions.order_by("start")[1]
    clock.move_to(later.start - timedelta(days=1))
    client.force_login(trainer)
    assert 'type="radio"' in client.get(attendance_url(later)).content.decode()
    post_attendance(client, later, {enrolment.pk: "present"})
    assert Attendance.objects.get(session=later).status == "present"


def test_huge_ids_are_not_found(client, trainer, run):
    client.force_login(trainer)
    huge = 10**20
    for name in ("session_attendance", "walk_in", "sign_in_sheet"):
        assert client.get(reverse(f"trainer:{name}", args=[huge])).status_code == 404
    assert client.post(reverse("trainer:walk_in", args=[huge]), {"name": "Grete Gast"}).status_code == 404
    assert client.get(reverse("trainer:run_close", args=[huge])).status_code == 404
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("walk_ins", [False, True])
def test_attendance_page_queries_do_not_grow_with_participants(client, trainer, run, walk_ins):
    session = run.sessions.first()

    def add(n):
        for i in range(n):
            if walk_ins and i % 2:
                walk_in_add(session=session, by=trainer, name=f"Gast {Enrolment.objects.count()}")
            else:
                AttendanceFactory(session=session, enrolment=EnrolmentFactory(run=run))

    run.capacity = 40
    run.save(update_fields=["capacity"])
    add(3)
    client.force_login(trainer)
    client.get(attendance_url(session))  # first request fills per-process caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(attendance_url(session)).status_code == 200
    add(27)
    with CaptureQueriesContext(connection) as large:
        response = client.get(attendance_url(session))
    assert response.content.decode().count("<legend>") == 30
    assert len(large) == len(small)
    assert len(large) <= 12


# Sign-in sheet


def sign_in_sheet_url(session):
    return reverse("trainer:sign_in_sheet", args=[session.pk])


def pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_sign_in_sheet_lists_the_names_but_no_email_addresses(client, trainer, run):
    anna = EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt", email="anna@example.org"))
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, user=UserFactory(full_name="Wera Warte"))
    session = run.sessions.first()
    walk_in_add(session=session, by=trainer, name="Grete Gast")
    client.force_login(trainer)
    response = client.get(sign_in_sheet_url(session))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Teilnehmerliste zum Unterschreiben" in text
    assert "Anna Alt" in text and "Grete Gast" in text
    assert "Wera Warte" not in text
    assert anna.user.email not in text and "@" not in text
    assert session_when(session) in text
    assert str(run) in text and run.lab.title in text


def test_sign_in_sheet_has_blank_rows_for_walk_ins(client, trainer, run):
    enrol(run, 2)
    client.force_login(trainer)
    text = pdf_text(client.get(sign_in_sheet_url(run.sessions.first())))
    assert "Ohne Anmeldung gekommen?" in text
    assert "7" in text.split("Ohne Anmeldung gekommen?")[1]  # rows 3 to 7 are left blank


def test_sign_in_sheet_of_another_trainers_session_is_not_found(client, trainer):
    other_run = CourseRunFactory(trainers=[UserFactory()])
    EnrolmentFactory(run=other_run, user=UserFactory(full_name="Olga Other"))
    client.force_login(trainer)
    response = client.get(sign_in_sheet_url(other_run.sessions.first()))
    assert response.status_code == 404
    assert "Olga Other" not in response.content.decode()


def test_sign_in_sheet_can_be_printed_before_the_sheet_opens(client, trainer, run):
    EnrolmentFactory(run=run, user=UserFactory(full_name="Anna Alt"))
    client.force_login(trainer)
    response = client.get(sign_in_sheet_url(run.sessions.order_by("start").last()))
    assert response.status_code == 200
    assert "Anna Alt" in pdf_text(response)


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


def test_closing_twice_shows_the_same_outcome_and_changes_nothing(clock, client, trainer, finished_run):
    client.force_login(trainer)
    client.post(reverse("trainer:run_close", args=[finished_run.pk]))
    closed_at = CourseRun.objects.get(pk=finished_run.pk).closed_at
    clock.shift(timedelta(hours=1))
    response = client.post(reverse("trainer:run_close", args=[finished_run.pk]), follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "bereits abgeschlossen. Geschafft: 1 von 2 Personen." in content
    finished_run.refresh_from_db()
    assert (finished_run.status, finished_run.closed_at) == (CourseRun.Status.CLOSED, closed_at)
    statuses = dict(finished_run.enrolments.values_list("user__full_name", "status"))
    assert statuses == {"Clara Come": "completed", "Max Miss": "not_completed"}
    assert BadgeAssertion.objects.count() == 1


def test_after_closing_the_page_shows_the_certificates_and_badges_made(
    client, trainer, finished_run, django_capture_on_commit_callbacks
):
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("trainer:run_close", args=[finished_run.pk]))
    content = client.get(reverse("trainer:run_close", args=[finished_run.pk])).content.decode()
    outcome = content[content.index('id="ergebnis"') :]
    clara = outcome[outcome.index("Clara Come") : outcome.index("Max Miss")]
    assert "ausgestellt" in clara
    assert "verliehen" in clara
    assert "noch offen" not in clara
    max_miss = outcome[outcome.index("Max Miss") :]
    assert "nicht geschafft" in max_miss
    assert "Zertifikat" not in max_miss.split("</li>")[0]


def test_certificates_not_made_yet_are_shown_as_owed(client, trainer, finished_run):
    client.force_login(trainer)
    client.post(reverse("trainer:run_close", args=[finished_run.pk]))  # the certificate task has not run yet
    content = client.get(reverse("trainer:run_close", args=[finished_run.pk])).content.decode()
    outcome = content[content.index('id="ergebnis"') :]
    assert "noch offen, wird gerade ausgestellt" in outcome
    assert "Zertifikat drucken" not in outcome


def add_participant(run, number: int, *, closed: bool) -> Enrolment:
    """A participant who came to every session: every third one a walk-in without email. In a closed run
    they completed, with a certificate and its PDF, and a badge unless they have no email address."""
    status = Enrolment.Status.COMPLETED if closed else Enrolment.Status.CONFIRMED
    if number % 3 == 0:
        enrolment = EnrolmentFactory(
            run=run, user=None, member_name=f"Gast {number}", walk_in=True, status=status
        )
    else:
        enrolment = EnrolmentFactory(run=run, status=status)
    for session in run.sessions.all():
        AttendanceFactory(session=session, enrolment=enrolment)
    if closed:
        certificate = Certificate.objects.create(
            code=f"CODE{enrolment.pk:08d}",
            enrolment=enrolment,
            participant_name=enrolment.holder_name,
            course_title=run.course.title,
            lab_name=run.lab.title,
            first_session=date(2026, 11, 16),
            last_session=date(2026, 11, 23),
            hours=4,
            issued_at=moment(),
        )
        CertificateFile.objects.create(
            certificate=certificate,
            language="de",
            path=f"test/{certificate.code}.pdf",
            sha256="0" * 64,
            size=1,
        )
        if enrolment.user_id:
            make_assertion(enrolment)
    return enrolment


@pytest.mark.parametrize("closed", [False, True], ids=["before_closing", "after_closing"])
def test_close_page_queries_do_not_grow_with_participants(client, trainer, closed):
    status = CourseRun.Status.CLOSED if closed else CourseRun.Status.SCHEDULED
    small_run, large_run = (
        CourseRunFactory(trainers=[trainer], starts_in=PAST, capacity=40, status=status) for _ in range(2)
    )
    for number in range(3):
        add_participant(small_run, number, closed=closed)
    for number in range(30):
        add_participant(large_run, number, closed=closed)
    client.force_login(trainer)
    client.get(reverse("trainer:run_close", args=[small_run.pk]))  # first request fills per-process caches
    counts = []
    for run in (small_run, large_run):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("trainer:run_close", args=[run.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert "Gast 27" in response.content.decode()
    assert counts[0] == counts[1]
    assert counts[1] <= 17
