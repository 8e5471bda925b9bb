from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.templatetags.courses_tags import long_date
from tests.factories import CourseRunFactory, EnrolmentFactory, make_course, make_lab

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab():
    return make_lab(
        "Regionallabor Hameln",
        intro="Mitten in der Altstadt.",
        opening_hours="Dienstag 10:00 bis 18:00 Uhr",
        accessibility="Stufenloser Eingang und Aufzug.",
        contact_email="hameln@example.org",
        contact_phone="05151 123 45",
    )


def test_lab_page_shows_address_hours_accessibility_and_contact(client, lab):
    html = client.get(lab.url).content.decode()
    assert "<h1>Regionallabor Hameln</h1>" in html
    assert "Am Markt 1" in html and "31785 Hameln" in html
    assert "Dienstag 10:00 bis 18:00 Uhr" in html
    assert "Stufenloser Eingang und Aufzug." in html
    assert 'href="mailto:hameln@example.org"' in html
    assert 'href="tel:0515112345"' in html


def test_lab_page_lists_upcoming_runs_with_first_session_and_seats(client, lab):
    run = CourseRunFactory(course=make_course(lab, title="Smartphone für Einsteiger"), capacity=4)
    EnrolmentFactory(run=run)
    start = timezone.localtime(run.sessions.order_by("start").first().start)
    html = client.get(lab.url).content.decode()
    assert "Smartphone für Einsteiger" in html
    assert f"{long_date(start)}, 18:00 bis 20:00 Uhr" in html
    assert "Noch 3 Plätze frei" in html
    assert f"#termin-{run.pk}" in html


def test_lab_page_leaves_out_runs_of_other_labs_and_past_runs(client, lab):
    CourseRunFactory(course=make_course(make_lab("Anderes Labor"), title="Anderswo"))
    CourseRunFactory(course=make_course(lab, title="Vorbei"), starts_in=timedelta(days=-30), sessions=1)
    html = client.get(lab.url).content.decode()
    assert "Anderswo" not in html
    assert "Vorbei" not in html
    assert "Zurzeit sind hier keine Kurse geplant." in html


def test_lab_page_links_its_calendar_feed(client, lab):
    assert f'href="/calendar/labs/{lab.slug}.ics"' in client.get(lab.url).content.decode()


def test_lab_page_query_count_does_not_grow_with_runs(client, lab):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(lab.url).status_code == 200
        return len(captured)

    course = make_course(lab)
    CourseRunFactory(course=course)
    client.get(lab.url)
    one = queries()
    for _ in range(6):
        EnrolmentFactory(run=CourseRunFactory(course=make_course(lab), sessions=4))
    assert queries() == one
