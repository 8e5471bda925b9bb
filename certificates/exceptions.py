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


class CertificateAlreadyReplaced(Conflict):
    default_message = gettext_lazy("Dieses Zertifikat wurde bereits durch ein neues ersetzt.")
    code = "certificate_already_replaced"


class ParticipantNameInvalid(DomainError):
    default_message = gettext_lazy("Bitte geben Sie den Namen an, der auf dem Zertifikat stehen soll.")
    code = "participant_name_invalid"
