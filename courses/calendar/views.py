"""Calendar feeds (.ics): one run, every upcoming run of a lab, and a person's private feed."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from courses.calendar.ics import run_calendar, runs_calendar
from courses.calendar.selectors import (
    calendar_feed_by_token,
    lab_calendar_runs,
    personal_calendar_runs,
    run_for_calendar,
)
from labs.models import LabPage


def _ics(body: bytes, *, filename: str, cache_control: str = "public, max-age=300") -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = cache_control
    return response


def run_calendar_view(request, run_id):
    run = run_for_calendar(run_id=run_id)
    if run is None:
        raise Http404
    return _ics(run_calendar(run), filename=f"kurs-{run.pk}.ics")


def lab_calendar_view(request, slug):
    # The German page, which the runs point to (its English counterpart has the same slug).
    lab = LabPage.objects.live().filter(slug=slug, locale__language_code=settings.LANGUAGE_CODE).first()
    if lab is None:
        raise Http404
    return _ics(runs_calendar(lab_calendar_runs(lab=lab), name=lab.title), filename=f"{lab.slug}.ics")


def personal_calendar_view(request, token):
    """The private feed a calendar app subscribes to; whoever has the address reads it, so no proxy or
    shared cache may keep a copy."""
    feed = calendar_feed_by_token(token=token)
    if feed is None:
        raise Http404
    runs = list(personal_calendar_runs(user=feed.user))
    with translation.override(feed.user.language):
        name = _("Meine Kurse in den Regionallaboren")
    body = runs_calendar(runs, name=name, tentative_run_ids={run.pk for run in runs if run.offer_open})
    return _ics(body, filename="meine-kurse.ics", cache_control="private, no-store")
