from datetime import date

import pytest
from django.utils import timezone

from accounts.services import api_token_create
from certificates.models import Certificate, CertificateFile
from courses.models import BadgeAssertion, BadgeClass, Enrolment
from tests.api.conftest import count_queries
from tests.factories import EnrolmentFactory, UserFactory, moment

pytestmark = pytest.mark.django_db


def make_certificate(enrolment=None, code="K7QM3XRT9HVD", **fields) -> Certificate:
    enrolment = enrolment or EnrolmentFactory(status=Enrolment.Status.COMPLETED)
    defaults = {
        "participant_name": enrolment.user.full_name,
        "course_title": enrolment.run.course.title,
        "lab_name": enrolment.run.lab.title,
        "first_session": date(2026, 3, 3),
        "last_session": date(2026, 3, 24),
        "hours": 8,
        "issued_at": moment(),
    }
    return Certificate.objects.create(code=code, enrolment=enrolment, **{**defaults, **fields})


def make_assertion(enrolment=None) -> BadgeAssertion:
    enrolment = enrolment or EnrolmentFactory(status=Enrolment.Status.COMPLETED)
    course = enrolment.run.course
    badge_class, _ = BadgeClass.objects.get_or_create(
        course=course, defaults={"name": course.title, "description": "-", "criteria": "-"}
    )
    return BadgeAssertion.objects.create(
        badge_class=badge_class,
        enrolment=enrolment,
        recipient_hash="sha256$0",
        salt="00",
        issued_on=moment(),
    )


def test_my_certificates_have_display_code_and_absolute_urls(person_api, person):
    certificate = make_certificate(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED))
    make_certificate(code="ZZZZ2222YYYY")

    body = person_api.get("/api/v1/me/certificates/").json()

    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == "K7QM-3XRT-9HVD"
    assert item["course_title"] == certificate.course_title
    assert item["status"] == "valid"
    assert item["issued_at"].endswith(("+01:00", "+02:00"))
    assert item["pdf_url"] == "http://testserver/zertifikate/K7QM3XRT9HVD.pdf"
    assert item["verify_url"] == "http://testserver/verify/K7QM3XRT9HVD/"


def test_my_certificates_needs_a_signed_in_person(api):
    make_certificate()

    response = api.get("/api/v1/me/certificates/")

    assert response.status_code in (401, 403)
    assert "K7QM" not in response.content.decode()


def test_my_certificates_name_the_languages_with_the_holders_first(person_api, person):
    make_certificate(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED), language="en")

    item = person_api.get("/api/v1/me/certificates/").json()["results"][0]

    assert item["languages"] == ["en", "de"]
    assert item["pdf_url"] == "http://testserver/zertifikate/K7QM3XRT9HVD.pdf"


def test_verify_a_valid_certificate_without_signing_in(api):
    certificate = make_certificate(
        competences=[
            {"code": "2.1", "name": "Mit digitalen Technologien interagieren", "name_en": "Interacting"},
        ],
        level=2,
    )
    CertificateFile.objects.create(
        certificate=certificate, language="de", path="certificates/x-de.pdf", sha256="a" * 64, size=1234
    )

    response = api.get("/api/v1/certificates/verify/k7qm-3xrt-9hvd/")

    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "status": "valid",
        "code": "K7QM-3XRT-9HVD",
        "participant_name": certificate.participant_name,
        "course_title": certificate.course_title,
        "lab_name": certificate.lab_name,
        "first_session": "2026-03-03",
        "last_session": "2026-03-24",
        "hours": 8.0,
        "competences": [{"code": "2.1", "name": "Mit digitalen Technologien interagieren"}],
        "level": 2,
        "issued_at": timezone.localtime(certificate.issued_at).isoformat(),
        "revoked_at": None,
        "revocation_reason": "",
        "replaced_by": None,
        "files": [{"language": "de", "sha256": "a" * 64, "size": 1234}],
    }


def test_verify_names_competences_in_the_language_asked_for(api):
    make_certificate(competences=[{"code": "2.1", "name": "Interagieren", "name_en": "Interacting"}])

    body = api.get("/api/v1/certificates/verify/K7QM3XRT9HVD/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["competences"] == [{"code": "2.1", "name": "Interacting"}]


def test_verify_a_revoked_certificate_says_not_valid_with_the_reason(api):
    make_certificate(
        status=Certificate.Status.REVOKED, revoked_at=moment(), revocation_reason="Anwesenheit falsch"
    )

    body = api.get("/api/v1/certificates/verify/K7QM3XRT9HVD/").json()

    assert body["valid"] is False
    assert body["status"] == "revoked"
    assert body["revoked_at"] is not None
    assert body["revocation_reason"] == "Anwesenheit falsch"
    assert body["replaced_by"] is None


def test_verify_a_replaced_certificate_points_to_the_new_one(api):
    old = make_certificate(status=Certificate.Status.REVOKED, revoked_at=moment(), revocation_reason="Name")
    new = make_certificate(old.enrolment, code="ZZZZ2222YYYY")
    Certificate.objects.filter(pk=old.pk).update(replaced_by=new)

    body = api.get("/api/v1/certificates/verify/K7QM3XRT9HVD/").json()

    assert body["valid"] is False
    assert body["replaced_by"] == {
        "code": "ZZZZ-2222-YYYY",
        "verify_url": "http://testserver/verify/ZZZZ2222YYYY/",
    }


def test_verify_takes_the_same_queries_with_replacement_and_files(api):
    certificate = make_certificate()
    few = count_queries(api, "/api/v1/certificates/verify/K7QM3XRT9HVD/")
    new = make_certificate(certificate.enrolment, code="ZZZZ2222YYYY", status=Certificate.Status.REVOKED)
    Certificate.objects.filter(pk=certificate.pk).update(replaced_by=new)
    for language in ("de", "en"):
        CertificateFile.objects.create(
            certificate=certificate, language=language, path=f"x-{language}.pdf", sha256="b" * 64, size=1
        )
    assert count_queries(api, "/api/v1/certificates/verify/K7QM3XRT9HVD/") == few


@pytest.mark.parametrize("code", ["AAAA-BBBB-CCCC", "x", "K7QM-3XRT-9HVE", "%3Cscript%3E", "1OIL0" * 10])
def test_verify_an_unknown_or_malformed_code_is_404_with_a_german_message(api, code):
    make_certificate()

    response = api.get(f"/api/v1/certificates/verify/{code}/")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Zu diesem Prüfcode gibt es kein Zertifikat. Bitte prüfen Sie die Eingabe.",
        "code": "not_found",
        "errors": [],
    }


def test_my_badges_have_absolute_assertion_and_image_urls(person_api, person):
    assertion = make_assertion(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED))
    make_assertion()

    body = person_api.get("/api/v1/me/badges/").json()

    assert body["count"] == 1
    assert body["results"][0] == {
        "id": assertion.pk,
        "name": assertion.badge_class.name,
        "assertion_url": f"http://testserver/badges/assertions/{assertion.uuid}.json",
        "image_url": f"http://testserver/badges/assertions/{assertion.uuid}.png",
        "issued_on": timezone.localtime(assertion.issued_on).isoformat(),
        "page_url": f"http://testserver/badges/assertions/{assertion.uuid}/",
    }


def test_revoked_badges_are_not_listed(person_api, person):
    assertion = make_assertion(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED))
    assertion.revoked = True
    assertion.save()

    assert person_api.get("/api/v1/me/badges/").json()["count"] == 0


def test_my_badges_needs_a_signed_in_person(api):
    assertion = make_assertion()

    response = api.get("/api/v1/me/badges/")

    assert response.status_code in (401, 403)
    assert str(assertion.uuid) not in response.content.decode()


def test_the_pdf_url_downloads_with_the_token_that_listed_it(api, person):
    make_certificate(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED))
    _token, key = api_token_create(user=person, name="Mein Programm")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    pdf_url = api.get("/api/v1/me/certificates/").json()["results"][0]["pdf_url"]
    response = api.get(pdf_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("authorization", ["someone_else", "wrong", "none"])
def test_the_pdf_url_answers_404_to_any_other_token_or_none(api, person, authorization):
    make_certificate(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED))
    if authorization == "someone_else":
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=UserFactory())[1]}")
    elif authorization == "wrong":
        api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)

    response = api.get("/zertifikate/K7QM3XRT9HVD.pdf")

    assert response.status_code == 404
