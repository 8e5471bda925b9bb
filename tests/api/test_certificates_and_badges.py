from datetime import date

import pytest
from django.utils import timezone

from certificates.models import Certificate
from courses.models import BadgeAssertion, BadgeClass, Enrolment
from tests.factories import EnrolmentFactory, moment

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


def test_verify_a_valid_certificate_without_signing_in(api):
    certificate = make_certificate()

    response = api.get("/api/v1/certificates/verify/k7qm-3xrt-9hvd/")

    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "status": "valid",
        "code": "K7QM-3XRT-9HVD",
        "participant_name": certificate.participant_name,
        "course_title": certificate.course_title,
        "lab_name": certificate.lab_name,
        "issued_at": timezone.localtime(certificate.issued_at).isoformat(),
        "revoked_at": None,
    }


def test_verify_a_revoked_certificate_says_not_valid(api):
    make_certificate(status=Certificate.Status.REVOKED, revoked_at=moment())

    body = api.get("/api/v1/certificates/verify/K7QM3XRT9HVD/").json()

    assert body["valid"] is False
    assert body["status"] == "revoked"
    assert body["revoked_at"] is not None


@pytest.mark.parametrize("code", ["AAAA-BBBB-CCCC", "x", "K7QM-3XRT-9HVE"])
def test_verify_an_unknown_code_is_404_with_a_german_message(api, code):
    make_certificate()

    response = api.get(f"/api/v1/certificates/verify/{code}/")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("Zu diesem Prüfcode gibt es kein Zertifikat.")


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
