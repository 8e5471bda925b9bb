from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Competence, Enrolment, Session
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab, moment

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def course():
    course = make_course(
        make_lab("Regionallabor Hameln"),
        title="Smartphone für Einsteiger",
        body="<p>Wir zeigen es Ihnen in Ruhe.</p>",
        audience="citizens",
        level=2,
        prerequisites="Ein eigenes Smartphone.",
        bring_along="Das geladene Smartphone.",
        price="5 Euro",
    )
    course.competences.add(Competence.objects.get(code="2.1"))
    course.save()
    return course


def test_course_page_shows_the_offer(client, course):
    html = client.get(course.url).content.decode()
    assert "<h1>Smartphone für Einsteiger</h1>" in html
    assert "Smartphone für Einsteiger in einfachen Schritten." in html
    assert "Wir zeigen es Ihnen in Ruhe." in html
    assert "Bürgerinnen und Bürger" in html
    assert "Grundlagen (Stufe 2)" in html
    assert "2.1 " in html
    assert "Ein eigenes Smartphone." in html
    assert "Das geladene Smartphone." in html
    assert "5 Euro" in html
    assert "Regionallabor Hameln" in html


def test_sessions_are_written_out(client, course):
    run = CourseRunFactory(course=course, sessions=0)
    start = datetime(2099, 12, 8, 18, 0, tzinfo=BERLIN)
    Session.objects.create(run=run, start=start, end=start + timedelta(hours=2))
    html = client.get(course.url).content.decode()
    assert "Dienstag, 8. Dezember 2099, 18:00 bis 20:00 Uhr" in html


def test_sessions_keep_their_time_of_day_across_the_change_to_summer_time(client, course, clock):
    clock.move_to(datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN))
    CourseRunFactory(course=course, sessions=2, starts_in=timedelta(days=4))
    html = client.get(course.url).content.decode()
    assert "Freitag, 26. März 2027, 18:00 bis 20:00 Uhr" in html
    assert "Freitag, 2. April 2027, 18:00 bis 20:00 Uhr" in html


def test_run_shows_place_seats_button_and_calendar_link(client, course):
    run = CourseRunFactory(
        course=course, capacity=5, venue_name="Dorfgemeinschaftshaus", venue_address="Dorfstr. 1"
    )
    EnrolmentFactory(run=run)
    EnrolmentFactory(run=run)
    html = client.get(course.url).content.decode()
    assert "Dorfgemeinschaftshaus, Dorfstr. 1" in html
    assert "Noch 3 Plätze frei" in html
    # A single date: the button leads to the enrolment form right below, which posts to the run.
    assert 'href="#anmeldung">Jetzt anmelden</a>' in html
    assert f'action="/termine/{run.pk}/anmelden/"' in html
    assert f'href="/calendar/runs/{run.pk}.ics"' in html


def test_run_of_a_course_with_several_dates_links_to_its_enrolment_page(client, course):
    run = CourseRunFactory(course=course)
    CourseRunFactory(course=course, starts_in=timedelta(days=30))
    html = client.get(course.url).content.decode()
    assert f'href="/termine/{run.pk}/anmelden/">Jetzt anmelden</a>' in html
    assert 'name="password"' not in html


def test_one_seat_left_is_singular(client, course):
    CourseRunFactory(course=course, capacity=1)
    assert "Noch 1 Platz frei" in client.get(course.url).content.decode()


def test_full_run_offers_the_waiting_list(client, course):
    run = CourseRunFactory(course=course, capacity=1)
    EnrolmentFactory(run=run)
    html = client.get(course.url).content.decode()
    assert "Ausgebucht – Warteliste möglich" in html
    assert 'href="#anmeldung">Auf die Warteliste</a>' in html
    assert f'action="/termine/{run.pk}/anmelden/"' in html
    assert "Jetzt anmelden" not in html


def test_enrolled_visitor_is_told_instead_of_the_button(client, course):
    user = UserFactory()
    run = CourseRunFactory(course=course)
    other = CourseRunFactory(course=course, starts_in=timedelta(days=30))
    EnrolmentFactory(run=run, user=user)
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert "Sie sind für diesen Termin angemeldet." in html
    assert f'href="/termine/{run.pk}/anmelden/"' not in html
    assert f'href="/termine/{other.pk}/anmelden/"' in html


def test_waitlisted_visitor_sees_their_position(client, course):
    user = UserFactory()
    run = CourseRunFactory(course=course, capacity=1)
    EnrolmentFactory(run=run)
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())
    EnrolmentFactory(
        run=run,
        user=user,
        status=Enrolment.Status.WAITLISTED,
        waitlisted_at=moment(timedelta(seconds=1)),
    )
    client.force_login(user)
    assert "Sie stehen auf der Warteliste (Platz 2)." in client.get(course.url).content.decode()


def test_cancelled_enrolment_shows_the_button_again(client, course):
    user = UserFactory()
    run = CourseRunFactory(course=course)
    EnrolmentFactory(run=run, user=user, status=Enrolment.Status.CANCELLED)
    client.force_login(user)
    assert f'href="/termine/{run.pk}/anmelden/">Jetzt anmelden</a>' in client.get(course.url).content.decode()


def test_run_past_its_deadline_says_enrolment_is_closed(client, course):
    run = CourseRunFactory(course=course, enrolment_closes_at=moment(-timedelta(hours=1)))
    html = client.get(course.url).content.decode()
    assert "Die Anmeldefrist für diesen Termin ist abgelaufen." in html
    assert f"/termine/{run.pk}/anmelden/" not in html


def test_past_and_cancelled_runs_are_not_shown(client, course):
    CourseRunFactory(course=course, starts_in=timedelta(days=-20), sessions=1)
    cancelled = CourseRunFactory(course=course)
    cancelled.status = "cancelled"
    cancelled.save()
    assert "Für diesen Kurs stehen zurzeit keine Termine fest." in client.get(course.url).content.decode()


def test_course_page_query_count_does_not_grow_with_runs_and_sessions(client, course):
    user = UserFactory()
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(course.url).status_code == 200
        return len(captured)

    EnrolmentFactory(run=CourseRunFactory(course=course, sessions=1), user=user)
    client.get(course.url)
    one = queries()
    for i in range(5):
        run = CourseRunFactory(course=course, sessions=4, starts_in=timedelta(days=10 + i))
        EnrolmentFactory(run=run, user=user if i % 2 else UserFactory())
    assert queries() == one
