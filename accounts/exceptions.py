"""Domain errors. Each carries a message for the person and the HTTP status the API answers with."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    default_message = _("Das hat nicht geklappt.")
    code = "error"

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    status_code = 403
    default_message = _("Dafür fehlt Ihnen die Berechtigung.")
    code = "not_allowed"


class NotFound(DomainError):
    status_code = 404
    default_message = _("Nicht gefunden.")
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    default_message = _("Das ist bereits geschehen.")
    code = "conflict"


class EmailAlreadyRegistered(Conflict):
    default_message = _("Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich damit an.")
    code = "email_registered"


class InvalidRegistration(DomainError):
    default_message = _("Das Konto konnte nicht angelegt werden.")
    code = "invalid_registration"
