"""Certificate work for the worker. Each task reads the current state first, so repeating it is safe."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Enrolment

from .models import Certificate
from .services import certificate_issue


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def issue_certificate(enrolment_id: int) -> str | None:
    """Issue the certificate of a completed enrolment, render its PDF and tell the participant once."""
    enrolment = Enrolment.objects.select_related("user").filter(pk=enrolment_id).first()
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        return None
    certificate = certificate_issue(enrolment=enrolment)
    if certificate.notified_at is None and certificate.is_valid:
        _send_certificate_ready(certificate=certificate, user=enrolment.user)
        Certificate.objects.filter(pk=certificate.pk).update(notified_at=timezone.now())
    return certificate.code


def _send_certificate_ready(*, certificate: Certificate, user) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "certificates/email/certificate_ready.txt",
            {"certificate": certificate, "user": user, "site_url": settings.SITE_URL},
        )
        EmailMessage(subject=_("Ihr Zertifikat ist da"), body=body, to=[user.email]).send()
