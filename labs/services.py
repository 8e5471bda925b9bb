"""State changes of the labs app."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import LabPage, LabRole

LAB_MANAGER_GROUP = "Laborleitung"
# What the Wagtail admin needs to show a lab manager the menus for runs, rooms and roles; which runs,
# rooms and roles they see comes from their LabRole, not from these permissions.
LAB_MANAGER_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "courses.add_courserun",
    "courses.change_courserun",
    "courses.delete_courserun",
    "courses.view_courserun",
    "courses.view_competence",
    "labs.add_room",
    "labs.change_room",
    "labs.delete_room",
    "labs.view_room",
    "labs.add_labrole",
    "labs.change_labrole",
    "labs.delete_labrole",
    "labs.view_labrole",
)


def lab_manager_group() -> Group:
    """The group that opens the Wagtail admin's lab menus, with its permissions (created on first use)."""
    group, _created = Group.objects.get_or_create(name=LAB_MANAGER_GROUP)
    query = Q()
    for name in LAB_MANAGER_PERMISSIONS:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(query))
    return group


def lab_role_grant(*, lab: LabPage, user, role: str) -> LabRole:
    """Give a person a role at a lab; managers also join the lab-manager group."""
    if role not in LabRole.Role.values:
        raise ValueError(_("Unbekannte Rolle."))
    with transaction.atomic():
        lab_role, _created = LabRole.objects.get_or_create(lab=lab, user=user, role=role)
        if role == LabRole.Role.MANAGER:
            user.groups.add(lab_manager_group())
    return lab_role
