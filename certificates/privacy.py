"""The certificates app's part in a person's privacy (accounts.privacy.registry).

A certificate outlives its holder's account: whoever holds a copy may still check it. On erasure the name
is removed (the verification page and the API say the certificate was issued to a deleted account) and its
stored PDFs, which print the name, are deleted; if the person chooses, the certificates are revoked
instead, through the certificates service, with a reason.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.privacy.serialise import iso
from courses.badges.services import badge_revoke

from . import notifications, pdf
from .models import Certificate, CertificateFile
from .services import _mark_revoked

# What the certificate names instead of an erased holder (stored; the API shows it as it is).
ERASED_HOLDER = "Gelöschtes Konto"
REVOKED_ON_ERASURE = "Auf Wunsch der Person mit ihrem Konto gelöscht."


def _certificates_of(user):
    return Certificate.objects.filter(enrolment__user=user)


def export_certificates(user) -> list[dict]:
    return [
        {
            "code": certificate.display_code,
            "participant_name": certificate.participant_name,
            "course_title": certificate.course_title,
            "lab_name": certificate.lab_name,
            "first_session": iso(certificate.first_session),
            "last_session": iso(certificate.last_session),
            "hours": str(certificate.hours),
            "issued_at": iso(certificate.issued_at),
            "status": certificate.get_status_display(),
            "revoked_at": iso(certificate.revoked_at),
            "revocation_reason": certificate.revocation_reason,
            "verify_url": certificate.verify_url,
        }
        for certificate in _certificates_of(user).order_by("issued_at", "pk")
    ]


def mails(user) -> dict[str, list[int]]:
    return {notifications.CERTIFICATE_READY: list(_certificates_of(user).values_list("pk", flat=True))}


def erase(user, options) -> None:
    by = options.by if getattr(options.by, "is_authenticated", False) else None
    certificates = list(_certificates_of(user).select_for_update())
    if options.revoke_certificates:
        for certificate in certificates:
            if certificate.is_valid:
                _mark_revoked(certificate=certificate, by=by, reason=REVOKED_ON_ERASURE)
                badge_revoke(enrolment_id=certificate.enrolment_id, reason=REVOKED_ON_ERASURE)
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(participant_name=ERASED_HOLDER)
    files = CertificateFile.objects.filter(certificate__in=[c.pk for c in certificates])
    paths = list(files.values_list("path", flat=True))
    files.delete()
    transaction.on_commit(lambda: _delete_files(paths))


def _delete_files(paths: list[str]) -> None:
    storage = pdf.private_storage()
    for path in paths:
        if storage.exists(path):
            storage.delete(path)


def register() -> None:
    """Called from `CertificatesConfig.ready`."""
    from accounts.privacy.registry import register_section

    register_section(
        "certificates", _("Ihre Zertifikate"), export=export_certificates, erase=erase, mails=mails, order=60
    )
