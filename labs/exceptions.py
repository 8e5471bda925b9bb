"""Domain errors of the labs app."""

from django.utils.translation import gettext_lazy as _

from accounts.exceptions import Conflict, DomainError, NotAllowed, NotFound

__all__ = ["DomainError", "LastOwnManagerRole", "NotAllowed", "NotFound", "RoleAlreadyGiven", "UnknownRole"]


class UnknownRole(DomainError):
    default_message = _("Diese Rolle gibt es nicht.")
    code = "unknown_role"


class RoleAlreadyGiven(Conflict):
    default_message = _("Diese Person hat diese Rolle in diesem Labor schon.")
    code = "role_already_given"


class LastOwnManagerRole(DomainError):
    default_message = _(
        "Sie sind die einzige Laborleitung dieses Labors. Sie können Ihre eigene Rolle darum nicht "
        "entfernen oder ändern. Bitten Sie zuerst eine zweite Person in die Laborleitung."
    )
    code = "last_own_manager_role"


class WorkshopLabUnavailable(DomainError):
    default_message = _(
        "Dieses Labor nimmt gerade keine Anfragen an. Bitte wählen Sie ein anderes Labor oder „egal“."
    )
    code = "workshop_lab_unavailable"


class UnknownWorkshopRequestStatus(DomainError):
    default_message = _("Diesen Stand gibt es für Workshop-Anfragen nicht.")
    code = "unknown_workshop_request_status"
