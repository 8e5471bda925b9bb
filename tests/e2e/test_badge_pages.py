"""The badge pages in headless Chromium: no serious axe findings at phone and desktop width, for a visitor
and for the holder (who sees the name choice, the link to share and the download)."""

from datetime import timedelta

import pytest

from courses.badges.services import badge_award, badge_class_for_course
from courses.models import Competence, Enrolment
from tests.e2e.test_accessibility import PASSWORD, serious_violations
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab, moment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def badge_paths():
    lab = make_lab("Regionallabor Hameln")
    course = make_course(lab, title="Sicher online bezahlen")
    course.competences.set(Competence.objects.filter(code__in=["2.1", "4.2"]))
    holder = UserFactory(email="teilnahme@example.org", full_name="Erika Mustermann")
    holder.set_password(PASSWORD)
    holder.save()
    run = CourseRunFactory(course=course, sessions=2, starts_in=-timedelta(days=20))
    enrolment = EnrolmentFactory(
        run=run, user=holder, status=Enrolment.Status.COMPLETED, completed_at=moment()
    )
    assertion = badge_award(enrolment=enrolment, badge_class=badge_class_for_course(course=course))
    return {"index": "/badges/", "assertion": f"/badges/assertions/{assertion.uuid}/"}


def test_badge_pages_have_no_serious_accessibility_violations(browser, live_server, badge_paths):
    assert serious_violations(browser, live_server.url, badge_paths, login=None) == []


def test_holders_badge_page_has_no_serious_accessibility_violations(browser, live_server, badge_paths):
    paths = {"assertion (holder)": badge_paths["assertion"]}
    assert serious_violations(browser, live_server.url, paths, login="teilnahme@example.org") == []


def test_holder_shows_their_name_with_one_tap(phone, badge_paths):
    page = phone
    page.goto("/konto/einloggen/")
    page.get_by_label("E-Mail-Adresse").fill("teilnahme@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(badge_paths["assertion"])
    assert "Erika Mustermann" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Meinen Namen auf dieser Seite zeigen").click()
    page.wait_for_load_state()
    assert "Verliehen an Erika Mustermann" in page.locator("main").inner_text()
