"""iCalendar documents for runs: one event per session, with the place and a link to the course.

Each event keeps its UID for good and carries the session's SEQUENCE, which grows with every change of
time or place and when the run is called off, so subscribed calendars replace the event they hold.
"""

from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from core.text import single_line
from courses.models import CourseRun


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Regionallabore//Kurse//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", single_line(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def runs_calendar(
    runs: Iterable[CourseRun], *, name: str, tentative_run_ids: Collection[int] = frozenset()
) -> bytes:
    """Every session of the given runs (sessions, course and lab must be prefetched).

    Sessions of a cancelled run are cancelled events; those of `tentative_run_ids` (a seat offered, not
    yet taken) are tentative.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    cal = _calendar(name)
    stamp = timezone.now()
    for run in runs:
        url = settings.SITE_URL + run.course.url if run.course.url else settings.SITE_URL
        for session in run.sessions.all():
            event = Event()
            event.add("uid", f"session-{session.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("sequence", session.sequence)
            event.add("dtstart", timezone.localtime(session.start))
            event.add("dtend", timezone.localtime(session.end))
            event.add("summary", single_line(str(run)))
            event.add("location", single_line(session.where))
            event.add("url", url)
            event.add("description", f"{run.course.summary}\n\n{url}")
            if run.status == CourseRun.Status.CANCELLED:
                event.add("status", "CANCELLED")
            elif run.pk in tentative_run_ids:
                event.add("status", "TENTATIVE")
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def run_calendar(run: CourseRun) -> bytes:
    return runs_calendar([run], name=str(run))
