"""What trainers see: their runs, the next sessions, attendance sheets."""

from datetime import timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from courses.models import Attendance, CourseRun, Enrolment, Session
from courses.selectors import run_list
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


def trainer_sessions_upcoming(*, user, limit: int = 5) -> list[Session]:
    """The next sessions (those under way included) of the open runs a person teaches, soonest first,
    with their run, place and `participants` (seats taken)."""
    runs = runs_taught_by(user=user, include_past=False).values("pk")
    return list(
        Session.objects.filter(run__in=runs, end__gte=timezone.now())
        .select_related("run", "run__course", "run__lab", "run__room")
        .annotate(
            participants=Count(
                "run__enrolments", filter=Q(run__enrolments__status__in=Enrolment.ATTENDING), distinct=True
            )
        )
        .order_by("start", "pk")[:limit]
    )


def session_attendance(*, session: Session) -> list[dict]:
    """One row per participant holding a seat in the session's run, with the recorded status or None."""
    recorded = Attendance.objects.filter(session=session, enrolment=OuterRef("pk")).values("status")[:1]
    enrolments = (
        Enrolment.objects.filter(run_id=session.run_id, status__in=Enrolment.ATTENDING)
        .select_related("user")
        .annotate(attendance_status=Subquery(recorded))
        .order_by("user__full_name", "user__email")
    )
    return [
        {"enrolment": e.pk, "participant": e.user.get_full_name(), "status": e.attendance_status, "obj": e}
        for e in enrolments
    ]


def run_sessions_with_recorded(*, run: CourseRun) -> QuerySet[Session]:
    """The sessions of a run in order, each with `recorded` (how many attendances are recorded)."""
    return Session.objects.filter(run=run).annotate(recorded=Count("attendances")).order_by("start", "pk")
