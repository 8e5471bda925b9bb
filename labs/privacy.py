"""The labs app's part in a person's privacy (accounts.privacy.registry): workshop requests sent with the
person's address, their roles in labs; and the rule that deletes workshop requests after their time
(`workshop_requests_due_for_deletion`)."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.privacy.serialise import iso

from . import notifications
from .models import LabRole, WorkshopRequest
from .selectors import workshop_requests_due_for_deletion


def _requests_of(user):
    return WorkshopRequest.objects.filter(email__iexact=user.email)


def export_workshop_requests(user) -> list[dict]:
    return [
        {
            "company": request.company,
            "contact_name": request.contact_name,
            "email": request.email,
            "phone": request.phone,
            "topic": request.topic,
            "staff_count": request.staff_count,
            "preferred_dates": request.preferred_dates,
            "lab": request.lab.title if request.lab_id else None,
            "message": request.message,
            "consented_at": iso(request.consented_at),
            "status": request.get_status_display(),
            "created_at": iso(request.created_at),
        }
        for request in _requests_of(user).select_related("lab").order_by("created_at", "pk")
    ]


def export_lab_roles(user) -> list[dict]:
    roles = LabRole.objects.filter(user=user).select_related("lab").order_by("lab__title", "pk")
    return [{"lab": role.lab.title, "role": role.get_role_display()} for role in roles]


def mails(user) -> dict[str, list[int]]:
    ids = list(_requests_of(user).values_list("pk", flat=True))
    return {notifications.WORKSHOP_REQUEST_RECEIVED: ids, notifications.WORKSHOP_REQUEST_TO_LAB: ids}


def erase(user, options) -> None:
    """The contact data of their workshop requests is cleared (the lab keeps what was asked for, without
    whom to ask); their roles in labs end."""
    _requests_of(user).update(contact_name="", email="", phone="", message="")
    LabRole.objects.filter(user=user).delete()


def workshop_requests_delete(*, now: datetime) -> int:
    """Delete the workshop requests the retention rule names; returns how many."""
    with transaction.atomic():
        deleted, _by_model = workshop_requests_due_for_deletion(now=now).delete()
    return deleted


def _workshop_rule(now: datetime) -> int:
    return workshop_requests_delete(now=now)


def register() -> None:
    """Called from `LabsConfig.ready`."""
    from accounts.privacy.registry import register_retention_rule, register_section

    register_section(
        "workshop_requests",
        _("Ihre Anfragen für Workshops"),
        export=export_workshop_requests,
        erase=erase,
        mails=mails,
        order=90,
    )
    register_section("lab_roles", _("Ihre Aufgaben in Laboren"), export=export_lab_roles, order=95)
    register_retention_rule(
        "workshop_requests",
        _("Anfragen von Unternehmen für Workshops"),
        period=_(
            "12 Monate nach der Erledigung; nicht erledigte Anfragen 24 Monate nach der letzten Änderung"
        ),
        apply=_workshop_rule,
        order=30,
    )
