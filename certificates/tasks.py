"""Certificate work for the worker. Each task reads the current state first, so repeating it is safe."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from courses.models import Enrolment
from outbox.queue import enqueue
from outbox.tasks import sweep_expiry

from .exceptions import CertificateNotIssuable
from .selectors import enrolment_ids_owed_a_certificate
from .services import certificate_issue


@shared_task(
    autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=30 * 60, retry_jitter=True, max_retries=6
)
def issue_certificate(enrolment_id: int) -> str | None:
    """Issue the certificate of a completed enrolment with its PDF; the mail goes via the outbox."""
    enrolment = Enrolment.objects.filter(pk=enrolment_id, status=Enrolment.Status.COMPLETED).first()
    if enrolment is None:
        return None
    try:
        certificate = certificate_issue(enrolment=enrolment)
    except CertificateNotIssuable:
        return None
    return certificate.code


@shared_task
def sweep() -> int:
    """Queue the certificates still owed (completed, but no PDF yet); returns how many were queued."""
    due = enrolment_ids_owed_a_certificate(
        completed_before=timezone.now() - timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    )
    return sum(enqueue(issue_certificate, enrolment_id, expires=sweep_expiry()) for enrolment_id in due)
