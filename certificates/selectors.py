from datetime import datetime

from django.db.models import Q, QuerySet

from courses.models import BadgeAssertion, Enrolment
from outbox.selectors import SWEEP_BATCH

from .codes import normalise_code
from .models import Certificate


def certificates_for_user(*, user) -> QuerySet[Certificate]:
    """A person's certificates, newest first."""
    return (
        Certificate.objects.filter(enrolment__user=user)
        .select_related("enrolment__run")
        .order_by("-issued_at")
    )


def certificate_by_code(*, code: str) -> Certificate | None:
    """The certificate with this code (case and separators ignored), or None."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return Certificate.objects.select_related("enrolment__run__lab").filter(code=normalised).first()


def badge_for_certificate(*, certificate: Certificate) -> BadgeAssertion | None:
    """The badge awarded for the same completed enrolment, unless it was revoked."""
    return (
        BadgeAssertion.objects.select_related("badge_class")
        .filter(enrolment_id=certificate.enrolment_id, revoked=False)
        .first()
    )


def enrolments_owed_a_certificate() -> QuerySet[Enrolment]:
    """Completed enrolments whose certificate is not there yet or has no PDF (nothing for a revoked one)."""
    return Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).filter(
        Q(certificate__isnull=True) | Q(certificate__pdf="", certificate__status=Certificate.Status.VALID)
    )


def enrolment_ids_owed_a_certificate(*, completed_before: datetime) -> list[int]:
    """Those completed before the given moment, oldest first: fresh ones are still with their first task."""
    return list(
        enrolments_owed_a_certificate()
        .filter(Q(completed_at__lte=completed_before) | Q(completed_at__isnull=True))
        .order_by("completed_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def certificates_owed_count() -> int:
    """How many certificates are still owed, for the admin."""
    return enrolments_owed_a_certificate().count()
