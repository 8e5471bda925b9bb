"""The lab managers' overview, week plan, to-do list and log in headless Chromium: no serious axe-core
findings at phone and desktop width, and nothing scrolls sideways on a 320 px phone."""

from datetime import timedelta

import pytest

from accounts.audit import Action, audit_record
from cms.services import site_structure_ensure
from tests.e2e.test_accessibility import PASSWORD, serious_violations
from tests.e2e.test_reflow import ELEMENTS_OUTSIDE
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    RoomFactory,
    UserFactory,
    make_course,
    make_lab,
    make_manager,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MANAGER = "labor@example.org"


@pytest.fixture
def site():
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln")
    manager = make_manager(lab)
    manager.email, manager.full_name = MANAGER, "Lena Laborleitung"
    manager.set_password(PASSWORD)
    manager.save()
    room = RoomFactory(lab=lab, name="Werkstatt im Erdgeschoss")
    trainer = UserFactory(full_name="Tina Trainerin mit einem sehr langen Doppelnamen")
    for days, title in ((1, "Smartphone für Einsteigerinnen und Einsteiger"), (3, "Sicher online bezahlen")):
        run = CourseRunFactory(
            course=make_course(lab, title=title),
            room=room,
            starts_in=timedelta(days=days),
            trainers=[trainer],
        )
        EnrolmentFactory(run=run)
    CourseRunFactory(
        course=make_course(lab, title="Ohne Kursleitung"), starts_in=timedelta(days=2), sessions=1
    )
    CourseRunFactory(
        course=make_course(lab, title="Fotos bearbeiten"), starts_in=-timedelta(days=9), sessions=1
    )
    audit_record(
        actor=manager,
        action=Action.RUN_CANCELLED,
        summary="Kurstermin Nr. 1 (Fotos) abgesagt.",
        lab_id=lab.pk,
    )
    return {
        "cockpit": "/team/",
        "week": "/team/wochenplan/",
        "needs_action": "/team/zu-erledigen/",
        "protokoll": "/team/protokoll/",
    }


def test_the_cockpit_pages_have_no_serious_accessibility_violations(browser, live_server, site):
    assert serious_violations(browser, live_server.url, site, MANAGER) == []


def test_the_cockpit_pages_do_not_scroll_sideways_on_a_small_phone(browser, live_server, site):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 320, "height": 740},
        locale="de-DE",
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.goto("/konto/einloggen/")
    page.locator("main form input[type=email]").fill(MANAGER)
    page.locator("main form input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    found = []
    for name, path in site.items():
        response = page.goto(path)
        assert response.status == 200, f"{name}: {response.status} at {page.url}"
        result = page.evaluate(ELEMENTS_OUTSIDE)
        if result["scrollWidth"] > result["innerWidth"]:
            found.append(f"{name}: {result['scrollWidth']} px wide in {result['innerWidth']} px")
        found.extend(f"{name}: {element}" for element in result["outside"][:5])
    context.close()
    assert found == []
