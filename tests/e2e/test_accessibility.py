"""axe-core on the pages people use, in headless Chromium at phone and desktop width."""

from datetime import timedelta

import pytest

from cms.services import site_structure_ensure
from courses.bookings.services import booking_create, booking_member_add
from courses.bookings.tokens import invitation_token
from courses.models import Attendance
from tests.factories import (
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    UserFactory,
    make_contact,
    make_course,
    make_lab,
    make_manager,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Barrierefrei-2026"


@pytest.fixture
def site():
    site_structure_ensure()
    lab = make_lab(
        "Regionallabor Hameln",
        intro="Mitten in der Altstadt.",
        opening_hours="Dienstag 10:00 bis 18:00 Uhr",
        accessibility="Stufenloser Eingang.",
        contact_email="hameln@example.org",
    )
    course = make_course(lab, title="Smartphone für Einsteiger", body="<p>In Ruhe erklärt.</p>")
    trainer = UserFactory(email="kursleitung@example.org", full_name="Tina Trainer")
    participant = UserFactory(email="teilnahme@example.org", full_name="Erika Mustermann")
    for person in (trainer, participant):
        person.set_password(PASSWORD)
        person.save()
    run = CourseRunFactory(course=course, capacity=8, sessions=3, trainers=[trainer])
    enrolment = EnrolmentFactory(run=run, user=participant)
    AttendanceFactory(session=run.sessions.first(), enrolment=enrolment, status=Attendance.Status.PRESENT)
    # A run meeting today: its attendance sheet is open (a sheet opens a day before its session).
    today = CourseRunFactory(
        course=course, capacity=8, sessions=1, starts_in=timedelta(0), trainers=[trainer]
    )
    EnrolmentFactory(run=today, user=participant)
    session = today.sessions.get()
    full = CourseRunFactory(course=course, capacity=1)
    EnrolmentFactory(run=full)
    contact = make_contact(email="verein@example.org", full_name="Klaus Verein")
    manager = make_manager(lab)
    manager.email = "labor@example.org"
    for person in (contact, manager):
        person.set_password(PASSWORD)
        person.save()
    organisation = contact.organisation_memberships.get().organisation
    booking = booking_create(run=run, organisation=organisation, by=contact, seats=2)
    invited = booking_member_add(booking=booking, by=contact, name="Erna Beispiel", email="erna@example.org")
    return {
        "public": {
            "home": "/",
            "catalogue": "/kurse/",
            "lab": lab.url,
            "course": course.url,
            "enrol": f"/termine/{run.pk}/anmelden/",
            "login": "/konto/einloggen/",
            "signup": "/konto/registrieren/",
            "verify": "/verify/",
            "near": "/kurse/?q=Aerzen",
            "unknown_place": "/kurse/?near=Atlantis",
            "nothing_found": "/kurse/?q=Hamlen",
            "labs": "/labore/",
            "workshops": "/innovationsworkshops/",
            "workshop_request": "/innovationsworkshops/anfrage/",
            "search": "/suche/?q=Smartphone",
            "home_en": "/en/",
            "catalogue_en": "/en/kurse/",
            "course_en": f"/en{course.url}",
            "lab_en": f"/en{lab.url}",
        },
        "participant": {
            "my_courses": "/meine-kurse/",
            "account": "/konto/",
            "account_name": "/konto/name/",
            "account_email": "/konto/e-mail/",
            "account_password": "/konto/passwort/",
        },
        "invitation": {"invitation": f"/einladung/{invitation_token(invited)}/"},
        "contact": {
            "book": f"/termine/{run.pk}/buchen/",
            "my_bookings": "/meine-buchungen/",
            "booking": f"/meine-buchungen/{booking.pk}/",
        },
        "manager": {
            "roster": f"/team/termine/{run.pk}/",
            "remove": f"/team/termine/{run.pk}/anmeldungen/{enrolment.pk}/abmelden/",
            "cancel_run": f"/team/termine/{run.pk}/absagen/",
        },
        "trainer": {
            "dashboard": "/kursleitung/",
            "attendance": f"/kursleitung/treffen/{session.pk}/anwesenheit/",
            "close": f"/kursleitung/termine/{run.pk}/abschliessen/",
        },
    }


def serious_violations(browser, base_url: str, paths: dict[str, str], login: str | None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for width in (375, 1280):
        context = browser.new_context(
            base_url=base_url, viewport={"width": width, "height": 800}, locale="de-DE"
        )
        page = context.new_page()
        if login:
            page.goto("/konto/einloggen/")
            page.get_by_label("E-Mail-Adresse").fill(login)
            page.get_by_label("Passwort").fill(PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
        for name, path in paths.items():
            response = page.goto(path)
            assert response.ok and page.url.endswith(path), f"{name}: {response.status} {page.url}"
            for violation in Axe().run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]]
                    found.append(f"{name} at {width}px: {violation['id']} ({violation['impact']}) {targets}")
        context.close()
    return found


@pytest.mark.parametrize(
    ("audience", "login"),
    [
        ("public", None),
        ("invitation", None),
        ("participant", "teilnahme@example.org"),
        ("trainer", "kursleitung@example.org"),
        ("contact", "verein@example.org"),
        ("manager", "labor@example.org"),
    ],
)
def test_pages_have_no_serious_accessibility_violations(browser, live_server, site, audience, login):
    assert serious_violations(browser, live_server.url, site[audience], login) == []
