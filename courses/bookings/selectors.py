"""What an organisation's contacts and its invited members see of bookings: the bookings of their
organisations with their seats in words, the seats of one booking, and the runs they may book."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrganisationMembership
from accounts.selectors import organisations_of_contact

from ..catalogue.selectors import runs_for_course_page
from ..models import Booking, CoursePage, CourseRun, Enrolment, Session
from ..selectors import (
    cancellation_deadline,
    present_counts,
    run_first_start,
    unnamed_release_at,
    waitlist_position_expression,
)

# A booking's seats that are sure: unnamed, waiting for the member's yes, taken, or after the run.
SEATS_HELD = (
    Enrolment.Status.RESERVED,
    Enrolment.Status.INVITED,
    Enrolment.Status.CONFIRMED,
    Enrolment.Status.COMPLETED,
    Enrolment.Status.NOT_COMPLETED,
)
# How the places of one booking are listed: taken first, then invited, offered and waiting.
_PLACE_ORDER = {
    Enrolment.Status.COMPLETED: 0,
    Enrolment.Status.NOT_COMPLETED: 0,
    Enrolment.Status.CONFIRMED: 0,
    Enrolment.Status.INVITED: 1,
    Enrolment.Status.OFFERED: 2,
    Enrolment.Status.WAITLISTED: 3,
}


def user_is_contact(*, user) -> bool:
    """Whether the person may book seats for at least one organisation (one query)."""
    return organisations_of_contact(user=user).exists()


def bookings_of_contact(*, user) -> QuerySet[Booking]:
    """Every booking of the organisations the person is a contact of (all contacts of an organisation see
    its bookings), with run, course, lab, room and sessions, and the seats counted: `seats_held`,
    `seats_offered`, `seats_waiting`, `seats_unnamed`; plus the run's `first_start` and `last_start`."""
    if not user.is_authenticated:
        return Booking.objects.none()
    organisations = OrganisationMembership.objects.filter(
        user=user, role=OrganisationMembership.Role.CONTACT
    ).values("organisation_id")
    sessions = Session.objects.filter(run=OuterRef("run")).order_by()
    return (
        Booking.objects.filter(organisation_id__in=organisations)
        .annotate(
            seats_held=Count("enrolments", filter=Q(enrolments__status__in=SEATS_HELD)),
            seats_offered=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.OFFERED)),
            seats_waiting=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)),
            seats_unnamed=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.RESERVED)),
            first_start=Subquery(sessions.order_by("start").values("start")[:1]),
            last_start=Subquery(sessions.order_by("-start").values("start")[:1]),
        )
        .select_related("organisation", "run", "run__course", "run__lab", "run__room")
        .prefetch_related("run__sessions")
        .order_by("first_start", "pk")
    )


def _is_upcoming(booking: Booking, now: datetime) -> bool:
    return (
        booking.status == Booking.Status.ACTIVE
        and booking.run.status == CourseRun.Status.SCHEDULED
        and (booking.last_start is None or booking.last_start > now)
    )


def bookings_upcoming_and_past(*, user) -> tuple[list[Booking], list[Booking]]:
    """The person's organisations' bookings: active ones of runs still ahead or under way, soonest
    first; everything else (cancelled bookings, runs over or called off), newest first. Two queries."""
    now = timezone.now()
    upcoming, past = [], []
    for booking in bookings_of_contact(user=user):
        (upcoming if _is_upcoming(booking, now) else past).append(booking)
    past.reverse()
    return upcoming, past


@dataclass(frozen=True)
class BookingState:
    """What the contact can still do with a booking, and until when."""

    active: bool  # the booking and its run still stand
    begun: bool  # the first session has started
    over: bool  # the run was closed after its last session
    cancel_deadline: datetime | None
    deadline_passed: bool  # swapping members and cancelling end at the course's cancellation deadline
    release_at: datetime | None  # when unnamed seats go to the waiting list
    release_passed: bool
    sessions: int

    @property
    def can_name(self) -> bool:
        return self.active and not self.begun

    @property
    def can_change(self) -> bool:
        return self.active and not self.begun and not self.deadline_passed


def booking_state(*, booking: Booking, now=None) -> BookingState:
    """The booking's dates and what they still allow; reads the run's prefetched sessions."""
    now = now or timezone.now()
    run = booking.run
    first_start = run_first_start(run)
    deadline = cancellation_deadline(run=run)
    release_at = unnamed_release_at(run=run)
    return BookingState(
        active=booking.status == Booking.Status.ACTIVE and run.status == CourseRun.Status.SCHEDULED,
        begun=first_start is not None and first_start <= now,
        over=run.status == CourseRun.Status.CLOSED,
        cancel_deadline=deadline,
        deadline_passed=deadline is not None and deadline <= now,
        release_at=release_at,
        release_passed=release_at is not None and release_at <= now,
        sessions=len(run.sessions.all()),
    )


def booking_places(*, booking: Booking) -> list[Enrolment]:
    """The booking's named seats, offers and waiting places that still count (unnamed seats are only
    counted), in the order the booking page lists them: each with `waitlist_position` and `attended`
    (sessions present). Two queries."""
    places = list(
        Enrolment.objects.filter(booking=booking)
        .exclude(status__in=(Enrolment.Status.CANCELLED, Enrolment.Status.RESERVED))
        .annotate(waitlist_position=waitlist_position_expression())
        .select_related("user")
    )
    attended = present_counts(run=booking.run) if places else {}
    for place in places:
        place.attended = attended.get(place.pk, 0)
    places.sort(key=lambda p: (_PLACE_ORDER.get(p.status, 4), p.waitlist_position or 0, p.pk))
    return places


def runs_for_course_page_with_booking(*, course: CoursePage, user=None) -> list[CourseRun]:
    """The runs of the course page (see `runs_for_course_page`), each also with `cancel_deadline`,
    `cancel_deadline_passed` and `can_book` (the visitor is a contact of an organisation and enrolment is
    open)."""
    now = timezone.now()
    runs = runs_for_course_page(course=course, user=user)
    contact = bool(runs) and user is not None and user_is_contact(user=user)
    for run in runs:
        run.cancel_deadline = cancellation_deadline(run=run)
        run.cancel_deadline_passed = run.cancel_deadline is not None and run.cancel_deadline <= now
        run.can_book = contact and run.enrolment_open
    return runs


def invitation_refusal(*, enrolment: Enrolment, now=None) -> str | None:
    """Why the invited member can no longer accept, or None while they can."""
    now = now or timezone.now()
    if enrolment.status != Enrolment.Status.INVITED or enrolment.run.status != CourseRun.Status.SCHEDULED:
        return _("Diese Einladung gilt nicht mehr.")
    first_start = run_first_start(enrolment.run)
    if first_start is not None and first_start <= now:
        return _("Dieser Kurs hat schon begonnen.")
    return None
