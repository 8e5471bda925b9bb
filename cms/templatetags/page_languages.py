"""The page in view in the other languages: the language switch's target, hreflang links, and the language of
a page's content (German on an English page nobody has translated yet).

Wagtail pages find their counterparts by `translation_key` (one query per request); the site's own views
(/konto/, /meine-kurse/, …) by their URL pattern in the other language (Django's `translate_url`).
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page, Site

from core.i18n import is_language_neutral_path

register = template.Library()


def _page(context) -> Page | None:
    page = context.get("page")
    return page if isinstance(page, Page) and page.pk is not None else None


def _counterparts(context, page: Page) -> dict[str, Page]:
    """The page and its translations and aliases by language code, live ones only; once per request."""
    request = context.get("request")
    memo = getattr(request, "_page_counterparts", None)
    if memo is None:
        memo = {}
        if request is not None:
            request._page_counterparts = memo
    if page.pk not in memo:
        pages = Page.objects.filter(translation_key=page.translation_key, live=True).select_related("locale")
        memo[page.pk] = {each.locale.language_code: each for each in pages.order_by("pk")}
    return memo[page.pk]


def _site_root_url(request) -> str:
    site = Site.find_for_request(request) if request is not None else None
    return site.root_url if site is not None else settings.SITE_URL


@register.simple_tag(takes_context=True)
def language_url(context, language: str) -> str:
    """The address of what is in view, in `language`: for a Wagtail page its translation or alias there, for
    the site's own views the same view in that language; the same address where it has no other."""
    request = context.get("request")
    if request is None:
        return "/"
    page = _page(context)
    query = request.META.get("QUERY_STRING", "")
    if page is not None:
        counterpart = _counterparts(context, page).get(language)
        if counterpart is not None:
            url = counterpart.get_url(request)
            if url:
                return f"{url}?{query}" if query else url
    path = request.get_full_path()
    if is_language_neutral_path(request.path_info, getattr(request, "urlconf", None)):
        return path
    return translate_url(path, language)


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of the versions of what is in view, and `x-default` for the German one.

    Pages name only real translations, not aliases (their content is the German page's); the site's own views
    exist in every language. Addresses that are the same in every language (the API, badges) name none."""
    request = context.get("request")
    if request is None:
        return []
    page = _page(context)
    default = settings.LANGUAGE_CODE
    if page is not None:
        versions = {
            language: counterpart.get_full_url(request)
            for language, counterpart in _counterparts(context, page).items()
            if counterpart.alias_of_id is None
        }
    elif is_language_neutral_path(request.path_info, getattr(request, "urlconf", None)):
        return []
    else:
        root = _site_root_url(request)
        versions = {code: root + translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    alternates = [(code, versions[code]) for code, _name in settings.LANGUAGES if versions.get(code)]
    if versions.get(default):
        alternates.append(("x-default", versions[default]))
    return alternates


@register.simple_tag(takes_context=True)
def page_content_language(context) -> str:
    """The language of the page's content where it differs from the language of the page around it (an
    English alias shows the German page's content), else ""."""
    page = _page(context)
    if page is None or page.alias_of_id is None:
        return ""
    for language, counterpart in _counterparts(context, page).items():
        if counterpart.pk == page.alias_of_id:
            return "" if language == translation.get_language() else language
    return ""


@register.filter
def content_language(page) -> str:
    """For a `lang` attribute on a page shown in a list (a course card): the default language where the page
    is an alias shown to a visitor of another language (an English page nobody has translated yet), else "".
    No query: aliases are made only from the German pages (cms.translations)."""
    if getattr(page, "alias_of_id", None) and translation.get_language() != settings.LANGUAGE_CODE:
        return settings.LANGUAGE_CODE
    return ""
