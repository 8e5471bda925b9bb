"""The "certificate ready" mail, delivered through the outbox once the PDF is stored."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Certificate

CERTIFICATE_READY = "certificate_ready"


def send_certificate_ready(certificate_id: int, key: str = "") -> None:
    """Tell the participant that the certificate can be downloaded; nothing for a revoked one."""
    certificate = Certificate.objects.select_related("enrolment__user").filter(pk=certificate_id).first()
    if certificate is None or not certificate.is_valid or not certificate.pdf:
        return
    user = certificate.enrolment.user
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "certificates/email/certificate_ready.txt",
            {"certificate": certificate, "user": user, "site_url": settings.SITE_URL},
        )
        EmailMessage(subject=_("Ihr Zertifikat ist da"), body=body, to=[user.email]).send()
    Certificate.objects.filter(pk=certificate.pk, notified_at__isnull=True).update(notified_at=timezone.now())
