"""Issuing and revoking certificates: one per completed enrolment; its code is the public proof."""

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import NotAllowed, NotFound
from accounts.models import User
from courses.models import Enrolment
from labs.selectors import user_is_lab_manager
from outbox.services import outbox_add

from . import notifications, pdf
from .codes import CODE_ALPHABET, CODE_LENGTH
from .exceptions import CertificateAlreadyRevoked, CertificateNotIssuable, RevocationReasonMissing
from .models import Certificate

CODE_ATTEMPTS = 10


def generate_code() -> str:
    """A random code of 12 characters from an unambiguous alphabet (about 59 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _snapshot(enrolment: Enrolment) -> dict:
    run = enrolment.run
    course = run.course
    sessions = list(run.sessions.order_by("start"))
    seconds = sum((s.end - s.start).total_seconds() for s in sessions)
    hours = (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return {
        "participant_name": enrolment.user.get_full_name() or enrolment.user.email,
        "course_title": course.title,
        "lab_name": run.lab.title,
        "competences": [{"code": c.code, "name": c.name} for c in course.competences.order_by("code")],
        "first_session": timezone.localdate(sessions[0].start),
        "last_session": timezone.localdate(sessions[-1].end),
        "hours": hours,
        "level": course.level,
    }


def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """Issue the certificate of a completed enrolment, render its PDF and record the "ready" mail.

    Issuing again returns the first certificate: the enrolment's row lock serialises concurrent workers, so
    there is one certificate, one PDF file and one mail. Run it outside any transaction of the caller.
    """
    with transaction.atomic(durable=True):
        # Taken first: a second worker for the same enrolment waits here until the first has committed.
        locked = Enrolment.objects.select_for_update().filter(pk=enrolment.pk).values_list("pk", flat=True)
        if not locked:
            raise CertificateNotIssuable()
        certificate = Certificate.objects.filter(enrolment_id=enrolment.pk).first()
        if certificate is None:
            enrolment = Enrolment.objects.select_related("user", "run__course", "run__lab").get(
                pk=enrolment.pk
            )
            if enrolment.status != Enrolment.Status.COMPLETED or not enrolment.run.sessions.exists():
                raise CertificateNotIssuable()
            certificate = _create_with_unused_code(enrolment=enrolment, fields=_snapshot(enrolment))
    # Committed first, so the code (and with it the file name) stays the same if rendering is cut short.
    if not certificate.pdf:
        certificate = _store_pdf(certificate_id=certificate.pk, only_if_missing=True)
    return certificate


def _create_with_unused_code(*, enrolment: Enrolment, fields: dict) -> Certificate:
    for _attempt in range(CODE_ATTEMPTS):
        code = generate_code()
        if Certificate.objects.filter(code=code).exists():
            continue
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrolment=enrolment, code=code, issued_at=timezone.now(), **fields
                )
        except IntegrityError:
            # Either another worker issued this enrolment's certificate a moment ago, or the code was
            # taken in between: take theirs, or try a fresh code.
            existing = Certificate.objects.filter(enrolment=enrolment).first()
            if existing is not None:
                return existing
    raise RuntimeError("No unused certificate code found; the code generator is broken.")


def certificate_render_pdf(*, certificate: Certificate) -> Certificate:
    """(Re)render the certificate's PDF into private storage, replacing the file of the same name."""
    certificate.pdf = _store_pdf(certificate_id=certificate.pk, only_if_missing=False).pdf
    return certificate


def _store_pdf(*, certificate_id: int, only_if_missing: bool) -> Certificate:
    """Write the PDF; record its name and the "ready" mail in one transaction, under the row lock."""
    with transaction.atomic(durable=True):
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if only_if_missing and certificate.pdf:
            return certificate
        certificate.pdf = pdf.store_certificate_pdf(certificate)
        Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf)
        if certificate.is_valid and certificate.notified_at is None:
            outbox_add(kind=notifications.CERTIFICATE_READY, object_id=certificate.pk)
    return certificate


def user_can_download_certificate(*, certificate: Certificate, user) -> bool:
    """The participant, managers of the run's lab and superusers may open the PDF."""
    if not getattr(user, "is_authenticated", False):
        return False
    if certificate.enrolment.user_id == user.pk:
        return True
    return user_is_lab_manager(user=user, lab_id=certificate.enrolment.run.lab_id)


def certificate_pdf_file(*, certificate: Certificate, user) -> File:
    """The stored PDF, opened for reading (rendered first if missing). Anyone else gets "not found"."""
    if not user_can_download_certificate(certificate=certificate, user=user):
        raise NotFound()
    storage = pdf.private_storage()
    if not certificate.pdf or not storage.exists(certificate.pdf):
        certificate_render_pdf(certificate=certificate)
    return storage.open(certificate.pdf, "rb")


def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke a certificate; only superusers and managers of the run's lab may. The reason is public."""
    lab_id = (
        Enrolment.objects.filter(pk=certificate.enrolment_id).values_list("run__lab_id", flat=True).first()
    )
    if not getattr(by, "is_authenticated", False) or not user_is_lab_manager(user=by, lab_id=lab_id):
        raise NotAllowed()
    reason = " ".join((reason or "").split())
    if not reason:
        raise RevocationReasonMissing()
    if len(reason) > 200:
        raise RevocationReasonMissing(_("Der Grund darf höchstens 200 Zeichen lang sein."))
    with transaction.atomic(durable=True):
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == Certificate.Status.REVOKED:
            raise CertificateAlreadyRevoked()
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = by
        certificate.revocation_reason = reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    return certificate
