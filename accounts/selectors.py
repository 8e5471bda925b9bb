"""Read queries of the accounts app."""

from .models import User


def user_get_by_email(*, email: str) -> User | None:
    """The account with this email address (case ignored), or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def email_is_registered(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()
