"""The lab managers' overview (/team/), the week plan (/team/wochenplan/) and what needs doing
(/team/zu-erledigen/): what they show, for which labs, and in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Attendance, CourseRun, Enrolment, Session
from courses.staff.selectors import needs_action, week_label, week_monday
from labs.models import LabRole
from labs.services import lab_role_grant
from tests.factories import (
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    RoomFactory,
    UserFactory,
    make_course,
)

pytestmark = pytest.mark.django_db


def page(client, name, **query):
    url = reverse(f"staff:{name}")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def run(clock, lab):
    """Ten seats, first session on Tuesday, 8 December 2026 (the clock stands at 1 December, 10:00)."""
    return CourseRunFactory(course=make_course(lab, title="Sicher online bezahlen"), capacity=10)


def test_the_overview_shows_fill_waiting_list_and_links_to_the_list_of_people(client, manager, run):
    for _ in range(4):
        EnrolmentFactory(run=run)
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, confirmed_at=None)
    client.force_login(manager)
    html = page(client, "cockpit")
    assert "Sicher online bezahlen" in html
    assert "4 von 10 (40 %)" in html
    assert reverse("staff:run_roster", args=[run.pk]) in html
    assert "Dienstag, 8. Dezember 2026, 18:00 Uhr" in html


def test_the_overview_shows_attendance_rate_and_completions_of_recent_runs(client, clock, manager, lab):
    past = CourseRunFactory(
        course=make_course(lab, title="Fotos bearbeiten"), sessions=1, starts_in=-timedelta(days=10)
    )
    session = past.sessions.get()
    came = EnrolmentFactory(run=past, status=Enrolment.Status.COMPLETED)
    away = EnrolmentFactory(run=past, status=Enrolment.Status.NOT_COMPLETED)
    AttendanceFactory(session=session, enrolment=came, status=Attendance.Status.PRESENT)
    AttendanceFactory(session=session, enrolment=away, status=Attendance.Status.ABSENT)
    client.force_login(manager)
    html = page(client, "cockpit")
    assert "Kurstermine der letzten vier Wochen" in html
    assert "50 %" in html
    assert "Fotos bearbeiten" in html


def test_runs_older_than_four_weeks_are_left_out(client, clock, manager, lab):
    CourseRunFactory(course=make_course(lab, title="Lange her"), sessions=1, starts_in=-timedelta(days=40))
    client.force_login(manager)
    assert "Lange her" not in page(client, "cockpit")


def test_the_overview_shows_only_the_managers_labs(client, manager, run, other_lab):
    CourseRunFactory(course=make_course(other_lab, title="Fremder Kurs"))
    client.force_login(manager)
    html = page(client, "cockpit")
    assert "Sicher online bezahlen" in html
    assert "Fremder Kurs" not in html


def test_a_superuser_switches_between_labs(client, run, other_lab):
    CourseRunFactory(course=make_course(other_lab, title="Fremder Kurs"))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "Fremder Kurs" in page(client, "cockpit", labor=other_lab.pk)
    assert "Sicher online bezahlen" not in page(client, "cockpit", labor=other_lab.pk)
    assert "Sicher online bezahlen" in page(client, "cockpit", labor=run.lab_id)


def test_an_unreadable_lab_choice_is_not_found(client, manager, run):
    client.force_login(manager)
    assert client.get(reverse("staff:cockpit") + "?labor=abc").status_code == 404


@pytest.mark.parametrize("runs", [3, 30])
def test_the_overview_takes_a_fixed_number_of_queries(
    client, clock, manager, lab, django_assert_num_queries, runs
):
    course = make_course(lab)
    trainer = UserFactory()
    for n in range(runs):
        run = CourseRunFactory(course=course, starts_in=timedelta(days=n % 20 - 5), trainers=[trainer])
        EnrolmentFactory(run=run)
    client.force_login(manager)
    client.get(reverse("staff:cockpit"))
    with django_assert_num_queries(QUERIES_COCKPIT):
        assert client.get(reverse("staff:cockpit")).status_code == 200


QUERIES_COCKPIT = 18


# Week plan


def test_week_labels_are_read_and_written_as_iso_weeks(clock):
    monday = week_monday("2026-W50", today=timezone.localdate())
    assert monday.isoformat() == "2026-12-07"
    assert week_label(monday) == "2026-W50"


def test_an_unreadable_week_falls_back_to_this_week(clock):
    assert week_monday("nonsense", today=timezone.localdate()).isoformat() == "2026-11-30"


def test_the_week_plan_shows_who_teaches_where_per_day(client, manager, lab, run):
    room = RoomFactory(lab=lab, name="Werkstatt")
    run.room = room
    run.save()
    run.trainers.add(UserFactory(full_name="Tina Trainerin"))
    client.force_login(manager)
    html = page(client, "week", woche="2026-W50")
    assert "Dienstag, 8. Dezember 2026" in html
    assert "18:00 bis 20:00 Uhr" in html
    assert "Werkstatt" in html
    assert "Tina Trainerin" in html
    assert "?woche=2026-W49" in html and "?woche=2026-W51" in html


def test_the_week_plan_leaves_out_cancelled_runs(client, manager, run):
    run.status = CourseRun.Status.CANCELLED
    run.save()
    client.force_login(manager)
    html = page(client, "week", woche="2026-W50")
    assert "Sicher online bezahlen" not in html
    assert "In dieser Woche finden keine Treffen statt." in html


@pytest.mark.parametrize("runs", [3, 30])
def test_the_week_plan_takes_a_fixed_number_of_queries(
    client, clock, manager, lab, django_assert_num_queries, runs
):
    room = RoomFactory(lab=lab)
    for n in range(runs):
        CourseRunFactory(
            course=make_course(lab),
            room=room,
            starts_in=timedelta(days=7 + n % 5),
            trainers=[UserFactory()],
            sessions=1,
        )
    client.force_login(manager)
    client.get(reverse("staff:week"))
    with django_assert_num_queries(QUERIES_WEEK):
        assert client.get(reverse("staff:week") + "?woche=2026-W50").status_code == 200


QUERIES_WEEK = 13


# Needs action


def test_a_run_starting_within_a_week_with_too_few_enrolments_needs_action(clock, lab):
    run = CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=3))
    EnrolmentFactory(run=run)
    found = needs_action(lab_ids=[lab.pk], now=timezone.now())
    assert run in found.too_few


def test_a_run_that_reached_its_minimum_needs_no_action(clock, lab):
    run = CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=3))
    for _ in range(run.minimum_participants):
        EnrolmentFactory(run=run)
    assert run not in needs_action(lab_ids=[lab.pk], now=timezone.now()).too_few


def test_a_run_further_ahead_is_not_yet_too_small(clock, lab):
    later = CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=20))
    assert later not in needs_action(lab_ids=[lab.pk], now=timezone.now()).too_few


def test_a_run_without_a_trainer_needs_action(clock, lab, run):
    assert run in needs_action(lab_ids=[lab.pk], now=timezone.now()).without_trainer
    run.trainers.add(UserFactory())
    assert run not in needs_action(lab_ids=[lab.pk], now=timezone.now()).without_trainer


def test_a_double_booked_room_needs_action(clock, lab, run):
    """Saved before the services refused it (an old row, an import): the overview still finds it."""
    room = RoomFactory(lab=lab, name="Werkstatt")
    other = CourseRunFactory(course=make_course(lab), sessions=0)
    CourseRun.objects.filter(pk__in=[run.pk, other.pk]).update(room=room)
    first = run.sessions.order_by("start").first()
    Session.objects.create(
        run=other, start=first.start + timedelta(hours=1), end=first.end + timedelta(hours=1)
    )
    clashes = needs_action(lab_ids=[lab.pk], now=timezone.now()).room_clashes
    assert len(clashes) == 1
    assert {clashes[0].first.run_id, clashes[0].second.run_id} == {run.pk, other.pk}
    assert clashes[0].room == room


def test_a_trainer_in_two_places_at_once_needs_action(clock, lab, run):
    trainer = UserFactory(full_name="Tina Trainerin")
    other = CourseRunFactory(course=make_course(lab), trainers=[trainer])
    run.trainers.add(trainer)
    clashes = needs_action(lab_ids=[lab.pk], now=timezone.now()).trainer_clashes
    assert [({c.first.run_id, c.second.run_id}, c.trainer) for c in clashes] == [
        ({run.pk, other.pk}, trainer)
    ] * 2


def test_the_needs_action_page_lists_each_kind(client, clock, manager, lab):
    CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=3))
    client.force_login(manager)
    html = page(client, "needs_action")
    assert "Zu wenige Anmeldungen" in html
    assert "0 angemeldet, mindestens 3 nötig." in html
    assert "Ohne Kursleitung" in html


def test_the_overview_counts_what_needs_doing(client, clock, manager, lab):
    CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=3))
    client.force_login(manager)
    assert "2 Punkte zu erledigen" in page(client, "cockpit")


def test_a_manager_of_two_labs_sees_both(client, lab, other_lab, run):
    person = UserFactory()
    lab_role_grant(lab=lab, user=person, role=LabRole.Role.MANAGER)
    lab_role_grant(lab=other_lab, user=person, role=LabRole.Role.MANAGER)
    CourseRunFactory(course=make_course(other_lab, title="Zweiter Kurs"))
    client.force_login(person)
    html = page(client, "cockpit")
    assert "Sicher online bezahlen" in html and "Zweiter Kurs" in html


# The CMS dashboard


def test_the_cms_dashboard_leads_managers_to_the_overview_and_the_reports(client, clock, manager, lab):
    CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=3))
    client.force_login(manager)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("staff:cockpit") in html
    assert "/berichte/" in html
    assert "2 Punkte zu erledigen" in html


def test_the_cms_dashboard_has_no_overview_panel_for_editors(client, lab):
    from django.contrib.auth.models import Group

    editor = UserFactory(is_staff=True)
    editor.groups.add(*Group.objects.filter(permissions__codename="access_admin"))
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_home"))
    assert reverse("staff:needs_action") not in response.content.decode()
