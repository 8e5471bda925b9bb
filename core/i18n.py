"""Which language a request is answered in, and the language switch.

Pages (Wagtail's and the site's own views) live in `i18n_patterns` without a prefix for the default language:
German at /…, English at /en/…, so the address says the language. Everything outside them (the API, feeds,
badge documents, /cms/, /django-admin/, /i18n/) has one address for both languages and answers in the
language the request asks for (the language cookie, then Accept-Language), as before.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware import locale
from django.urls import LocalePrefixPattern, Resolver404, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import translation
from django.views.i18n import set_language as django_set_language


@functools.cache
def _language_neutral_resolver(resolver: URLResolver) -> URLResolver:
    """The root URLconf without its `i18n_patterns`; cached per resolver, which Django rebuilds when
    ROOT_URLCONF changes."""
    patterns = [p for p in resolver.url_patterns if not isinstance(p.pattern, LocalePrefixPattern)]
    return URLResolver(RegexPattern(r"^/"), patterns)


def is_language_neutral_path(path: str, urlconf=None) -> bool:
    """Whether `path` is one of the addresses outside `i18n_patterns` (same address in every language)."""
    try:
        _language_neutral_resolver(get_resolver(urlconf)).resolve(path)
    except Resolver404:
        return False
    return True


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, except that an unprefixed address outside `i18n_patterns` is answered in
    the request's language instead of the default language that an unprefixed page address means."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if translation.get_language_from_path(request.path_info) or not is_language_neutral_path(
            request.path_info, urlconf
        ):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
        return None


def set_language(request):
    """Django's `set_language`, which reads `next` in the language of its own address.

    Django finds the other language's address of `next` (`translate_url`) by resolving it in the active
    language, which here is the cookie's, not necessarily the one `next` is written in: "/en/konto/" read as
    German would be a page "en/konto/" and become "/en/en/konto/".
    """
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    language = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(language or settings.LANGUAGE_CODE):
        return django_set_language(request)
