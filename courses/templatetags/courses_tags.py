from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.forms import SignupForm
from courses.bookings.selectors import runs_for_course_page_with_booking
from courses.catalogue.selectors import upcoming_runs_for_lab
from courses.selectors import format_moment
from courses.trainer.selectors import user_teaches_anywhere

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
def moment(value) -> str:
    """A point in time written out: "Dienstag, 8. Dezember 2026, 18:00 Uhr"."""
    return format_moment(value) if value else ""


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


def _once_per_request(request, key: tuple, compute):
    """`compute()` once per request and `key`: the page's head (structured data) and its body show the same
    runs, read once."""
    if request is None:
        return compute()
    found = request.__dict__.setdefault("_runs_shown", {})
    if key not in found:
        found[key] = compute()
    return found[key]


def lab_runs_for_request(request, lab, limit: int = 20) -> list:
    """The next runs at a lab (`upcoming_runs_for_lab`), read once per request."""
    return _once_per_request(
        request, ("lab", lab.pk, lab.locale_id, limit), lambda: upcoming_runs_for_lab(lab=lab, limit=limit)
    )


def course_runs_for_request(request, course) -> list:
    """The runs of a course page for the visitor (`runs_for_course_page_with_booking`), read once per
    request."""
    user = getattr(request, "user", None)
    return _once_per_request(
        request,
        ("course", course.pk, course.locale_id),
        lambda: runs_for_course_page_with_booking(course=course, user=user),
    )


@register.inclusion_tag("courses/includes/lab_runs.html", takes_context=True)
def upcoming_runs(context, lab, limit: int = 20):
    """The next runs at a lab, as cards: `{% upcoming_runs lab=page %}`."""
    request = context.get("request")
    return {"runs": lab_runs_for_request(request, lab, limit), "lab": lab, "request": request}


@register.inclusion_tag("courses/includes/course_runs.html", takes_context=True)
def course_runs(context, course):
    """The runs of a course offer with the visitor's enrolment state, the cancellation deadline and, for
    contacts of an organisation, the way to book seats: `{% course_runs course=page %}`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "runs": course_runs_for_request(request, course),
        "course": course,
        "request": request,
        "user": user,
        # A new visitor of a course with a single date enrols right there (courses/includes/course_runs.html).
        "signup_form": SignupForm() if user is not None and not user.is_authenticated else None,
        "settings": context.get("settings"),
    }


@register.simple_tag(takes_context=True)
def user_teaches(context) -> bool:
    """Whether the visitor teaches or manages anything; asked once per request."""
    request = context.get("request")
    if request is None:
        return False
    if not hasattr(request, "_user_teaches"):
        request._user_teaches = user_teaches_anywhere(user=request.user)
    return request._user_teaches


@register.filter
def seats_text(run) -> str:
    """The seats left, written out: "Noch 3 Plätze frei", "Noch 1 Platz frei", or when none are left
    "Ausgebucht – Warteliste möglich"."""

    if run.seats_left <= 0:
        return _("Ausgebucht – Warteliste möglich")
    return ngettext("Noch %(n)s Platz frei", "Noch %(n)s Plätze frei", run.seats_left) % {"n": run.seats_left}
