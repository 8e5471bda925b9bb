"""Which content language a page list shows: the active one where the site has content in it, else German."""

from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant


def active_content_language() -> str:
    """The language code of the pages to list for the active language (settings.WAGTAIL_CONTENT_LANGUAGES)."""
    try:
        return get_supported_content_language_variant(get_language())
    except LookupError:
        from django.conf import settings

        return settings.LANGUAGE_CODE
