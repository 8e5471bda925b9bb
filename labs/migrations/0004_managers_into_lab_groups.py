"""Lab managers leave the one shared "Laborleitung" group, which could edit every managed lab's pages,
for a group of each lab they manage, whose page permissions cover that lab only."""

from django.db import migrations
from django.db.models import Q

SHARED_GROUP_NAME = "Laborleitung"
MANAGER = "manager"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
GROUP_NAME_MAX_LENGTH = 150


def move_managers_into_lab_groups(apps, schema_editor):
    """Every manager joins their labs' manager groups (made as the services make them); the shared
    group keeps no members and no page permissions."""
    from labs.permissions import role_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    LabRole = apps.get_model("labs", "LabRole")
    LabGroup = apps.get_model("labs", "LabGroup")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    shared = Group.objects.filter(name=SHARED_GROUP_NAME).first()
    managers = LabRole.objects.filter(role=MANAGER).select_related("lab").order_by("lab_id", "pk")
    if shared is None and not managers.exists():
        return  # a new installation: the services make the groups when the first role is given

    query = Q()
    for name in role_permissions(MANAGER):
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    model_permissions = list(Permission.objects.filter(query))
    page_permissions = list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS)
    )

    groups = {}
    for lab_role in managers:
        lab = lab_role.lab
        if lab.pk not in groups:
            lab_group = LabGroup.objects.filter(lab=lab, role=MANAGER).select_related("group").first()
            if lab_group is None:
                name = f"{SHARED_GROUP_NAME} {lab.title}"[:GROUP_NAME_MAX_LENGTH]
                if Group.objects.filter(name=name).exists():
                    suffix = f" ({lab.pk})"
                    name = name[: GROUP_NAME_MAX_LENGTH - len(suffix)] + suffix
                lab_group = LabGroup.objects.create(lab=lab, role=MANAGER, group=Group.objects.create(name=name))
            lab_group.group.permissions.add(*model_permissions)
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(group=lab_group.group, page_id=lab.pk, permission=permission)
            groups[lab.pk] = lab_group.group
        groups[lab.pk].user_set.add(lab_role.user_id)

    if shared is not None:
        shared.user_set.clear()
        GroupPagePermission.objects.filter(group=shared).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("labs", "0003_lab_groups_and_editors"),
        ("wagtailcore", "0090_remove_grouppagepermission_permission_type"),
    ]

    operations = [migrations.RunPython(move_managers_into_lab_groups, migrations.RunPython.noop)]
