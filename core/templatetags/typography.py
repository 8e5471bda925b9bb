"""Typography for long words in narrow places: the site's name and the main menu.

German compounds ("Innovationsworkshops") get wider than a phone's line once the text is enlarged. Browsers
hyphenate with `hyphens: auto` only where they have a dictionary for the language, and many have none
(Chromium on Linux, older Android WebViews); there the word would be cut anywhere ("Innovationsworksho-ps").
Soft hyphens from LibreOffice's hyphenation dictionaries (pyphen, which WeasyPrint relies on too) give every
browser the right places to break. A soft hyphen shows only where a line breaks; screen readers skip it.
"""

import re
from functools import lru_cache

import pyphen
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

SOFT_HYPHEN = "\u00ad"
# Words of ten letters or more, never broken closer than four letters to either end ("In-", "-re" read badly);
# the same limits as `hyphenate-limit-chars: 10 4 4` in site.css.
WORD = re.compile(r"[^\W\d_]{10,}")
KEEP_TOGETHER = 4


@lru_cache(maxsize=8)
def _dictionary(language: str) -> pyphen.Pyphen | None:
    if not pyphen.language_fallback(language):
        return None
    return pyphen.Pyphen(lang=language, left=KEEP_TOGETHER, right=KEEP_TOGETHER)


@register.filter(needs_autoescape=True)
def hyphenate(value, autoescape=True):
    """The text with soft hyphens at the hyphenation points of its long words, in the active language."""
    text = conditional_escape(value) if autoescape else str(value)
    dictionary = _dictionary(get_language() or "de")
    if dictionary is None:
        return text
    return mark_safe(WORD.sub(lambda word: dictionary.inserted(word.group(), hyphen=SOFT_HYPHEN), text))
