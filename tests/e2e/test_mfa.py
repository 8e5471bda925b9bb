"""Two-factor login in the browser: a trainer sets up the authenticator, keeps the recovery codes, reaches the
trainer's pages, and logs in a second time with a recovery code; axe finds nothing serious on the way."""

from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.test_accessibility import PASSWORD
from tests.factories import CourseRunFactory, UserFactory, make_course, make_lab

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMAIL = "kursleitung@example.org"


@pytest.fixture
def trainer(settings):
    settings.MFA_REQUIRED = True
    course = make_course(make_lab("Regionallabor Hameln"), title="Smartphone für Einsteiger")
    person = UserFactory(email=EMAIL, full_name="Tina Trainer")
    person.set_password(PASSWORD)
    person.save()
    CourseRunFactory(course=course, sessions=1, starts_in=timedelta(days=2), trainers=[person])
    return person


def serious(page, name: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{name}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page, next_url: str = "/kursleitung/"):
    page.goto(f"/konto/einloggen/?next={next_url}")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_trainer_sets_up_two_factor_and_later_uses_a_recovery_code(phone, trainer):
    page, found = phone, []
    log_in(page)
    assert "/konto/zwei-faktor/einrichten/" in page.url
    assert page.locator(".mfa-qr svg").is_visible()
    found += serious(page, "setup")
    page.screenshot(path="/tmp/h/mfa-setup-375.png", full_page=True)

    device = TOTPDevice.objects.get(user=trainer)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code aus der App").fill(f"{code:06d}")
    page.get_by_role("button", name="Einrichten").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ihre Wiederherstellungscodes").is_visible()
    codes = page.locator(".mfa-codes code").all_inner_texts()
    assert len(codes) == 10
    assert page.get_by_role("button", name="Codes drucken").is_visible()
    found += serious(page, "recovery codes")
    page.screenshot(path="/tmp/h/mfa-codes-375.png", full_page=True)

    page.get_by_role("button", name="Ich habe die Codes gesichert").click()
    page.wait_for_load_state()
    assert page.url.endswith("/kursleitung/")

    page.goto("/konto/ausloggen/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    log_in(page)
    assert "/konto/zwei-faktor/" in page.url
    found += serious(page, "verify")
    page.get_by_label("Code").fill("999999")
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_load_state()
    assert "stimmt nicht" in page.locator("main").inner_text()
    found += serious(page, "verify with error")
    page.screenshot(path="/tmp/h/mfa-verify-error-375.png", full_page=True)

    page.wait_for_timeout(1100)  # the device waits a second after a wrong code
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_load_state()
    assert page.url.endswith("/kursleitung/")
    assert "Wiederherstellungscode benutzt" in page.locator("main").inner_text()

    page.goto("/konto/zwei-faktor/verwalten/")
    assert "noch 9 unbenutzte Codes" in page.locator("main").inner_text()
    found += serious(page, "manage")
    assert found == []
