"""A new visitor on a small phone (375 x 667): from the home page to a confirmed seat in at most four page
loads and six filled fields, account included, with each step's main action on the first screen; a failed
submit answered the GOV.UK way (error summary focused, "Fehler:" in the title, links to the fields); axe finds
nothing serious on the way, at phone and desktop width."""

import re

import pytest
from django.core import mail

from accounts.models import User
from cms.services import site_structure_ensure
from courses.models import Enrolment
from tests.factories import CourseRunFactory, make_course, make_lab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREEN = {"width": 375, "height": 667}
PASSWORD = "Kurs-Passwort-2026"


@pytest.fixture
def small_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=SCREEN, locale="de-DE", timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.fixture
def offer():
    """A course with one date (enrolment right on its page) and one with two dates, both in Hameln."""
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln", municipality="hameln")
    single = make_course(
        lab,
        title="Smartphone-Grundlagen",
        body="<p>Wir zeigen Ihnen Schritt für Schritt, wie Sie anrufen, schreiben und Fotos machen.</p>",
    )
    single_run = CourseRunFactory(course=single, capacity=8, sessions=2)
    several = make_course(lab, title="Sicher im Internet")
    CourseRunFactory(course=several, capacity=8, sessions=1)
    CourseRunFactory(course=several, capacity=8, sessions=1, title="Abendkurs")
    return {"course": single, "run": single_run}


class Journey:
    """Counts the page loads of one browser tab and the form fields the person fills in."""

    def __init__(self, page):
        self.page = page
        self.loads = 0
        self.fields = set()
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def fill(self, label: str, value: str):
        field = self.page.get_by_label(label, exact=True)
        field.fill(value)
        self.fields.add(field.get_attribute("name"))

    def check(self, label: str):
        field = self.page.get_by_label(label)
        field.check()
        self.fields.add(field.get_attribute("name"))


def on_first_screen(locator) -> bool:
    locator.wait_for()
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"]


def serious_violations(page, step: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{step}: {violation['id']} ({violation['impact']}) {[node['target'] for node in violation['nodes']]}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_new_visitor_enrols_from_the_home_page_in_four_page_loads(small_phone, offer):
    page = small_phone
    journey = Journey(page)
    found = []

    # 1. Home: what and where, and the button, on the first screen.
    page.goto("/")
    search = page.get_by_role("button", name="Kurse anzeigen")
    assert on_first_screen(search)
    found += serious_violations(page, "home")
    journey.fill("Was möchten Sie lernen?", "Smartphone")
    journey.fill("Wo?", "Hameln")
    search.click()

    # 2. Results: the filters fold away and the first result is on the first screen; a course with one date
    # also offers its enrolment straight from the card.
    page.get_by_role("heading", name=re.compile("gefunden")).wait_for()
    first = page.locator(".course-card").first
    assert on_first_screen(first.get_by_role("link", name="Smartphone-Grundlagen", exact=True))
    assert first.get_by_role("link", name=re.compile("^Anmelden")).is_visible()
    assert not page.get_by_label("Was möchten Sie lernen?").is_visible()
    found += serious_violations(page, "results")
    first.get_by_role("link", name="Smartphone-Grundlagen", exact=True).click()

    # 3. The course page: the date and the enrolment button before the description; the form on the same page.
    page.get_by_role("heading", level=1, name="Smartphone-Grundlagen").wait_for()
    enrol = page.get_by_role("link", name="Jetzt anmelden")
    assert on_first_screen(enrol)
    body = page.locator("main").inner_text()
    assert body.index("Termine und Anmeldung") < body.index("Wir zeigen Ihnen Schritt für Schritt")
    found += serious_violations(page, "course page")
    enrol.click()  # moves down to the form on the same page: no page load
    assert on_first_screen(page.get_by_label("Ihr Name"))
    journey.fill("Ihr Name", "Erika Mustermann")
    journey.fill("E-Mail-Adresse", "erika@example.org")
    journey.fill("Passwort", PASSWORD)
    journey.check("Ich habe die Hinweise zum Datenschutz gelesen und bin einverstanden.")
    page.get_by_role("button", name="Verbindlich anmelden").click()

    # 4. Confirmed, with the calendar button on the first screen.
    page.get_by_role("heading", level=1, name="Sie sind angemeldet").wait_for()
    assert on_first_screen(page.get_by_role("link", name=re.compile("Termine in den Kalender")))
    found += serious_violations(page, "confirmation")

    assert journey.loads <= 4, journey.loads
    assert len(journey.fields) <= 6, journey.fields
    erika = User.objects.get(email="erika@example.org")
    assert Enrolment.objects.get(user=erika).run == offer["run"]
    assert any(message.to == ["erika@example.org"] for message in mail.outbox)
    assert found == []


def test_straight_from_the_result_to_the_enrolment_page_and_errors_the_gov_uk_way(small_phone, offer):
    page = small_phone
    journey = Journey(page)
    page.goto("/kurse/?q=Smartphone")
    page.locator(".course-card").first.get_by_role("link", name=re.compile("^Anmelden")).click()

    # The enrolment page: the run in short, then the form; its first field on the first screen.
    page.get_by_text("Ihre Angaben").wait_for()
    assert on_first_screen(page.get_by_label("Ihr Name"))
    assert not page.title().startswith("Fehler")

    # A failed submit: the summary at the top has the focus, the title says so, each link leads to its field.
    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika-at-example")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.title().startswith("Fehler: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert on_first_screen(summary.get_by_role("heading", name="Es gibt ein Problem"))
    assert summary.get_by_role("link").count() == 3
    assert serious_violations(page, "enrolment page with errors") == []
    summary.get_by_role("link", name=re.compile("Passwort")).click()
    assert page.evaluate("document.activeElement.id") == "id_password"
    assert page.get_by_text("Passwort", exact=True).first.is_visible()

    # Corrected, the same form enrols.
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_label("Ich habe die Hinweise zum Datenschutz gelesen und bin einverstanden.").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.get_by_role("heading", level=1, name="Sie sind angemeldet").wait_for()
    # Results, enrolment page, the page with errors, the confirmation.
    assert journey.loads == 4
    assert Enrolment.objects.filter(user__email="erika@example.org", run=offer["run"]).exists()


def test_journey_pages_have_no_serious_accessibility_violations_on_a_desktop(desktop, offer):
    page = desktop
    found = []
    for step, path in (
        ("home", "/"),
        ("results", "/kurse/?q=Smartphone&near=Hameln"),
        ("course page", offer["course"].url),
        ("results with several dates", "/kurse/?q=Internet"),
        ("enrolment page", f"/termine/{offer['run'].pk}/anmelden/"),
    ):
        page.goto(path)
        found += serious_violations(page, step)
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.locator(".error-summary").wait_for()
    found += serious_violations(page, "enrolment page with errors")
    assert found == []
