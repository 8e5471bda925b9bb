"""State changes of the labs app.

Roles at a lab are given, changed and taken away only here, so that a person's lab groups (the
pages they may edit and the admin menus they see, see labs/permissions.py) always follow their
roles, whichever way the change came in.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission

from accounts.models import User
from outbox.mail import mail_language
from outbox.services import outbox_add, outbox_add_many

from . import notifications
from .exceptions import (
    LastOwnManagerRole,
    NotAllowed,
    NotFound,
    RoleAlreadyGiven,
    UnknownRole,
    UnknownWorkshopRequestStatus,
    WorkshopLabUnavailable,
)
from .models import LabGroup, LabPage, LabRole, WorkshopRequest
from .permissions import GROUP_NAME_PREFIXES, LAB_PAGE_PERMISSIONS, role_permissions, roles_with_group
from .selectors import labs_published, user_handles_workshop_request, user_is_lab_manager

GROUP_NAME_MAX_LENGTH = Group._meta.get_field("name").max_length


def lab_role_grant(*, lab: LabPage, user: User, role: str, by: User | None = None) -> LabRole:
    """Give a person a role at a lab; managers and editors join the lab's group (created with the
    first such role), which lets them edit that lab's pages and opens their admin menus.

    Superusers and the lab's managers may do this. `by=None` means the system acts (management
    commands, demo data, migrations) and is not checked. A role the person already has stays as it is.
    """
    _check_role(role)
    _check_manages(by, lab)
    with transaction.atomic(durable=True):
        lab_role, created = LabRole.objects.get_or_create(lab=lab, user=user, role=role)
        if created:
            log(instance=lab_role, action="wagtail.create", user=by)
        _join_lab_group(lab_role)
    return lab_role


def lab_role_change(
    *, lab_role: LabRole, lab: LabPage, user: User, role: str, by: User | None = None
) -> LabRole:
    """Move a role to another lab, person or role in one step: the person leaves the groups the
    old role needed and joins those of the new one.

    Allowed as for granting, at the old and the new lab; a manager cannot give away their own
    manager role at a lab that has no other manager. `by=None` means the system acts. The role as
    stored counts as the old one, even if `lab_role` was already changed in memory (as a form does).
    """
    _check_role(role)
    stored = LabRole.objects.select_related("lab").filter(pk=lab_role.pk).first()
    if stored is None:
        raise NotFound(_("Diese Rolle gibt es nicht mehr."))
    _check_manages(by, stored.lab)
    _check_manages(by, lab)
    with transaction.atomic(durable=True):
        _lock_managers(stored.lab_id)
        _check_manages(by, stored.lab)  # again: the person may have lost the role while waiting
        if (lab.pk, user.pk, role) != (stored.lab_id, stored.user_id, LabRole.Role.MANAGER):
            _check_not_own_last_manager_role(by, stored)
        lab_role.lab, lab_role.user, lab_role.role = lab, user, role
        try:
            with transaction.atomic():
                lab_role.save()
        except IntegrityError:
            raise RoleAlreadyGiven() from None
        log(instance=lab_role, action="wagtail.edit", user=by)
        _leave_lab_group(stored)
        _join_lab_group(lab_role)
    return lab_role


def lab_role_revoke(*, lab_role: LabRole, by: User | None = None) -> None:
    """Take a role away; the person leaves the lab's group unless another role still needs it.

    Superusers and the lab's managers may do this; a manager cannot remove their own manager role
    at a lab that has no other manager. `by=None` means the system acts.
    """
    _check_manages(by, lab_role.lab)
    with transaction.atomic(durable=True):
        _lock_managers(lab_role.lab_id)
        _check_manages(by, lab_role.lab)  # again: the person may have lost the role while waiting
        _check_not_own_last_manager_role(by, lab_role)
        log(instance=lab_role, action="wagtail.delete", user=by, deleted=True)
        lab_role.delete()
        _leave_lab_group(lab_role)


# Checks


def _check_role(role: str) -> None:
    if role not in LabRole.Role.values:
        raise UnknownRole()


def _check_manages(by: User | None, lab: LabPage) -> None:
    if by is None:
        return
    if not user_is_lab_manager(user=by, lab_id=lab.pk):
        raise NotAllowed(_("Rollen vergeben und entfernen können Sie nur in Laboren, die Sie leiten."))


def _lock_managers(lab_id: int) -> None:
    """Lock the lab's manager roles, so that two managers removing each other at once are served in turn
    and the second sees that the lab would be left without one."""
    list(LabRole.objects.select_for_update().filter(lab_id=lab_id, role=LabRole.Role.MANAGER).values("pk"))


def _check_not_own_last_manager_role(by: User | None, lab_role: LabRole) -> None:
    """Nobody locks a lab out of its own management by removing themselves as its only manager."""
    if by is None or by.is_superuser or by.pk != lab_role.user_id or lab_role.role != LabRole.Role.MANAGER:
        return
    other_managers = LabRole.objects.filter(lab_id=lab_role.lab_id, role=LabRole.Role.MANAGER).exclude(
        pk=lab_role.pk
    )
    if not other_managers.exists():
        raise LastOwnManagerRole()


# Lab groups: shared steps of the services above, each run inside their transaction.


def _join_lab_group(lab_role: LabRole) -> None:
    lab_group = _lab_group(lab_role.lab, lab_role.role)
    if lab_group is not None:
        lab_role.user.groups.add(lab_group.group)


def _leave_lab_group(lab_role: LabRole) -> None:
    """The person leaves the group of the role they no longer have at that lab."""
    if lab_role.role not in roles_with_group():
        return
    same_role = {"lab_id": lab_role.lab_id, "role": lab_role.role}
    if LabRole.objects.filter(user_id=lab_role.user_id, **same_role).exists():
        return
    lab_group = LabGroup.objects.filter(**same_role).select_related("group").first()
    if lab_group is not None:
        lab_group.group.user_set.remove(lab_role.user_id)


def _lab_group(lab: LabPage, role: str) -> LabGroup | None:
    """The group of a role at a lab, created on first use; its permissions are brought up to date
    each time, so permissions registered later reach groups made earlier."""
    if role not in roles_with_group():
        return None
    lab_group = LabGroup.objects.filter(lab=lab, role=role).select_related("group").first()
    if lab_group is None:
        try:
            with transaction.atomic():
                group = Group.objects.create(name=lab_group_name(lab, role))
                lab_group = LabGroup.objects.create(lab=lab, role=role, group=group)
        except IntegrityError:  # made at the same moment by someone else
            lab_group = LabGroup.objects.select_related("group").get(lab=lab, role=role)
    lab_group.group.permissions.add(*_permissions(role_permissions(role)))
    # The lab's page in every language (its English translation or alias), so that the lab's people
    # translate their own pages.
    for page in lab.get_translations(inclusive=True):
        for permission in _permissions(LAB_PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=lab_group.group, page=page, permission=permission)
    return lab_group


def lab_group_name(lab: LabPage, role: str, *, exclude_group_id: int | None = None) -> str:
    """ "Laborleitung Hameln"; the lab's id is added where another group already has that name."""
    with translation.override(settings.LANGUAGE_CODE):
        name = f"{GROUP_NAME_PREFIXES[role]} {lab.title}"[:GROUP_NAME_MAX_LENGTH]
    taken = Group.objects.filter(name=name).exclude(pk=exclude_group_id)
    if taken.exists():
        suffix = f" ({lab.pk})"
        name = name[: GROUP_NAME_MAX_LENGTH - len(suffix)] + suffix
    return name


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.filter(query).select_related("content_type")) if names else []
    found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
    if missing := set(names) - found:
        raise ImproperlyConfigured(f"Unknown permissions for lab groups: {', '.join(sorted(missing))}")
    return permissions


def lab_group_names_sync(*, lab: LabPage) -> None:
    """Rename the lab's groups after the lab's title ("Laborleitung Hameln").

    Called while the lab page itself is saved, so it joins that transaction instead of opening its own.
    """
    for lab_group in LabGroup.objects.filter(lab=lab).select_related("group"):
        name = lab_group_name(lab, lab_group.role, exclude_group_id=lab_group.group_id)
        if lab_group.group.name != name:
            lab_group.group.name = name
            lab_group.group.save(update_fields=["name"])


# Workshop requests from businesses


def workshop_request_create(
    *,
    company: str,
    contact_name: str,
    email: str,
    topic: str,
    staff_count: int,
    preferred_dates: str,
    lab: LabPage | None = None,
    phone: str = "",
    message: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> WorkshopRequest:
    """Record a business's request for an in-house workshop, with its consent to keep the data for answering.

    Owes two mails in the same transaction: the request to the chosen lab's contact address and managers
    (no lab: every published lab's contact address), and a confirmation with a summary to the business.
    A lab must be published to be asked. Invalid data raises ValidationError and records nothing.
    """
    if lab is not None and not labs_published().filter(pk=lab.pk).exists():
        raise WorkshopLabUnavailable()
    now = timezone.now()
    workshop_request = WorkshopRequest(
        company=company,
        contact_name=contact_name,
        email=email,
        phone=phone,
        topic=topic,
        staff_count=staff_count,
        preferred_dates=preferred_dates,
        lab=lab,
        message=message,
        language=mail_language(language),
        consented_at=now,
        created_at=now,
        updated_at=now,
    )
    workshop_request.full_clean()
    with transaction.atomic(durable=True):
        workshop_request.save()
        keys = notifications.lab_recipient_keys(lab=lab)
        outbox_add_many(
            kind=notifications.WORKSHOP_REQUEST_TO_LAB, items=[(workshop_request.pk, key) for key in keys]
        )
        outbox_add(kind=notifications.WORKSHOP_REQUEST_RECEIVED, object_id=workshop_request.pk)
    return workshop_request


def workshop_request_update(
    *, workshop_request: WorkshopRequest, status: str, lab: LabPage | None, by: User
) -> WorkshopRequest:
    """Move a request on (neu, in Bearbeitung, erledigt) or hand it to a lab.

    Superusers may change any; a lab's managers change those of their labs and of the open pool (no lab),
    and hand them only to a lab they manage or back to the pool. Closing stamps `closed_at`, from which the
    retention time counts; reopening clears it. A lab newly given the request hears of it by mail (not the
    person who handed it over). The stored request counts, even if `workshop_request` was changed in memory.
    """
    if status not in WorkshopRequest.Status.values:
        raise UnknownWorkshopRequestStatus()
    with transaction.atomic(durable=True):
        stored = WorkshopRequest.objects.select_for_update().filter(pk=workshop_request.pk).first()
        if stored is None:
            raise NotFound(_("Diese Anfrage gibt es nicht mehr."))
        if not user_handles_workshop_request(user=by, lab_id=stored.lab_id) or (
            lab is not None and not user_handles_workshop_request(user=by, lab_id=lab.pk)
        ):
            raise NotAllowed(_("Anfragen bearbeiten können Sie nur für Labore, die Sie leiten."))
        now = timezone.now()
        new_lab_id = lab.pk if lab is not None else None
        handed_over = new_lab_id != stored.lab_id and lab is not None
        if status == WorkshopRequest.Status.DONE and stored.status != WorkshopRequest.Status.DONE:
            stored.closed_at = now
        elif status != WorkshopRequest.Status.DONE:
            stored.closed_at = None
        stored.status, stored.lab, stored.updated_at = status, lab, now
        stored.save(update_fields=["status", "lab", "updated_at", "closed_at"])
        if handed_over and status != WorkshopRequest.Status.DONE:
            keys = notifications.lab_recipient_keys(lab=lab, except_user_id=by.pk)
            outbox_add_many(
                kind=notifications.WORKSHOP_REQUEST_TO_LAB, items=[(stored.pk, key) for key in keys]
            )
    return stored
