"""What each role at a lab may do in the Wagtail admin (/cms/).

Managers and editors of a lab belong to a group of that lab (`LabGroup`). The group holds:
- page permissions on the lab's page only, so the lab's page and its course offers are theirs and
  no other lab's pages are;
- the model permissions that open the admin's menus. Which runs, rooms and roles a manager sees
  there comes from their LabRole, not from these permissions.

Menus of higher apps (courses' runs, for example) are named by those apps: they register their
permissions here in their AppConfig.ready, so this app never names an app above it.
"""

from django.utils.translation import gettext_lazy as _

from .models import LabRole

# Wagtail page permissions on the lab's page (and so its subtree). Changing with publishing also
# lets them delete single pages without children; deleting whole branches and unlocking others'
# pages stay with the site's administrators.
LAB_PAGE_PERMISSIONS = ("wagtailcore.add_page", "wagtailcore.change_page", "wagtailcore.publish_page")

# The first words of each lab group's name; the lab's title follows ("Laborleitung Hameln").
GROUP_NAME_PREFIXES = {
    LabRole.Role.MANAGER: _("Laborleitung"),
    LabRole.Role.EDITOR: _("Redaktion"),
}

_role_permissions: dict[str, list[str]] = {
    LabRole.Role.MANAGER: [
        "wagtailadmin.access_admin",
        # Translating their lab's pages into English in the CMS ("Übersetzen").
        "wagtail_localize.submit_translation",
        "labs.add_room",
        "labs.change_room",
        "labs.delete_room",
        "labs.view_room",
        "labs.add_labrole",
        "labs.change_labrole",
        "labs.delete_labrole",
        "labs.view_labrole",
        # Workshop requests from businesses: which ones, see labs.selectors.workshop_requests_for.
        "labs.change_workshoprequest",
        "labs.view_workshoprequest",
    ],
    LabRole.Role.EDITOR: ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"],
}


def _register(role: str, names: tuple[str, ...]) -> None:
    for name in names:
        app_label, _dot, codename = name.partition(".")
        if not app_label or not codename or "." in codename:
            raise ValueError(f"Permissions are named 'app_label.codename', not {name!r}.")
        if name not in _role_permissions[role]:
            _role_permissions[role].append(name)


def register_manager_permissions(*names: str) -> None:
    """Give every lab's managers these model permissions ("app_label.codename"), e.g. for a menu."""
    _register(LabRole.Role.MANAGER, names)


def register_editor_permissions(*names: str) -> None:
    """Give every lab's editors these model permissions ("app_label.codename")."""
    _register(LabRole.Role.EDITOR, names)


def roles_with_group() -> tuple[str, ...]:
    """The roles whose people join a group of their lab (trainers work outside the admin)."""
    return tuple(_role_permissions)


def role_permissions(role: str) -> tuple[str, ...]:
    """The model permissions a role's lab group holds, as "app_label.codename"."""
    return tuple(_role_permissions.get(role, ()))
