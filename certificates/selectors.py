from django.db.models import QuerySet

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
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    if not 8 <= len(normalised) <= 20:
        return None
    return Certificate.objects.select_related("enrolment__run__lab").filter(code=normalised).first()
