"""The moderation workflow Wagtail sets up speaks German: editors submit a page "zur Freigabe durch die Redaktion"
rather than "to Moderators approval"."""

from django.db import migrations

ENGLISH = "Moderators approval"
GERMAN = "Freigabe durch die Redaktion"


def rename(apps, schema_editor, old=ENGLISH, new=GERMAN):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=old).update(name=new)
    apps.get_model("wagtailcore", "Task").objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=GERMAN, new=ENGLISH)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailcore", "0048_add_default_workflows"),
        ("cms", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
