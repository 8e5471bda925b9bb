"""The English page tree follows the German one.

German (settings.LANGUAGE_CODE) is the default locale; every run, room, role, certificate and badge points to
German pages. wagtail-localize's locale synchronisation ("en" synchronised from "de", cms migration 0003) says
that every German page has an English counterpart: an alias of the German page, which shows the German
content, until an editor translates it in the CMS ("Übersetzen").

wagtail-localize makes those aliases only for pages created in the CMS's page editor. Pages come in other ways
too (the API's `course_create`, the demo data, imports, copies in the CMS), so the aliases are made here, when
any page is created, and wagtail-localize's own hook for the editor stands down. Moving a German page moves
its English counterpart along; deleting it deletes its aliases.
"""

from django.db.models import Q
from django.db.models.signals import post_migrate, post_save, pre_delete
from wagtail import hooks
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Locale, Page
from wagtail.signals import post_page_move
from wagtail_localize.models import (
    LocaleSynchronization,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
    sync_trees_on_locale_sync_save,
)


def _locales_synchronised_from(locale_id: int) -> list[Locale]:
    targets = LocaleSynchronization.objects.filter(sync_from_id=locale_id).values("locale_id")
    return list(Locale.objects.filter(pk__in=targets))


def page_counterparts_ensure(page: Page) -> list[Page]:
    """Give a page an alias in every locale synchronised from its own, where it has no page yet (with the
    parents' aliases that are missing too). Returns the aliases made."""
    if page.depth <= 1 or page.alias_of_id is not None:
        return []
    made = []
    for locale in _locales_synchronised_from(page.locale_id):
        if not Page.objects.filter(translation_key=page.translation_key, locale=locale).exists():
            made.append(page.copy_for_translation(locale, copy_parents=True, alias=True))
    return made


def locale_trees_sync() -> None:
    """Give every page of a synchronised locale its missing aliases, as wagtail-localize's `sync_locale_trees`
    does; cheap when nothing is missing, which is the rule since pages get theirs when they are created."""
    from wagtail_localize.synctree import synchronize_tree

    for sync in LocaleSynchronization.objects.select_related("locale", "sync_from"):
        present = Page.objects.filter(locale=sync.locale).values("translation_key")
        missing = Page.objects.filter(locale=sync.sync_from, depth__gt=1, alias_of__isnull=True).exclude(
            translation_key__in=present
        )
        if missing.exists():
            synchronize_tree(sync.sync_from, sync.locale)


def receivers_connect() -> None:
    """Called once, from CmsConfig.ready."""
    post_save.connect(on_page_created, dispatch_uid="cms.translations.created")
    # wagtail-localize synchronises the trees whenever a synchronisation is saved, also when it is loaded raw
    # (fixtures, the restore of the test database), where its locales may not be there yet.
    post_save.disconnect(sync_trees_on_locale_sync_save, sender=LocaleSynchronization)
    post_save.connect(on_locale_synchronization_saved, sender=LocaleSynchronization, dispatch_uid="cms.sync")
    post_page_move.connect(on_page_moved, dispatch_uid="cms.translations.moved")
    pre_delete.connect(on_page_deleted, dispatch_uid="cms.translations.deleted")
    post_migrate.connect(on_migrated, dispatch_uid="cms.translations.migrated")
    localize_editor_hook_retire()


def on_page_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw and isinstance(instance, Page):
        page_counterparts_ensure(instance)


def on_locale_synchronization_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_trees_on_locale_sync_save(instance=instance)


def on_page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """The counterparts of a moved page (aliases and translations) move to the counterpart of its new parent
    in their locale, so that a course moved to another lab is listed there in English too."""
    if parent_page_before.pk == parent_page_after.pk or instance.alias_of_id is not None:
        return
    target_locales = [locale.pk for locale in _locales_synchronised_from(instance.locale_id)]
    counterparts = Page.objects.filter(translation_key=instance.translation_key, locale_id__in=target_locales)
    for counterpart in counterparts:
        new_parent = parent_page_after.get_translation_or_none(counterpart.locale_id)
        if new_parent is not None and counterpart.get_parent().pk != new_parent.pk:
            MovePageAction(counterpart, new_parent, pos="last-child").execute(skip_permission_checks=True)


def on_page_deleted(sender, instance, **kwargs):
    """The aliases of a deleted page go with it (Wagtail would keep them as pages of their own); translations
    an editor wrote stay, for the editor to delete."""
    if isinstance(instance, Page) and instance.alias_of_id is None:
        for alias in Page.objects.filter(Q(alias_of=instance) & ~Q(locale_id=instance.locale_id)):
            alias.delete()


def on_migrated(sender, apps=None, **kwargs):
    """Pages that were there before the English locale came get their aliases after `migrate` (not after a
    partial one that stopped before wagtail-localize's tables)."""
    if sender.name != "cms" or apps is None:
        return
    try:
        apps.get_model("wagtail_localize", "LocaleSynchronization")
    except LookupError:
        return
    locale_trees_sync()


def localize_editor_hook_retire() -> None:
    """Stop wagtail-localize's `after_create_page` hook: `on_page_created` has made the aliases by then, and
    the hook would try to make them a second time."""
    # Importing the module registers the hook, once; wagtail_hooks modules imported later find it imported.
    from wagtail_localize import synctree

    registered = hooks._hooks.get("after_create_page", [])
    hooks._hooks["after_create_page"] = [
        entry for entry in registered if entry[0] is not synctree.after_create_page
    ]


def page_translation_publish(page: Page, texts: dict[str, str], *, language: str = "en") -> Page:
    """Translate a page with wagtail-localize, as an editor does in the CMS, and publish the translation.

    `texts` maps the page's German texts (title, fields, each paragraph) to their translations; a text it
    does not name stays as it is (slugs, addresses). The translation replaces the page's alias there.
    """
    locale = Locale.objects.get(language_code=language)
    source, _created = TranslationSource.update_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = texts.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string, locale=locale, context=segment.context, defaults={"data": text}
            )
    translated, _created = source.create_or_update_translation(
        locale, publish=False, copy_parent_pages=True, fallback=True
    )
    # Published here rather than when the transaction commits (wagtail-localize's way), so that the
    # translation is live for whatever runs next in the same transaction.
    translated.get_latest_revision().publish()
    return translated
