"""The catalogue search understands everyday words from the start, and the site's editors ("Redaktion") keep the
list (the menu "Suchwörter"). Groups made later get the permissions where they are made."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")
EDITORS_GROUP = "Redaktion"

# What people type and the words the course offers use for it.
SYNONYMS = {
    "Handy": "Smartphone, Mobiltelefon",
    "Mobiltelefon": "Smartphone",
    "Überweisung": "Online-Banking",
    "Bank": "Online-Banking",
    "Banking": "Online-Banking",
    "Computer": "PC, Laptop",
    "Rechner": "Computer, PC, Laptop",
    "Tablet": "iPad",
    "WhatsApp": "Messenger, Chat",
    "Messenger": "WhatsApp, Signal",
    "Fotos": "Bilder, Foto",
    "Bilder": "Fotos, Foto",
    "Betrug": "Sicherheit, Phishing",
    "Passwort": "Passwörter, Sicherheit",
    "KI": "Künstliche Intelligenz, ChatGPT",
    "Amt": "Online-Verwaltung, Behörde",
    "Behörde": "Online-Verwaltung",
    "Internet": "online, Web",
    "Drucker": "3D-Druck, Drucken",
}


def add_synonyms_and_permissions(apps, schema_editor):
    SearchSynonym = apps.get_model("courses", "SearchSynonym")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    for term, synonyms in SYNONYMS.items():
        if not SearchSynonym.objects.filter(term__iexact=term).exists():
            SearchSynonym.objects.create(term=term, synonyms=synonyms)

    groups = list(Group.objects.filter(name=EDITORS_GROUP))
    if not groups:
        return
    content_type, _created = ContentType.objects.get_or_create(app_label="courses", model="searchsynonym")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_searchsynonym",
            defaults={"name": f"Can {action} Suchwort mit Synonymen"},
        )[0]
        for action in ACTIONS
    ]
    for group in groups:
        group.permissions.add(*permissions)


def remove_synonyms(apps, schema_editor):
    apps.get_model("courses", "SearchSynonym").objects.filter(term__in=SYNONYMS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0007_search_synonyms_and_format_label"),
    ]

    operations = [migrations.RunPython(add_synonyms_and_permissions, remove_synonyms)]
