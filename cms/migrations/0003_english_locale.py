"""English pages: the "en" locale, kept in step with the German one by wagtail-localize's synchronisation.

Every German page gets an English alias until someone translates it (cms.translations); pages that exist
already get theirs after `migrate` (cms.translations.locale_trees_sync on post_migrate).
"""

from django.conf import settings
from django.db import migrations

ENGLISH = "en"


def english_locale_create(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    LocaleSynchronization = apps.get_model("wagtail_localize", "LocaleSynchronization")
    german, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    english, _created = Locale.objects.get_or_create(language_code=ENGLISH)
    LocaleSynchronization.objects.get_or_create(locale=english, defaults={"sync_from": german})


def english_locale_delete(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    english = Locale.objects.filter(language_code=ENGLISH).first()
    if english is not None and not Page.objects.filter(locale=english).exists():
        english.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_german_workflow_names"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(english_locale_create, english_locale_delete)]
