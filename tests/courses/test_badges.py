import hashlib
import struct
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse

from courses.badges.services import badge_award, badge_class_for_course
from courses.models import Competence, Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, moment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://lernen.example.org"


@pytest.fixture
def assertion():
    course = make_course(title="Sicher online bezahlen")
    course.competences.set(Competence.objects.filter(code__in=["2.1", "4.2"]))
    course.save()
    run = CourseRunFactory(course=course, sessions=2, starts_in=-timedelta(days=20))
    user = UserFactory(email="Erika@Example.org")
    enrolment = EnrolmentFactory(run=run, user=user, status=Enrolment.Status.COMPLETED, completed_at=moment())
    return badge_award(enrolment=enrolment, badge_class=badge_class_for_course(course=course))


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def test_issuer_document(client):
    response = client.get(reverse("badges:issuer"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    doc = response.json()
    assert doc["@context"] == "https://w3id.org/openbadges/v2"
    assert doc["type"] == "Issuer"
    assert doc["id"] == "https://lernen.example.org/badges/issuer.json"
    assert doc["name"] and doc["url"].startswith("https://lernen.example.org")
    assert "@" in doc["email"]


def test_badge_class_document_aligns_to_digcomp(client, assertion):
    badge_class = assertion.badge_class
    doc = client.get(reverse("badges:badge_class", args=[badge_class.pk])).json()
    assert doc["type"] == "BadgeClass"
    assert doc["id"] == f"https://lernen.example.org/badges/classes/{badge_class.pk}.json"
    assert doc["name"] == "Sicher online bezahlen"
    assert doc["description"]
    assert doc["image"] == f"https://lernen.example.org/badges/classes/{badge_class.pk}.png"
    assert doc["criteria"]["narrative"]
    assert doc["issuer"] == "https://lernen.example.org/badges/issuer.json"
    assert [a["targetCode"] for a in doc["alignment"]] == ["2.1", "4.2"]
    for alignment in doc["alignment"]:
        assert alignment["targetFramework"] == "DigComp 2.2"
        assert alignment["targetName"] and alignment["targetUrl"].startswith("https://")
    assert "DigComp" in doc["tags"]


def test_assertion_names_the_recipient_only_by_salted_hash(client, assertion):
    doc = client.get(reverse("badges:assertion", args=[assertion.uuid])).json()
    assert doc["@context"] == "https://w3id.org/openbadges/v2"
    assert doc["type"] == "Assertion"
    assert doc["id"] == f"https://lernen.example.org/badges/assertions/{assertion.uuid}.json"
    recipient = doc["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    expected = hashlib.sha256(("erika@example.org" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == f"sha256${expected}"
    assert "erika" not in str(doc).lower()
    assert doc["badge"] == f"https://lernen.example.org/badges/classes/{assertion.badge_class_id}.json"
    assert doc["verification"] == {"type": "hosted"}
    assert doc["issuedOn"] == assertion.issued_on.isoformat()


def test_revoked_assertion_answers_410_with_reason(client, assertion):
    assertion.revoked = True
    assertion.revocation_reason = "Irrtümlich verliehen"
    assertion.save()
    response = client.get(reverse("badges:assertion", args=[assertion.uuid]))
    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "Irrtümlich verliehen"
    assert client.get(reverse("badges:assertion_image", args=[assertion.uuid])).status_code == 404


def test_assertion_png_is_baked_with_the_assertion_url(client, assertion):
    response = client.get(reverse("badges:assertion_image", args=[assertion.uuid]))
    assert response["Content-Type"] == "image/png"
    itxt = [body for kind, body in _png_chunks(response.content) if kind == b"iTXt"]
    assert len(itxt) == 1
    keyword, rest = itxt[0].split(b"\x00", 1)
    assert keyword == b"openbadges"
    # compression flag, compression method, empty language tag and translated keyword, then the text
    assert rest[:2] == b"\x00\x00"
    text = rest[2:].split(b"\x00", 2)[2].decode()
    assert text == f"https://lernen.example.org/badges/assertions/{assertion.uuid}.json"


def test_badge_class_png_is_a_square_image(client, assertion):
    response = client.get(reverse("badges:badge_class_image", args=[assertion.badge_class_id]))
    chunks = _png_chunks(response.content)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert width == height >= 256
    assert not [body for kind, body in chunks if kind == b"iTXt"]


def test_unknown_documents_are_404(client):
    assert client.get("/badges/classes/999999.json").status_code == 404
    assert client.get("/badges/classes/999999.png").status_code == 404
    assert client.get("/badges/assertions/00000000-0000-0000-0000-000000000000.json").status_code == 404
