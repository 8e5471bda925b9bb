"""What a participant sees of their own enrolments."""

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from courses.models import Enrolment
from courses.selectors import enrolment_cancel_refusal, waitlist_position_expression
from labs.models import LabRole


def enrolment_list_for_user(*, user) -> QuerySet[Enrolment]:
    """A person's enrolments with their run, sessions and waiting-list position, newest run first."""
    return (
        Enrolment.objects.filter(user=user)
        .annotate(waitlist_position=waitlist_position_expression())
        .select_related("run", "run__course", "run__lab", "run__room")
        .prefetch_related("run__sessions")
        .order_by("-created_at")
    )


def enrolments_upcoming_and_past(*, user) -> tuple[list[Enrolment], list[Enrolment]]:
    """A person's places that can still be given back, soonest first; everything else, newest first."""
    now = timezone.now()
    upcoming, past = [], []
    for enrolment in enrolment_list_for_user(user=user):
        is_upcoming = enrolment_cancel_refusal(enrolment=enrolment, now=now) is None
        (upcoming if is_upcoming else past).append(enrolment)
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
