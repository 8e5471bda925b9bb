"""Public calendar feeds (.ics): one run, or every upcoming run of a lab."""

from django.http import Http404, HttpResponse

from courses.calendar.ics import run_calendar, runs_calendar
from courses.models import CourseRun
from courses.selectors import run_list
from labs.models import LabPage


def _ics(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def run_calendar_view(request, run_id):
    run = (
        CourseRun.objects.select_related("course", "lab", "room")
        .prefetch_related("sessions")
        .filter(pk=run_id, course__live=True)
        .first()
    )
    if run is None:
        raise Http404
    return _ics(run_calendar(run), filename=f"kurs-{run.pk}.ics")


def lab_calendar_view(request, slug):
    lab = LabPage.objects.live().filter(slug=slug).first()
    if lab is None:
        raise Http404
    runs = run_list().filter(lab=lab, course__live=True)
    return _ics(runs_calendar(runs, name=lab.title), filename=f"{lab.slug}.ics")
