"""The Kompetenzpass in headless Chromium: no serious axe findings at phone and desktop width, and the PDF
downloads from its link."""

from datetime import timedelta

import pytest

from courses.models import Competence, Enrolment
from tests.e2e.test_accessibility import PASSWORD, serious_violations
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab, moment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = "/kompetenzpass/"


def _course(lab, title, codes, level):
    course = make_course(lab, title=title, level=level)
    course.competences.set(Competence.objects.filter(code__in=codes))
    course.save()
    return course


def _person(email: str):
    person = UserFactory(email=email, full_name="Erika Mustermann")
    person.set_password(PASSWORD)
    person.save()
    return person


@pytest.fixture
def passport_site():
    """One person who completed three courses and one who completed none; upcoming courses close gaps."""
    lab = make_lab("Regionallabor Hameln")
    person = _person("pass@example.org")
    _person("neu@example.org")
    done = [
        ("Fotos ordnen und teilen", ["1.3", "2.2"], 1),
        ("Sicher online bezahlen", ["4.1", "4.2"], 2),
        ("3D-Druck für Einsteiger", ["3.1", "5.3"], 2),
    ]
    for title, codes, level in done:
        run = CourseRunFactory(course=_course(lab, title, codes, level), starts_in=-timedelta(days=30))
        EnrolmentFactory(run=run, user=person, status=Enrolment.Status.COMPLETED, completed_at=moment())
    upcoming = [
        ("Datenschutz vertieft", ["4.2", "4.3"], 3),
        ("Videotelefonie mit der Familie", ["2.1", "2.4"], 1),
    ]
    for title, codes, level in upcoming:
        CourseRunFactory(course=_course(lab, title, codes, level), starts_in=timedelta(days=7))


@pytest.mark.parametrize("login", ["pass@example.org", "neu@example.org"])
def test_passport_has_no_serious_accessibility_violations(browser, live_server, passport_site, login):
    assert serious_violations(browser, live_server.url, {"passport": URL}, login) == []


def test_passport_pdf_downloads_from_the_page(phone, passport_site):
    phone.goto("/konto/einloggen/")
    phone.get_by_label("E-Mail-Adresse").fill("pass@example.org")
    phone.get_by_label("Passwort").fill(PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    phone.goto(URL)
    assert phone.get_by_text("Sie haben 6 von 21 Kompetenzen erreicht.").is_visible()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Als PDF herunterladen").click()
    assert download.value.suggested_filename == "Kompetenzpass.pdf"
