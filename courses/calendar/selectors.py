"""Which runs each calendar feed shows, and where a person's private feed is found."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from courses.models import CalendarFeed, CourseRun, Enrolment, Session
from labs.models import LabPage

# A person's calendar shows the sessions of the runs they have a seat in (or had, once the run is over)
# and of those where a freed seat is offered to them.
PERSONAL_CALENDAR_STATUSES = (*Enrolment.ATTENDING, Enrolment.Status.OFFERED)
RUN_CANCELLED = Enrolment.Cause.RUN_CANCELLED


def _for_calendar(runs: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    """What `courses.calendar.ics.runs_calendar` reads of each run, in a fixed number of queries."""
    return runs.select_related("course", "lab", "room").prefetch_related("sessions").order_by("pk")


def run_for_calendar(*, run_id: int) -> CourseRun | None:
    """A run of a published course offer, also when it was cancelled (its events then say so)."""
    return _for_calendar(CourseRun.objects.filter(pk=run_id, course__live=True)).first()


def lab_calendar_runs(*, lab: LabPage, now=None) -> QuerySet[CourseRun]:
    """The lab's runs whose last session is still ahead: scheduled ones, and cancelled ones, so that
    calendars subscribed to the lab remove their events."""
    now = now or timezone.now()
    last_start = Session.objects.filter(run=OuterRef("pk")).order_by("-start").values("start")[:1]
    runs = (
        CourseRun.objects.filter(
            lab=lab,
            course__live=True,
            status__in=[CourseRun.Status.SCHEDULED, CourseRun.Status.CANCELLED],
        )
        .annotate(last_start=Subquery(last_start))
        .filter(last_start__gte=now)
    )
    return _for_calendar(runs)


def personal_calendar_runs(*, user) -> QuerySet[CourseRun]:
    """The runs in a person's calendar, each with `offer_open` (a seat is offered, not yet taken).

    Runs they have a seat in or are offered one, runs they teach, and runs called off while they were
    enrolled: those stay in the feed with cancelled events, so that subscribed calendars remove them.
    """
    mine = Enrolment.objects.filter(run=OuterRef("pk"), user=user)
    return _for_calendar(
        CourseRun.objects.annotate(
            offer_open=Exists(mine.filter(status=Enrolment.Status.OFFERED)),
        ).filter(
            Exists(mine.filter(status__in=PERSONAL_CALENDAR_STATUSES))
            | Exists(
                mine.filter(status=Enrolment.Status.CANCELLED, cancel_cause=Enrolment.Cause.RUN_CANCELLED)
            )
            | Q(pk__in=CourseRun.trainers.through.objects.filter(user=user).values("courserun_id"))
        )
    )


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The private feed with this token, with its person; None for an unknown or renewed token, or when
    the account is closed."""
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def calendar_feed_url(*, feed: CalendarFeed) -> str:
    """The feed's full address, to paste into a calendar app."""
    return settings.SITE_URL + reverse("calendar:personal", kwargs={"token": feed.token})
