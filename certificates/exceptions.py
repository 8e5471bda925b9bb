from django.utils.translation import gettext_lazy

from accounts.exceptions import Conflict, DomainError


class CertificateNotIssuable(DomainError):
    default_message = gettext_lazy("Ein Zertifikat gibt es nur für einen abgeschlossenen Kurs.")
    code = "certificate_not_issuable"


class CertificateAlreadyRevoked(Conflict):
    default_message = gettext_lazy("Dieses Zertifikat ist bereits widerrufen.")
    code = "certificate_already_revoked"


class RevocationReasonMissing(DomainError):
    default_message = gettext_lazy("Bitte geben Sie einen Grund für den Widerruf an.")
    code = "revocation_reason_missing"
