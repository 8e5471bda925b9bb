"""The main menu's current section:
`{% if request.path|is_within:catalogue_url %} aria-current="page"{% endif %}`."""

from django import template

register = template.Library()


@register.filter
def is_within(path: str, section: str) -> bool:
    """Whether the address `path` lies in the section whose address is `section` ("/en/kurse/" within
    "/en/kurse/"). The section is reversed in the active language, so "/en/kurse/" is not within "/kurse/"."""
    return bool(section) and str(path).startswith(str(section))
