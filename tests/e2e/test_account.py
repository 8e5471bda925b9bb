"""Mein Konto in headless Chromium: no serious axe findings at phone and desktop width, no sideways scrolling
at 320 px, and a name changed on a phone shows on the overview."""

import pytest

from tests.e2e.test_accessibility import PASSWORD, serious_violations
from tests.factories import UserFactory, home_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = {
    "account": "/konto/",
    "name": "/konto/name/",
    "email": "/konto/e-mail/",
    "password": "/konto/passwort/",
}


@pytest.fixture
def person():
    home_page()  # the site, whose settings the footer shows
    person = UserFactory(email="konto@example.org", full_name="Erika Mustermann")
    person.set_password(PASSWORD)
    person.save()
    return person


def _log_in(page):
    page.goto("/konto/einloggen/?next=/konto/")
    page.get_by_label("E-Mail-Adresse").fill("konto@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/konto/")


def test_account_pages_have_no_serious_accessibility_violations(browser, live_server, person):
    assert serious_violations(browser, live_server.url, PAGES, "konto@example.org") == []


def test_account_pages_do_not_scroll_sideways_at_320_px(browser, live_server, person):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, locale="de-DE"
    )
    page = context.new_page()
    _log_in(page)
    for path in PAGES.values():
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_a_name_changed_on_a_phone_shows_on_the_overview(phone, person):
    _log_in(phone)
    phone.get_by_role("link", name="Namen ändern").click()
    phone.get_by_label("Ihr Name").fill("")
    phone.get_by_role("button", name="Namen speichern").click()
    assert phone.get_by_text("Bitte geben Sie Ihren Namen an.").first.is_visible()
    phone.get_by_label("Ihr Name").fill("Erika Musterfrau")
    phone.get_by_role("button", name="Namen speichern").click()
    phone.wait_for_url("**/konto/")
    assert phone.get_by_text("Ihr Name ist geändert.").is_visible()
    assert phone.locator(".account-facts__value").first.inner_text() == "Erika Musterfrau"
