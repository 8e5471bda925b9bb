from django.utils.translation import gettext_lazy as _

from ..exceptions import Conflict, DomainError


class EmailConfirmLinkInvalid(DomainError):
    default_message = _(
        "Dieser Link ist nicht gültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail übernommen "
        "haben, oder lassen Sie sich in „Mein Konto“ einen neuen schicken."
    )
    code = "link_invalid"


class EmailConfirmLinkExpired(EmailConfirmLinkInvalid):
    default_message = _(
        "Dieser Link ist abgelaufen. Bitte loggen Sie sich ein und lassen Sie sich in „Mein Konto“ einen "
        "neuen schicken."
    )
    code = "link_expired"


class EmailAlreadyConfirmed(Conflict):
    default_message = _("Ihre E-Mail-Adresse ist schon bestätigt. Sie müssen nichts mehr tun.")
    code = "already_confirmed"
