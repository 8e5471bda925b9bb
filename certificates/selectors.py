from django.db.models import QuerySet

from courses.models import BadgeAssertion

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
