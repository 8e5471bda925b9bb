"""Issuing, rendering, revoking and re-issuing certificates: one valid certificate per completed enrolment;
its code is the public proof."""

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Action, audit_record
from accounts.exceptions import NotAllowed, NotFound
from accounts.models import User
from courses.badges.services import badge_revoke
from courses.models import Enrolment
from courses.selectors import user_can_teach
from labs.selectors import user_is_lab_manager
from outbox.queue import enqueue
from outbox.services import outbox_add

from . import notifications, pdf
from .codes import CODE_ALPHABET, CODE_LENGTH
from .exceptions import (
    CertificateAlreadyReplaced,
    CertificateAlreadyRevoked,
    CertificateNotIssuable,
    ParticipantNameInvalid,
    RevocationReasonMissing,
)
from .models import Certificate, CertificateFile
from .selectors import certificate_template_for_run

CODE_ATTEMPTS = 10
REASON_MAX = 200
NAME_MAX = 150


def generate_code() -> str:
    """A random code of 12 characters from an unambiguous alphabet (about 59 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _snapshot(enrolment: Enrolment) -> dict:
    """What the certificate keeps of the course, the person and the design, as they are now."""
    run = enrolment.run
    course = run.course
    sessions = list(run.sessions.order_by("start"))
    seconds = sum((s.end - s.start).total_seconds() for s in sessions)
    hours = (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    user = enrolment.user
    template = certificate_template_for_run(run=run)
    return {
        "participant_name": (user.get_full_name() or user.email) if user else enrolment.member_name,
        "course_title": course.title,
        "lab_name": run.lab.title,
        "competences": [
            {"code": c.code, "name": c.name, "name_en": c.name_en}
            for c in course.competences.order_by("code")
        ],
        "first_session": timezone.localdate(sessions[0].start),
        "last_session": timezone.localdate(sessions[-1].end),
        "hours": hours,
        "level": course.level,
        "language": pdf.language_of(user.language if user else None),
        "design": template.design() if template else {},
    }


def _completed_enrolment(enrolment_id: int) -> Enrolment:
    enrolment = Enrolment.objects.select_related("user", "run__course", "run__lab").get(pk=enrolment_id)
    if enrolment.status != Enrolment.Status.COMPLETED or not enrolment.run.sessions.exists():
        raise CertificateNotIssuable()
    return enrolment


def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """Issue the certificate of a completed enrolment, render its PDF in the holder's language and record
    the "ready" mail.

    Issuing again returns the certificate already there (a revoked one too: revoking is the lab's decision,
    the worker does not undo it). The enrolment's row lock serialises concurrent workers, so there is one
    certificate, one PDF file and one mail. Run it outside any transaction of the caller.
    """
    with transaction.atomic(durable=True):
        # Taken first: a second worker for the same enrolment waits here until the first has committed.
        locked = Enrolment.objects.select_for_update().filter(pk=enrolment.pk).values_list("pk", flat=True)
        if not locked:
            raise CertificateNotIssuable()
        # The valid one if there is one (after a re-issue, the new one), else the latest.
        certificates = Certificate.objects.filter(enrolment_id=enrolment.pk)
        certificate = (
            certificates.filter(status=Certificate.Status.VALID).first()
            or certificates.order_by("-issued_at").first()
        )
        if certificate is None:
            enrolment = _completed_enrolment(enrolment.pk)
            certificate = _create_with_unused_code(enrolment=enrolment, fields=_snapshot(enrolment))
    # Committed first, so the code (and with it the file name) stays the same if rendering is cut short.
    if certificate.is_valid:
        certificate_file(certificate=certificate, language=certificate.language)
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
            existing = Certificate.objects.filter(
                enrolment=enrolment, status=Certificate.Status.VALID
            ).first()
            if existing is not None:
                return existing
    raise RuntimeError("No unused certificate code found; the code generator is broken.")


def certificate_file(*, certificate: Certificate, language: str) -> CertificateFile:
    """The certificate's PDF in the language, rendered and stored the first time it is asked for.

    Rendered once: its bytes and SHA-256 never change, so a copy can always be checked against the
    verification page. The first file in the holder's language records the "ready" mail in the same
    transaction.
    """
    language = pdf.language_of(language)
    existing = CertificateFile.objects.filter(certificate=certificate, language=language).first()
    if existing is not None:
        return existing
    with transaction.atomic(durable=True):
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        existing = CertificateFile.objects.filter(certificate=certificate, language=language).first()
        if existing is not None:
            return existing
        stored = pdf.store_certificate_pdf(certificate, language=language)
        file = CertificateFile.objects.create(
            certificate=certificate,
            language=language,
            path=stored.path,
            sha256=stored.sha256,
            size=stored.size,
        )
        if certificate.is_valid and certificate.notified_at is None and language == certificate.language:
            outbox_add(kind=notifications.CERTIFICATE_READY, object_id=certificate.pk)
    return file


def user_can_download_certificate(*, certificate: Certificate, user) -> bool:
    """The holder, the run's trainers (they print certificates for people without email), managers of the
    run's lab and superusers may open the PDF."""
    if not getattr(user, "is_authenticated", False):
        return False
    enrolment = certificate.enrolment
    if enrolment.user_id is not None and enrolment.user_id == user.pk:
        return True
    return user_can_teach(user=user, run=enrolment.run)


def certificate_pdf_file(*, certificate: Certificate, user, language: str | None = None) -> File:
    """The stored PDF in the language (the holder's if none is asked for), opened for reading; rendered
    first if it was never made or its file is gone. Anyone else gets "not found"."""
    if not user_can_download_certificate(certificate=certificate, user=user):
        raise NotFound()
    stored = certificate_file(certificate=certificate, language=language or certificate.language)
    storage = pdf.private_storage()
    if not storage.exists(stored.path):
        # Lost on disk (a restored backup): render again under the same name; the record keeps its hash
        # only if the bytes are the same, so it is replaced by the new one.
        CertificateFile.objects.filter(pk=stored.pk).delete()
        stored = certificate_file(certificate=certificate, language=stored.language)
    return storage.open(stored.path, "rb")


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise RevocationReasonMissing()
    if len(reason) > REASON_MAX:
        raise RevocationReasonMissing(
            _("Der Grund darf höchstens %(max)s Zeichen lang sein.") % {"max": REASON_MAX}
        )
    return reason


def _require_manager_of(*, certificate: Certificate, by: User) -> None:
    lab_id = (
        Enrolment.objects.filter(pk=certificate.enrolment_id).values_list("run__lab_id", flat=True).first()
    )
    if not getattr(by, "is_authenticated", False) or not user_is_lab_manager(user=by, lab_id=lab_id):
        raise NotAllowed()


def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke a certificate; only superusers and managers of the run's lab may. The reason is public.

    The badge for the same course is revoked with it: without a certificate, the course counts as not
    completed. Revoking what is already revoked changes nothing.
    """
    _require_manager_of(certificate=certificate, by=by)
    reason = _clean_reason(reason)
    with transaction.atomic(durable=True):
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == Certificate.Status.REVOKED:
            raise CertificateAlreadyRevoked()
        _mark_revoked(certificate=certificate, by=by, reason=reason)
        badge_revoke(enrolment_id=certificate.enrolment_id, reason=reason)
        _audit_certificate(certificate=certificate, by=by, action=Action.CERTIFICATE_REVOKED)
    return certificate


def _audit_certificate(*, certificate: Certificate, by: User, action: str) -> None:
    """The audit entry of a revocation or reissue: numbers and the course, never the holder's name."""
    run_id, lab_id, course_title = (
        Enrolment.objects.filter(pk=certificate.enrolment_id)
        .values_list("run_id", "run__lab_id", "run__course__title")
        .first()
    )
    if action == Action.CERTIFICATE_REVOKED:
        summary = _("Zertifikat Nr. %(certificate)s widerrufen (Kurstermin Nr. %(run)s, „%(course)s“).")
    else:
        summary = _("Zertifikat Nr. %(certificate)s neu ausgestellt (Kurstermin Nr. %(run)s, „%(course)s“).")
    audit_record(
        actor=by,
        action=action,
        summary=summary % {"certificate": certificate.pk, "run": run_id, "course": course_title},
        lab_id=lab_id,
        target=certificate,
        details={"run": run_id, "enrolment": certificate.enrolment_id},
    )


def _mark_revoked(*, certificate: Certificate, by: User, reason: str, replaced_by=None) -> None:
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate.replaced_by = replaced_by
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason", "replaced_by"])


def certificate_reissue(
    *, certificate: Certificate, by: User, reason: str, participant_name: str | None = None
) -> Certificate:
    """Replace a certificate with a corrected one: a new code, the course's and the person's data as they
    are now, the name as given. The old one is revoked with the reason and points to the new one, whose
    PDF is rendered by the worker and mailed to the holder. Only managers of the run's lab may.
    """
    _require_manager_of(certificate=certificate, by=by)
    reason = _clean_reason(reason)
    if participant_name is not None:
        participant_name = " ".join(participant_name.split())
        if not participant_name:
            raise ParticipantNameInvalid()
        if len(participant_name) > NAME_MAX:
            raise ParticipantNameInvalid(
                _("Der Name darf höchstens %(max)s Zeichen lang sein.") % {"max": NAME_MAX}
            )
    with transaction.atomic(durable=True):
        Enrolment.objects.select_for_update().filter(pk=certificate.enrolment_id).exists()
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.replaced_by_id is not None:
            raise CertificateAlreadyReplaced()
        enrolment = _completed_enrolment(old.enrolment_id)
        fields = _snapshot(enrolment)
        if participant_name:
            fields["participant_name"] = participant_name
        if old.is_valid:
            # The old one steps aside first: there is one valid certificate per enrolment.
            _mark_revoked(certificate=old, by=by, reason=reason)
        new = _create_with_unused_code(enrolment=enrolment, fields=fields)
        Certificate.objects.filter(pk=old.pk).update(replaced_by=new)
        old.replaced_by = new
        _audit_certificate(certificate=new, by=by, action=Action.CERTIFICATE_REISSUED)
        # The worker renders it and records the mail; the sweep picks it up if the broker is down.
        from . import tasks

        transaction.on_commit(lambda: enqueue(tasks.issue_certificate, enrolment.pk))
    return new
