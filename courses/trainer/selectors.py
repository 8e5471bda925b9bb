"""What trainers see: their runs, the next sessions, attendance sheets."""

from datetime import datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from courses.models import Attendance, CourseRun, Enrolment, Session
from courses.selectors import attendance_opens_at, run_list, run_participants, with_seat_counts
from labs.models import LabRole


def runs_taught_by(*, user, include_past: bool = True) -> QuerySet[CourseRun]:
    """The runs a person teaches or manages, soonest first."""
    runs = run_list(include_past=include_past)
    if user.is_superuser:
        return runs
    managed_labs = LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER).values("lab_id")
    return runs.filter(Q(trainers=user) | Q(lab_id__in=managed_labs)).distinct()


def user_teaches_anywhere(*, user) -> bool:
    """Whether the person trains a run or holds a role at a lab (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    people = user._meta.model.objects.filter(pk=user.pk)
    return people.filter(Q(teaching_runs__isnull=False) | Q(lab_roles__isnull=False)).exists()


def trainer_runs_open_or_recent(*, user, closed_within_days: int = 30) -> QuerySet[CourseRun]:
    """The runs a person teaches that are still open or were closed recently, soonest first,
    each with `ready_to_close` (its last session has begun and it is not closed yet)."""
    now = timezone.now()
    recent = now - timedelta(days=closed_within_days)
    return (
        runs_taught_by(user=user)
        .filter(
            Q(status=CourseRun.Status.SCHEDULED) | Q(status=CourseRun.Status.CLOSED, closed_at__gte=recent)
        )
        .annotate(
            ready_to_close=Case(
                When(status=CourseRun.Status.SCHEDULED, last_start__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def trainer_sessions_today_and_next(*, user, limit: int = 5) -> list[Session]:
    """All of today's sessions of the open runs a person teaches (those over already included, their
    attendance is still to be taken), then the next `limit` ones, soonest first. Each comes with its run,
    place, `participants` (seats taken), `is_today` and `attendance_open` (attendance can be recorded)."""
    now = timezone.now()
    today = timezone.localdate(now)
    today_starts = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    runs = runs_taught_by(user=user).filter(status=CourseRun.Status.SCHEDULED).values("pk")
    # Today's sessions are few; the cap keeps the list one query however many a lab schedules.
    sessions = list(
        Session.objects.filter(run__in=runs)
        .filter(Q(end__gte=now) | Q(start__gte=today_starts))
        .select_related("run", "run__course", "run__lab", "run__room")
        .annotate(
            participants=Count(
                "run__enrolments", filter=Q(run__enrolments__status__in=Enrolment.ATTENDING), distinct=True
            )
        )
        .order_by("start", "pk")[: limit + 20]
    )
    today_sessions, next_sessions = [], []
    for session in sessions:
        session.is_today = timezone.localdate(session.start) == today
        session.attendance_open = now >= attendance_opens_at(session=session)
        (today_sessions if session.is_today else next_sessions).append(session)
    return today_sessions + next_sessions[:limit]


def session_for_trainer(*, user, session_id: int) -> Session | None:
    """A session of a run the person teaches, with its run's seat counts (`seats_left`), course, lab and
    room, or None (also for another trainer's session)."""
    taught = runs_taught_by(user=user).values("pk")
    session = Session.objects.filter(run__in=taught, pk=session_id).first()
    if session is None:
        return None
    session.run = (
        with_seat_counts(CourseRun.objects.filter(pk=session.run_id))
        .select_related("course", "lab", "room")
        .get()
    )
    return session


def holder_sort_name():
    """What `Enrolment.holder_name` shows for a participant, in SQL, lower-cased to sort by: the person's
    name (their email address when they gave none), else the name a walk-in was written down with."""
    return Lower(
        Coalesce(
            NullIf(F("user__full_name"), Value("")),
            F("user__email"),
            F("member_name"),
            output_field=CharField(),
        )
    )


def session_attendance(*, session: Session) -> list[dict]:
    """One row per participant holding a seat in the session's run (walk-ins included), by name, with
    the recorded status or None."""
    recorded = Attendance.objects.filter(session=session, enrolment=OuterRef("pk")).values("status")[:1]
    enrolments = (
        Enrolment.objects.filter(run_id=session.run_id, status__in=Enrolment.ATTENDING)
        .select_related("user")
        .annotate(attendance_status=Subquery(recorded), sort_name=holder_sort_name())
        .order_by("sort_name", "pk")
    )
    return [
        {
            "enrolment": e.pk,
            "participant": e.holder_name,
            "status": e.attendance_status,
            "walk_in": e.walk_in,
            "obj": e,
        }
        for e in enrolments
    ]


def run_participants_by_name(*, run: CourseRun) -> QuerySet[Enrolment]:
    """The people taking part in the run (walk-ins included) by the name shown, each with its badge if
    one was awarded (`badge_assertion`), in one query."""
    return (
        run_participants(run=run)
        .select_related("badge_assertion")
        .annotate(sort_name=holder_sort_name())
        .order_by("sort_name", "pk")
    )


def run_sessions_with_recorded(*, run: CourseRun) -> QuerySet[Session]:
    """The sessions of a run in order, each with `recorded` (how many attendances are recorded)."""
    return Session.objects.filter(run=run).annotate(recorded=Count("attendances")).order_by("start", "pk")
