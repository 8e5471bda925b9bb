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


class InvalidName(DomainError):
    default_message = _("Bitte geben Sie Ihren Namen an.")
    code = "invalid_name"


class WrongPassword(DomainError):
    default_message = _("Das Passwort stimmt nicht. Bitte geben Sie Ihr jetziges Passwort ein.")
    code = "wrong_password"


class InvalidPassword(DomainError):
    default_message = _("Dieses Passwort geht nicht. Bitte wählen Sie ein anderes.")
    code = "invalid_password"


class InvalidEmail(DomainError):
    default_message = _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.")
    code = "invalid_email"


class EmailUnchanged(DomainError):
    default_message = _("Das ist schon Ihre E-Mail-Adresse. Bitte geben Sie die neue Adresse ein.")
    code = "email_unchanged"


class EmailTakenByOther(EmailAlreadyRegistered):
    # Sign-up says as much for any address, so this tells nobody more than they could learn there.
    default_message = _(
        "Mit dieser E-Mail-Adresse gibt es schon ein anderes Konto. Bitte wählen Sie eine andere Adresse."
    )
    code = "email_taken"


class EmailChangeLinkInvalid(DomainError):
    default_message = _(
        "Dieser Link ist nicht gültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail "
        "übernommen haben."
    )
    code = "link_invalid"


class EmailChangeLinkExpired(EmailChangeLinkInvalid):
    default_message = _(
        "Dieser Link ist abgelaufen. Ihre E-Mail-Adresse ist nicht geändert. Bitte beantragen Sie die "
        "Änderung noch einmal."
    )
    code = "link_expired"


class EmailChangeSuperseded(EmailChangeLinkInvalid):
    default_message = _(
        "Dieser Link gilt nicht mehr, weil sich Ihr Konto seitdem geändert hat: eine neuere Anfrage, eine "
        "andere E-Mail-Adresse oder ein neues Passwort. Ihre E-Mail-Adresse ist nicht geändert."
    )
    code = "link_superseded"


class EmailChangeAlreadyConfirmed(Conflict):
    default_message = _("Diese Änderung ist schon bestätigt. Ihre neue E-Mail-Adresse gilt bereits.")
    code = "link_used"
