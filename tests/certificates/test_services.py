import hashlib
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.exceptions import NotAllowed
from certificates import services
from certificates.codes import CODE_ALPHABET, normalise_code
from certificates.exceptions import CertificateAlreadyRevoked, CertificateNotIssuable, RevocationReasonMissing
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke, generate_code
from courses.models import Enrolment
from tests.factories import (
    BERLIN,
    CourseRunFactory,
    EnrolmentFactory,
    LabRoleFactory,
    UserFactory,
    at_local,
    moment,
)

pytestmark = pytest.mark.django_db


def test_codes_use_twelve_unambiguous_characters():
    for _ in range(200):
        code = generate_code()
        assert len(code) == 12
        assert set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)


def test_many_codes_are_all_different():
    codes = {generate_code() for _ in range(20000)}
    assert len(codes) == 20000


def test_typed_code_is_normalised_without_case_or_dashes():
    assert normalise_code(" k7qm-3xrt-9hvd ") == "K7QM3XRT9HVD"
    assert normalise_code("K7QM 3XRT 9HVD") == "K7QM3XRT9HVD"


@pytest.mark.parametrize(
    "raw", ["", "ABC", "K7QM-3XRT-9HV0", "K7QM3XRT9HVDX", "<script>", "ÄÖÜ" * 4, "x" * 500]
)
def test_impossible_codes_are_rejected(raw):
    assert normalise_code(raw) is None


def test_issue_snapshots_the_course(completed_enrolment):
    certificate = certificate_issue(enrolment=completed_enrolment)
    assert certificate.participant_name == "Hannelore Schmidt"
    assert certificate.course_title == "Sicher online bezahlen"
    assert certificate.lab_name == completed_enrolment.run.lab.title
    assert [c["code"] for c in certificate.competences] == ["2.1", "4.2"]
    assert certificate.hours == Decimal("6.0")
    assert certificate.level == 2
    assert certificate.first_session < certificate.last_session
    assert certificate.is_valid


def test_session_dates_are_the_dates_in_berlin(clock):
    """A session half an hour after midnight in Berlin is still the evening before in UTC."""
    clock.move_to(datetime(2026, 12, 20, 10, 0, tzinfo=BERLIN))
    run = CourseRunFactory(sessions=2, starts_at=at_local(date(2026, 12, 1), time(0, 30)))
    enrolment = EnrolmentFactory(run=run, status=Enrolment.Status.COMPLETED, completed_at=moment())
    certificate = certificate_issue(enrolment=enrolment)
    assert (certificate.first_session, certificate.last_session) == (date(2026, 12, 1), date(2026, 12, 8))
    assert certificate.issued_at == moment()
    assert timezone.localdate(certificate.issued_at) == date(2026, 12, 20)


def test_issue_stores_the_pdf_in_private_storage(completed_enrolment, settings):
    certificate = certificate_issue(enrolment=completed_enrolment)
    file = certificate.files.get()
    path = settings.PRIVATE_STORAGE_ROOT / file.path
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert file.language == certificate.language == "de"
    assert (file.size, file.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert str(settings.MEDIA_ROOT) not in str(path)


def test_issuing_twice_returns_the_first_certificate(completed_enrolment):
    first = certificate_issue(enrolment=completed_enrolment)
    second = certificate_issue(enrolment=completed_enrolment)
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1


def test_code_collision_is_retried(completed_enrolment, finished_run, monkeypatch):
    taken = certificate_issue(enrolment=completed_enrolment).code
    other = EnrolmentFactory(run=finished_run, status=Enrolment.Status.COMPLETED)
    codes = iter([taken, taken, "ABCDEFGHJKMN"])
    monkeypatch.setattr(services, "generate_code", lambda: next(codes))
    certificate = certificate_issue(enrolment=other)
    assert certificate.code == "ABCDEFGHJKMN"


def test_not_completed_enrolment_gets_no_certificate(finished_run):
    enrolment = EnrolmentFactory(run=finished_run, status=Enrolment.Status.NOT_COMPLETED)
    with pytest.raises(CertificateNotIssuable):
        certificate_issue(enrolment=enrolment)
    assert not Certificate.objects.exists()


def test_lab_manager_revokes_with_reason(certificate):
    manager = LabRoleFactory(lab=certificate.enrolment.run.lab).user
    certificate_revoke(certificate=certificate, by=manager, reason="  Anwesenheit falsch erfasst ")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revocation_reason == "Anwesenheit falsch erfasst"
    assert certificate.revoked_by == manager
    assert certificate.revoked_at is not None


def test_superuser_may_revoke(certificate):
    admin = UserFactory(is_superuser=True, is_staff=True)
    certificate_revoke(certificate=certificate, by=admin, reason="Fehler")
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.REVOKED


def test_participant_and_other_lab_manager_may_not_revoke(certificate):
    other_manager = LabRoleFactory().user
    for person in (certificate.enrolment.user, other_manager):
        with pytest.raises(NotAllowed):
            certificate_revoke(certificate=certificate, by=person, reason="Fehler")
    assert Certificate.objects.get(pk=certificate.pk).is_valid


def test_revoking_needs_a_reason(certificate):
    admin = UserFactory(is_superuser=True)
    with pytest.raises(RevocationReasonMissing):
        certificate_revoke(certificate=certificate, by=admin, reason="   ")
    assert Certificate.objects.get(pk=certificate.pk).is_valid


def test_revoking_twice_is_refused(certificate):
    admin = UserFactory(is_superuser=True)
    certificate_revoke(certificate=certificate, by=admin, reason="Fehler")
    with pytest.raises(CertificateAlreadyRevoked):
        certificate_revoke(certificate=certificate, by=admin, reason="noch einmal")
