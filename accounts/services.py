"""State changes of the accounts app."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .exceptions import EmailAlreadyRegistered, InvalidRegistration
from .models import User
from .selectors import email_is_registered


def user_register(*, email: str, full_name: str, password: str, language: str = "de") -> User:
    """Create a person's account. The email address is the login and may exist only once, case ignored.

    `language` (de or en) is the language the person's mails and documents are written in."""
    email = User.objects.normalize_email(email.strip()).lower()
    full_name = " ".join(full_name.split())
    if not email or not full_name:
        raise InvalidRegistration(_("Bitte geben Sie Ihren Namen und Ihre E-Mail-Adresse an."))
    if email_is_registered(email=email):
        raise EmailAlreadyRegistered()
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        raise InvalidRegistration(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic(durable=True):
            return User.objects.create_user(
                email=email, password=password, full_name=full_name, language=_language(language)
            )
    except IntegrityError as exc:
        raise EmailAlreadyRegistered() from exc


def _language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
