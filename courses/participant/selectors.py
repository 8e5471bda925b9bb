"""What a participant sees of their own enrolments."""

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from courses.models import CourseRun, Enrolment
from courses.selectors import cancellation_deadline, enrolment_cancel_refusal, waitlist_position_expression
from labs.models import LabRole


def enrolment_list_for_user(*, user) -> QuerySet[Enrolment]:
    """A person's enrolments with their run, sessions and waiting-list position, newest run first."""
    return (
        Enrolment.objects.filter(user=user)
        .annotate(waitlist_position=waitlist_position_expression())
        .select_related("run", "run__course", "run__lab", "run__room", "booking__organisation")
        .prefetch_related("run__sessions")
        .order_by("-created_at")
    )


def enrolments_upcoming_and_past(*, user) -> tuple[list[Enrolment], list[Enrolment]]:
    """A person's active places in runs still ahead or under way, soonest first, each with
    `cancel_refusal` (why it can no longer be given back, or None) and `cancel_deadline`; everything
    else, newest first."""
    now = timezone.now()
    upcoming, past = [], []
    for enrolment in enrolment_list_for_user(user=user):
        run = enrolment.run
        last = max((s.start for s in run.sessions.all()), default=None)
        is_upcoming = (
            enrolment.status in Enrolment.ACTIVE
            and run.status == CourseRun.Status.SCHEDULED
            and (last is None or last > now)
        )
        if is_upcoming:
            enrolment.cancel_refusal = enrolment_cancel_refusal(enrolment=enrolment, run=run, now=now)
            enrolment.cancel_deadline = cancellation_deadline(run=run)
            upcoming.append(enrolment)
        else:
            past.append(enrolment)
    upcoming.sort(key=lambda e: min((s.start for s in e.run.sessions.all()), default=now))
    return upcoming, past


def enrolments_manageable_by(*, user) -> QuerySet[Enrolment]:
    """Enrolments a person may act on: their own, and every enrolment in the labs they manage."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    enrolments = Enrolment.objects.select_related("run", "run__course")
    if user.is_superuser:
        return enrolments
    managed_labs = LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER).values("lab_id")
    return enrolments.filter(Q(user=user) | Q(run__lab_id__in=managed_labs))
