"""Read queries of the accounts app."""

from .models import User


def email_is_registered(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()
