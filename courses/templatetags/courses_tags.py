from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def long_date(value) -> str:
    """A date written out: "Dienstag, 8. Dezember 2026"."""
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    # Translators: PHP-style date format for a date written out, e.g. "Dienstag, 8. Dezember 2026".
    return date_format(value, _("l, j. F Y"))


@register.filter
def session_when(session) -> str:
    """When a session meets, written out: "Dienstag, 8. Dezember 2026, 18:00 bis 20:00 Uhr"."""
    start, end = timezone.localtime(session.start), timezone.localtime(session.end)
    if start.date() == end.date():
        return _("%(day)s, %(start)s bis %(end)s Uhr") % {
            "day": long_date(start),
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
        }
    return _("%(start_day)s, %(start)s Uhr bis %(end_day)s, %(end)s Uhr") % {
        "start_day": long_date(start),
        "start": start.strftime("%H:%M"),
        "end_day": long_date(end),
        "end": end.strftime("%H:%M"),
    }
