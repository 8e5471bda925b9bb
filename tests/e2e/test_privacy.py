"""A person downloads their data and deletes their account on a 375 px phone, in headless Chromium, and
the pages on the way have no serious accessibility violations (axe-core)."""

import json

import pytest
from django.utils import timezone

from accounts.models import User
from cms.services import site_structure_ensure
from courses.models import Enrolment
from tests.e2e.test_accessibility import PASSWORD as ACCESSIBILITY_PASSWORD
from tests.e2e.test_accessibility import serious_violations
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Datenschutz-2026"
EMAIL = "erika@example.org"


@pytest.fixture
def person():
    site_structure_ensure()
    user = UserFactory(email=EMAIL, full_name="Erika Mustermann", email_confirmed_at=timezone.now())
    user.set_password(PASSWORD)
    user.save()
    run = CourseRunFactory(capacity=1)
    EnrolmentFactory(run=run, user=user)
    waiting = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, confirmed_at=None)
    return user, waiting


def test_a_person_downloads_their_data_and_deletes_their_account_on_a_phone(phone, person, tmp_path):
    user, waiting = person
    page = phone
    page.goto("/konto/einloggen/")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto("/konto/")
    page.get_by_role("link", name="Meine Daten").click()
    assert page.get_by_role("heading", name="Meine Daten", level=1).is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als JSON-Datei herunterladen").click()
    path = tmp_path / "meine-daten.json"
    download_info.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    pdf = tmp_path / "meine-daten.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.screenshot(path="/tmp/h/privacy-my-data-375.png", full_page=True)

    page.get_by_role("link", name="Konto löschen").last.click()
    assert page.get_by_role("heading", name="Konto löschen", level=1).is_visible()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_label("Ihr Passwort").fill(PASSWORD)
    page.screenshot(path="/tmp/h/privacy-erase-confirm-375.png", full_page=True)
    page.get_by_role("button", name="Konto endgültig löschen").click()
    assert page.get_by_role("heading", name="Ihr Konto ist gelöscht").is_visible()
    page.screenshot(path="/tmp/h/privacy-erased-375.png", full_page=True)
    # No page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    user.refresh_from_db()
    waiting.refresh_from_db()
    assert user.erased_at is not None and user.full_name == ""
    assert waiting.status == Enrolment.Status.CONFIRMED
    assert not User.objects.filter(email=EMAIL).exists()


def test_the_privacy_pages_have_no_serious_accessibility_violations(browser, live_server, person):
    paths = {
        "account": "/konto/",
        "my_data": "/konto/meine-daten/",
        "erase": "/konto/loeschen/",
        "confirm": "/konto/loeschen/bestaetigen/",
    }
    # The helper logs in with the accessibility tests' password.
    user, _waiting = person
    user.set_password(ACCESSIBILITY_PASSWORD)
    user.save()
    found = serious_violations(browser, live_server.url, paths, login=EMAIL)
    assert found == []
