"""Errors of two-factor login, each with a message for the person."""

from django.utils.translation import gettext_lazy as _

from accounts.exceptions import DomainError


class CodeRefused(DomainError):
    default_message = _(
        "Dieser Code stimmt nicht oder wurde schon benutzt. Bitte nehmen Sie den aktuellen Code aus Ihrer "
        "App oder einen unbenutzten Wiederherstellungscode."
    )
    code = "code_refused"


class TooManyCodes(DomainError):
    """Too many wrong codes: `retry_after` seconds until the next one is checked."""

    status_code = 429
    code = "too_many_codes"

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class AlreadySetUp(DomainError):
    status_code = 409
    default_message = _(
        "Die Zwei-Faktor-Anmeldung ist schon eingerichtet. Ein neues Telefon richten Sie auf dieser Seite "
        "ein."
    )
    code = "mfa_already_set_up"


class WrongPassword(DomainError):
    default_message = _("Das Passwort stimmt nicht. Bitte versuchen Sie es noch einmal.")
    code = "wrong_password"
