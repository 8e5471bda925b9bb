"""Rules every audience shares: seats, enrolment windows, waiting-list positions, who teaches and
attendance outcomes. The services read them under the run's lock; the views and the API show them."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from wagtail.models import Page

from labs.places import municipality_choices
from labs.selectors import user_is_lab_manager

from .models import Attendance, CourseRun, Enrolment, Session

# Counted against capacity: seats of people, offered seats and the seats organisations hold.
SEAT_TAKING = Enrolment.SEAT_HOLDING


def waitlist_position_expression():
    """1-based position of a waitlisted enrolment on its run's waiting list (ties by id, so positions
    never repeat when several seats of a booking join at once)."""
    ahead = (
        Enrolment.objects.filter(run=OuterRef("run"), status=Enrolment.Status.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def run_places_for_person(*, run: CourseRun, user) -> dict[str, int]:
    """What enrolling the person in the run depends on, in one statement: `mine` (their active places),
    `invited` (active invitations to their email), `waiting` (the waiting list's length) and `taken`
    (seats held). Enrolling reads it under the run's lock, so it is written in SQL: the ORM would spend
    longer building the query than the database spends answering it, and every enrolment in the run waits
    for the lock meanwhile."""
    table = Enrolment._meta.db_table
    holding = ", ".join(["%s"] * len(SEAT_TAKING))
    sql = (
        "SELECT"
        " COUNT(*) FILTER (WHERE status <> %s AND user_id = %s),"
        " COUNT(*) FILTER (WHERE status <> %s AND member_email <> '' AND LOWER(member_email) = LOWER(%s)),"
        " COUNT(*) FILTER (WHERE status = %s),"
        f" COUNT(*) FILTER (WHERE status IN ({holding}))"
        f" FROM {table} WHERE run_id = %s"
    )
    cancelled = Enrolment.Status.CANCELLED.value
    params = [cancelled, user.pk, cancelled, user.email, Enrolment.Status.WAITLISTED.value]
    params += [str(status) for status in SEAT_TAKING] + [run.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        mine, invited, waiting, taken = cursor.fetchone()
    return {"mine": mine, "invited": invited, "waiting": waiting, "taken": taken}


def _enrolments_counted(statuses) -> Coalesce:
    """How many of the run's enrolments are in `statuses`: a subquery per run, which the index on
    (run, status) answers. Counting over a join instead would group every selected column of the run and
    of what is selected with it."""
    counted = (
        Enrolment.objects.filter(run=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_seats_left(queryset: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    """Annotate runs with `seats_taken`, `seats_left` and `first_start`: what a card needs to say when a run
    begins and whether a seat is free."""
    return queryset.annotate(
        seats_taken=_enrolments_counted(SEAT_TAKING),
        first_start=Subquery(
            Session.objects.filter(run=OuterRef("pk")).order_by("start").values("start")[:1]
        ),
    ).annotate(seats_left=Greatest(Value(0), Coalesce("capacity", 0) - F("seats_taken")))


def with_seat_counts(queryset: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    """Annotate runs with `seats_taken`, `seats_left`, `waitlist_length`, `first_start` and `last_start`."""
    return with_seats_left(queryset).annotate(
        waitlist_length=_enrolments_counted((Enrolment.Status.WAITLISTED,)),
        last_start=Subquery(
            Session.objects.filter(run=OuterRef("pk")).order_by("-start").values("start")[:1]
        ),
    )


def enrolment_closed_reason(*, run: CourseRun, now=None, ignore_deadline: bool = False) -> str | None:
    """Why nobody can enrol in the run now, or None when enrolment is open. The lab itself
    (`ignore_deadline`) may enrol people after the enrolment deadline, until the course begins."""
    now = now or timezone.now()
    if run.status == CourseRun.Status.CANCELLED:
        return _("Dieser Kurs wurde abgesagt.")
    if run.status == CourseRun.Status.CLOSED:
        return _("Dieser Kurs ist bereits vorbei.")
    first_start = run_first_start(run)
    if first_start is None:
        return _("Für diesen Kurs stehen noch keine Termine fest.")
    closes_at = first_start if ignore_deadline else (run.enrolment_closes_at or first_start)
    if now >= closes_at:
        if now >= first_start:
            return _("Dieser Kurs hat schon begonnen.")
        return _("Die Anmeldefrist für diesen Kurs ist abgelaufen.")
    return None


def run_first_start(run: CourseRun):
    """When the run's first session begins: from the selectors' annotation, the prefetched sessions, or a
    query."""
    if hasattr(run, "first_start"):
        return run.first_start
    if "sessions" in getattr(run, "_prefetched_objects_cache", {}):
        return min((session.start for session in run.sessions.all()), default=None)
    return run.sessions.order_by("start").values_list("start", flat=True).first()


def cancellation_deadline(*, run: CourseRun):
    """Until when participants give their seat back themselves: the course's hours before the first
    session. None while the run has no sessions."""
    first_start = run_first_start(run)
    if first_start is None:
        return None
    return first_start - timedelta(hours=run.course.cancellation_hours)


def unnamed_release_at(*, run: CourseRun):
    """When seats an organisation has not given to anyone go to the waiting list."""
    first_start = run_first_start(run)
    if first_start is None:
        return None
    return first_start - timedelta(hours=run.unnamed_release_hours)


# A session's attendance can be recorded from this long before it begins (a trainer preparing the sheet
# the evening before), never earlier.
ATTENDANCE_OPENS_BEFORE = timedelta(days=1)


def attendance_opens_at(*, session: Session):
    """From when a session's attendance can be recorded."""
    return session.start - ATTENDANCE_OPENS_BEFORE


@dataclass(frozen=True)
class RunCloseResult:
    completed: list[Enrolment]
    not_completed: list[Enrolment]


def run_close_result(*, run: CourseRun) -> RunCloseResult:
    """The outcome of a closed run, as closing it reported."""
    ended = list(
        Enrolment.objects.filter(
            run=run, status__in=(Enrolment.Status.COMPLETED, Enrolment.Status.NOT_COMPLETED)
        ).select_related("user")
    )
    return RunCloseResult(
        completed=[e for e in ended if e.status == Enrolment.Status.COMPLETED],
        not_completed=[e for e in ended if e.status == Enrolment.Status.NOT_COMPLETED],
    )


def format_moment(moment) -> str:
    """A moment as people read it: "Dienstag, 8. Dezember 2026, 18:00 Uhr"."""
    return date_format(timezone.localtime(moment), _("l, j. F Y, H:i \\U\\h\\r"))


def enrolment_cancel_refusal(
    *, enrolment: Enrolment, run: CourseRun | None = None, now=None, by_manager: bool = False
) -> str | None:
    """Why the place can no longer be given back, or None while it can.

    Active places of a scheduled run whose last session is still ahead can be given back. A seat
    (confirmed or held for a member) only until the course's cancellation deadline, except by the lab's
    managers; a place on the waiting list or an open offer may be left until the course is over.
    Uses the run's prefetched sessions if any.
    """
    run = run or enrolment.run
    now = now or timezone.now()
    if enrolment.status not in Enrolment.ACTIVE or run.status != CourseRun.Status.SCHEDULED:
        return _("Diese Anmeldung kann nicht mehr abgesagt werden.")
    starts = [session.start for session in run.sessions.all()]
    if starts and max(starts) <= now:
        return _("Der Kurs hat schon stattgefunden.")
    if by_manager or enrolment.status in (Enrolment.Status.WAITLISTED, Enrolment.Status.OFFERED):
        return None
    deadline = cancellation_deadline(run=run)
    if deadline is not None and now >= deadline:
        return _(
            "Die Absagefrist ist am %(deadline)s abgelaufen. Bitte sagen Sie dem Labor Bescheid, "
            "wenn Sie nicht kommen können."
        ) % {"deadline": format_moment(deadline)}
    return None


def run_cards(*, include_past: bool = False) -> QuerySet[CourseRun]:
    """Runs with what a card shows of the run itself: room, sessions and seat counts, soonest first.

    Course and lab pages are left to the caller, who often has them already (the page in view) or needs
    them in the visitor's language; `run_list` fetches them."""
    runs = with_seat_counts(CourseRun.objects.all())
    if not include_past:
        # "A session still to begin" rather than `last_start`: the database stops at the first such session,
        # and a paginator's count carries no subquery that sorts each run's sessions.
        upcoming = Session.objects.filter(run=OuterRef("pk"), start__gte=timezone.now())
        runs = runs.filter(Exists(upcoming), status=CourseRun.Status.SCHEDULED)
    return runs.select_related("room").prefetch_related("sessions").order_by("first_start", "pk")


def run_list(*, include_past: bool = False) -> QuerySet[CourseRun]:
    """Runs with everything a list of runs shows: course, lab, room, sessions and seat counts; a fixed
    number of queries. Each course and lab page is built once for the list, not once per run."""
    return run_cards(include_past=include_past).prefetch_related("course", "lab")


def run_get(*, run_id: int) -> CourseRun:
    return run_cards(include_past=True).select_related("course", "lab").get(pk=run_id)


def session_get(*, session_id: int) -> Session:
    return Session.objects.select_related("run", "run__lab", "run__room").get(pk=session_id)


def waitlist_position(*, enrolment: Enrolment) -> int | None:
    if enrolment.status != Enrolment.Status.WAITLISTED:
        return None
    return (
        Enrolment.objects.filter(run_id=enrolment.run_id, status=Enrolment.Status.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=enrolment.waitlisted_at)
            | Q(waitlisted_at=enrolment.waitlisted_at, pk__lte=enrolment.pk)
        )
        .count()
    )


def user_can_write_course(*, user, lab: Page, course: Page | None = None) -> bool:
    """Who writes and publishes the lab's course offers (a new one when `course` is None): the lab's managers,
    and whoever may write and publish those pages in the CMS (the site's editors, the lab's editors,
    superusers), so that the API allows what the CMS allows."""
    if not user.is_authenticated:
        return False
    if user_is_lab_manager(user=user, lab_id=lab.pk):
        return True
    if course is None:
        permissions = lab.permissions_for_user(user)
        return permissions.can_add_subpage() and permissions.can_publish_subpage()
    permissions = course.permissions_for_user(user)
    return permissions.can_edit() and permissions.can_publish()


def user_can_teach(*, user, run: CourseRun) -> bool:
    """Trainers of the run, managers of its lab and superusers may take attendance and close it."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return run.trainers.filter(pk=user.pk).exists() or user_is_lab_manager(user=user, lab_id=run.lab_id)


def present_counts(*, run: CourseRun) -> dict[int, int]:
    """How many sessions of the run each enrolment attended, by enrolment id."""
    rows = (
        Attendance.objects.filter(session__run=run, status=Attendance.Status.PRESENT)
        .values("enrolment_id")
        .annotate(n=Count("pk"))
    )
    return {row["enrolment_id"]: row["n"] for row in rows}


def attendance_met(*, attended: int, sessions: int, rule_percent: int) -> bool:
    """Whether attending `attended` of `sessions` meets a rule of `rule_percent` per cent."""
    return sessions > 0 and attended * 100 >= rule_percent * sessions


def with_attendance_outcome(*, run: CourseRun, enrolments, sessions: int) -> list[Enrolment]:
    """The enrolments, each with `attended` (sessions present) and `meets_rule` (the course's rule);
    one query however many there are."""
    attended = present_counts(run=run)
    rule = run.course.attendance_rule_percent
    enrolments = list(enrolments)
    for enrolment in enrolments:
        enrolment.attended = attended.get(enrolment.pk, 0)
        enrolment.meets_rule = attendance_met(
            attended=enrolment.attended, sessions=sessions, rule_percent=rule
        )
    return enrolments


def run_ready_to_close(*, run: CourseRun, now=None) -> bool:
    """The run is still open and its last session has begun."""
    now = now or timezone.now()
    if run.status != CourseRun.Status.SCHEDULED:
        return False
    if hasattr(run, "last_start"):
        last_start = run.last_start
    else:
        last_start = run.sessions.order_by("-start").values_list("start", flat=True).first()
    return last_start is not None and last_start <= now


def run_participants(*, run: CourseRun) -> QuerySet[Enrolment]:
    """The people taking part in the run (their seat confirmed), by name."""
    return (
        Enrolment.objects.filter(run=run, status__in=Enrolment.ATTENDING)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


# Where a person lives, for the labs' anonymous reports: a municipality of the district, or outside it.
MUNICIPALITY_OUTSIDE = "other"


def statistics_municipality_choices() -> list[tuple[str, str]]:
    """(value, name) of the district's municipalities a participant may name, by name; the value is the
    municipality's slug, which the reports group by. Read from the shipped data: the API's schema lists them
    without a database."""
    return municipality_choices()


def statistics_municipalities() -> list[str]:
    """The values an enrolment's `municipality` may take: a municipality's slug, or "other" (outside)."""
    return [*(slug for slug, _name in statistics_municipality_choices()), MUNICIPALITY_OUTSIDE]


def _in_run_room() -> Q:
    """Sessions that meet in their run's room: no place of their own and no outside venue for the run."""
    return Q(location="", run__venue_name="", run__room__isnull=False)


def room_clashes(*, run: CourseRun) -> list[tuple[Session, Session]]:
    """Pairs (a session of the run, a session of another run) that meet in the run's room at overlapping
    times, in two queries. Cancelled runs do not hold a room."""
    if run.room_id is None or run.venue_name:
        return []
    mine = list(Session.objects.filter(run=run, location=""))
    if not mine:
        return []
    overlapping = Q(pk__in=[])
    for session in mine:
        overlapping |= Q(start__lt=session.end, end__gt=session.start)
    others = (
        Session.objects.filter(overlapping, _in_run_room(), run__room_id=run.room_id)
        .exclude(run_id=run.pk)
        .exclude(run__status=CourseRun.Status.CANCELLED)
        .select_related("run__course")
        .order_by("start", "pk")
    )
    return [
        (session, other)
        for other in others
        for session in mine
        if session.start < other.end and other.start < session.end
    ]
