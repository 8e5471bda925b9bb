"""The site's editors ("Redaktion") and the labs' managers design certificates: their groups may add, change,
publish and view certificate templates (the menu "Zertifikatsvorlagen"). Groups made later get the same
permissions where they are made."""

from django.db import migrations

ACTIONS = ("add", "change", "publish", "view")
EDITORS_GROUP = "Redaktion"
MANAGER = "manager"


def grant_template_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    LabGroup = apps.get_model("labs", "LabGroup")

    groups = list(Group.objects.filter(name=EDITORS_GROUP))
    groups += [lab_group.group for lab_group in LabGroup.objects.filter(role=MANAGER).select_related("group")]
    if not groups:
        return
    # On a fresh database the permissions are made only after all migrations ("publish" by Wagtail):
    # made here as Django and Wagtail name them, so they are found afterwards rather than made twice.
    content_type, _created = ContentType.objects.get_or_create(
        app_label="certificates", model="certificatetemplate"
    )
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_certificatetemplate",
            defaults={"name": f"Can {action} Zertifikatsvorlage"},
        )[0]
        for action in ACTIONS
    ]
    for group in groups:
        group.permissions.add(*permissions)


def revoke_template_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    LabGroup = apps.get_model("labs", "LabGroup")

    permissions = Permission.objects.filter(
        content_type__app_label="certificates",
        codename__in=[f"{action}_certificatetemplate" for action in ACTIONS],
    )
    groups = list(Group.objects.filter(name=EDITORS_GROUP))
    groups += [lab_group.group for lab_group in LabGroup.objects.filter(role=MANAGER).select_related("group")]
    for group in groups:
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("labs", "0005_alter_room_capacity"),
        ("certificates", "0004_templates_files_and_replacement"),
    ]

    operations = [migrations.RunPython(grant_template_permissions, revoke_template_permissions)]
