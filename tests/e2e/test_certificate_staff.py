"""The verification page and the lab managers' certificate pages in headless Chromium: axe at phone and
desktop width, and the in-browser check of a PDF against the SHA-256 shown."""

from datetime import timedelta

import pytest

from certificates.services import certificate_issue, certificate_reissue
from cms.services import site_structure_ensure
from courses.models import Enrolment
from tests.e2e.test_accessibility import PASSWORD, serious_violations
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    UserFactory,
    make_course,
    make_lab,
    make_manager,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def certificates():
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln")
    run = CourseRunFactory(
        course=make_course(lab, title="Sicher online bezahlen", level=2),
        sessions=2,
        starts_in=-timedelta(days=21),
    )
    manager = make_manager(lab)
    manager.email = "labor@example.org"
    manager.set_password(PASSWORD)
    manager.save()
    valid = certificate_issue(
        enrolment=EnrolmentFactory(
            run=run,
            user=UserFactory(full_name="Hannelore Schmidt"),
            status=Enrolment.Status.COMPLETED,
        )
    )
    replaced = certificate_issue(
        enrolment=EnrolmentFactory(
            run=run, user=UserFactory(full_name="Bernd Mueller"), status=Enrolment.Status.COMPLETED
        )
    )
    certificate_reissue(
        certificate=replaced, by=manager, reason="Name falsch geschrieben", participant_name="Bernd Müller"
    )
    return {"run": run, "valid": valid, "replaced": replaced}


def test_verification_pages_have_no_serious_accessibility_violations(browser, live_server, certificates):
    paths = {
        "valid": f"/verify/{certificates['valid'].code}/",
        "replaced": f"/verify/{certificates['replaced'].code}/",
    }
    assert serious_violations(browser, live_server.url, paths, None) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_the_not_found_page_has_no_serious_accessibility_violations(browser, live_server, width):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}, locale="de-DE"
    )
    page = context.new_page()
    response = page.goto("/verify/ABCDEFGHJKMN/")
    violations = [
        violation["id"]
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    context.close()
    assert response.status == 404
    assert violations == []


def test_staff_certificate_pages_have_no_serious_accessibility_violations(browser, live_server, certificates):
    code = certificates["valid"].code
    paths = {
        "list": "/team/zertifikate/",
        "search": "/team/zertifikate/?q=Schmidt",
        "detail": f"/team/zertifikate/{code}/",
        "replaced_detail": f"/team/zertifikate/{certificates['replaced'].code}/",
        "revoke": f"/team/zertifikate/{code}/widerrufen/",
        "reissue": f"/team/zertifikate/{code}/neu-ausstellen/",
        "roster": f"/team/termine/{certificates['run'].pk}/",
    }
    assert serious_violations(browser, live_server.url, paths, "labor@example.org") == []


def test_the_browser_checks_a_pdf_against_the_sha256_without_uploading_it(
    phone, certificates, tmp_path, settings
):
    certificate = certificates["valid"]
    stored = certificate.files.get()
    genuine = tmp_path / "zertifikat.pdf"
    genuine.write_bytes((settings.PRIVATE_STORAGE_ROOT / stored.path).read_bytes())
    forged = tmp_path / "anders.pdf"
    forged.write_bytes(genuine.read_bytes() + b"\n%")
    uploads = []
    phone.on("request", lambda request: uploads.append(request) if request.method == "POST" else None)

    phone.goto(f"/verify/{certificate.code}/")
    result = phone.locator("[data-verify-result]")
    phone.get_by_label("PDF-Datei auswählen").set_input_files(str(genuine))
    phone.wait_for_function("document.querySelector('[data-verify-result]').textContent.startsWith('Passt')")
    assert result.inner_text() == "Passt: Die Datei ist unverändert. Es ist die PDF-Datei auf Deutsch."

    phone.get_by_label("PDF-Datei auswählen").set_input_files(str(forged))
    phone.wait_for_function(
        "document.querySelector('[data-verify-result]').textContent.startsWith('Passt nicht')"
    )
    assert uploads == []


def test_without_javascript_the_page_explains_the_check_and_hides_the_file_field(
    browser, live_server, certificates
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"/verify/{certificates['valid'].code}/")

    assert page.get_by_text("sha256sum").is_visible()
    assert not page.get_by_label("PDF-Datei auswählen").is_visible()
    context.close()
