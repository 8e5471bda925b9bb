import pytest
from django.urls import reverse

from certificates.models import CertificateFile
from certificates.services import certificate_revoke
from tests.factories import LabRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _pdf_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_valid_certificate_is_confirmed_with_name_course_and_lab(client, certificate):
    response = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Dieses Zertifikat ist echt und gültig." in text
    assert "Hannelore Schmidt" in text
    assert "Sicher online bezahlen" in text
    assert certificate.lab_name in text
    assert certificate.display_code in text


def test_typed_code_in_lower_case_with_dashes_is_found(client, certificate):
    response = client.get(f"/verify/{certificate.display_code.lower()}/")
    assert response.status_code == 200
    assert "echt und gültig" in response.content.decode()


def test_revoked_certificate_says_so_with_reason(client, certificate):
    certificate_revoke(
        certificate=certificate, by=UserFactory(is_superuser=True), reason="Anwesenheit falsch"
    )
    response = client.get(reverse("certificates:verify", args=[certificate.code]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Widerrufen" in text
    assert "Anwesenheit falsch" in text
    assert "echt und gültig" not in text


def test_unknown_code_answers_404_page_that_says_so(client, certificate):
    response = client.get("/verify/ABCDEFGHJKMN/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Zu diesem Prüfcode gibt es kein Zertifikat." in text
    assert 'name="code"' in text


@pytest.mark.parametrize("garbage", ["%3Cscript%3E", "%00", "x" * 300, "%C3%A4%C3%B6", "1OIL0", "'--"])
def test_garbage_code_answers_the_not_found_page_with_the_form(client, garbage):
    response = client.get(f"/verify/{garbage}/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "kein Zertifikat" in text
    assert 'name="code"' in text
    assert "<script>" not in text


def test_form_redirects_to_the_result(client, certificate):
    response = client.get(reverse("certificates:verify_form"), {"code": certificate.display_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[certificate.code])


def test_form_explains_a_malformed_code(client):
    response = client.get(reverse("certificates:verify_form"), {"code": "123"})
    assert response.status_code == 200
    assert "12 Buchstaben und Ziffern" in response.content.decode()


def test_empty_form_is_shown(client):
    response = client.get(reverse("certificates:verify_form"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_owner_downloads_the_pdf_in_the_certificates_language_by_default(client, certificate):
    client.force_login(certificate.enrolment.user)
    response = client.get(reverse("certificates:pdf", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="Zertifikat-{certificate.display_code}-de.pdf"' in response["Content-Disposition"]
    assert _pdf_bytes(response).startswith(b"%PDF")


def test_owner_downloads_the_pdf_in_english_when_asked(client, certificate):
    client.force_login(certificate.enrolment.user)
    response = client.get(reverse("certificates:pdf", args=[certificate.code]), {"lang": "en"})
    assert response.status_code == 200
    assert f'filename="Zertifikat-{certificate.display_code}-en.pdf"' in response["Content-Disposition"]
    assert _pdf_bytes(response).startswith(b"%PDF")
    assert CertificateFile.objects.filter(certificate=certificate, language="en").exists()


@pytest.mark.parametrize("asked", ["xx", "", "EN-gb", "../de", "%00"])
def test_an_unknown_language_gives_the_certificates_own(client, certificate, asked):
    certificate.language = "en"
    certificate.save(update_fields=["language"])
    client.force_login(certificate.enrolment.user)
    response = client.get(reverse("certificates:pdf", args=[certificate.code]) + f"?lang={asked}")
    assert response.status_code == 200
    assert f"-{certificate.display_code}-en.pdf" in response["Content-Disposition"]
    assert _pdf_bytes(response).startswith(b"%PDF")


def test_lab_manager_and_superuser_download_the_pdf(client, certificate):
    manager = LabRoleFactory(lab=certificate.enrolment.run.lab).user
    for person in (manager, UserFactory(is_superuser=True)):
        client.force_login(person)
        response = client.get(reverse("certificates:pdf", args=[certificate.code]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert _pdf_bytes(response).startswith(b"%PDF")


def test_the_runs_trainer_downloads_the_pdf(client, certificate):
    trainer = UserFactory()
    certificate.enrolment.run.trainers.add(trainer)
    client.force_login(trainer)
    response = client.get(reverse("certificates:pdf", args=[certificate.code]), {"lang": "en"})
    assert response.status_code == 200
    assert _pdf_bytes(response).startswith(b"%PDF")


def test_others_get_404_for_the_pdf(client, certificate):
    url = reverse("certificates:pdf", args=[certificate.code])
    for person in (None, UserFactory(), LabRoleFactory().user):
        if person:
            client.force_login(person)
        response = client.get(url, {"lang": "en"})
        assert response.status_code == 404
        assert response["Content-Type"] != "application/pdf"
        assert "Hannelore Schmidt" not in response.content.decode()
    assert not CertificateFile.objects.filter(certificate=certificate, language="en").exists()


def test_missing_pdf_is_rendered_on_demand(client, certificate, settings):
    stored = certificate.files.get()
    (settings.PRIVATE_STORAGE_ROOT / stored.path).unlink()
    client.force_login(certificate.enrolment.user)
    response = client.get(reverse("certificates:pdf", args=[certificate.code]))
    assert response.status_code == 200
    assert _pdf_bytes(response).startswith(b"%PDF")


@pytest.mark.parametrize("code", ["ABCDEFGHJKMN", "nonsense", "x" * 200])
def test_unknown_pdf_is_404(client, code):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(f"/zertifikate/{code}.pdf").status_code == 404
