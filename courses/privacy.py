"""The courses app's part in a person's privacy (accounts.privacy.registry): their enrolments with
attendance and statistics answers, the bookings they made, their badges and calendar address; on erasure,
their places given back and their names removed; and the rule that erases walk-ins' contact data.

An erased person's enrolments and attendance stay, pointing to the anonymous account, with age band,
municipality and status: reports count them as before.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from accounts.privacy.serialise import iso

from . import notifications
from .models import Attendance, BadgeAssertion, Booking, CalendarFeed, CourseRun, Enrolment, Session

# Walk-ins' names and addresses are kept this long after their run's last session, for the certificate and
# questions about it; then erased.
WALK_IN_RETENTION = timedelta(days=365)
# What stands in place of an erased walk-in's name (a walk-in without an account needs one).
ERASED_NAME = "–"

ENROLMENT_MAILS = (
    notifications.ENROLMENT_CONFIRMATION,
    notifications.WAITLIST_PROMOTION,
    notifications.SEAT_OFFER,
    notifications.ENROLMENT_CANCELLED,
    notifications.RUN_CHANGED,
    notifications.SESSION_REMINDER,
    notifications.MEMBER_INVITATION,
)
BOOKING_MAILS = (
    notifications.BOOKING_CONFIRMATION,
    notifications.BOOKING_CANCELLED,
    notifications.BOOKING_UNNAMED_REMINDER,
    notifications.BOOKING_SEATS_RELEASED,
)


def _enrolments_of(user):
    return Enrolment.objects.filter(user=user)


def export_enrolments(user) -> list[dict]:
    enrolments = (
        _enrolments_of(user)
        .select_related("run__course", "run__lab", "booking__organisation")
        .prefetch_related("run__sessions")
        .order_by("created_at", "pk")
    )
    attendance: dict[int, list[dict]] = {}
    for record in (
        Attendance.objects.filter(enrolment__user=user).select_related("session").order_by("session__start")
    ):
        attendance.setdefault(record.enrolment_id, []).append(
            {"session_start": iso(record.session.start), "status": record.get_status_display()}
        )
    rows = []
    for enrolment in enrolments:
        run = enrolment.run
        sessions = list(run.sessions.all())
        rows.append(
            {
                "id": enrolment.pk,
                "course": run.course.title,
                "run": run.title,
                "lab": run.lab.title,
                "sessions": [{"start": iso(s.start), "end": iso(s.end)} for s in sessions],
                "status": enrolment.get_status_display(),
                "organisation": enrolment.booking.organisation.name if enrolment.booking_id else None,
                "walk_in": enrolment.walk_in,
                "created_at": iso(enrolment.created_at),
                "confirmed_at": iso(enrolment.confirmed_at),
                "waitlisted_at": iso(enrolment.waitlisted_at),
                "offer_expires_at": iso(enrolment.offer_expires_at),
                "cancelled_at": iso(enrolment.cancelled_at),
                "cancel_cause": enrolment.get_cancel_cause_display() if enrolment.cancel_cause else "",
                "completed_at": iso(enrolment.completed_at),
                "age_band": enrolment.get_age_band_display() if enrolment.age_band else "",
                "municipality": enrolment.municipality,
                "attendance": attendance.get(enrolment.pk, []),
            }
        )
    return rows


def export_bookings(user) -> list[dict]:
    """Bookings the person made for an organisation. The members' names are theirs, not the person's: only
    how many seats were named."""
    bookings = Booking.objects.filter(booked_by=user).select_related("organisation", "run__course")
    return [
        {
            "organisation": booking.organisation.name,
            "course": booking.run.course.title,
            "run": booking.run.title,
            "seats_requested": booking.seats_requested,
            "status": booking.get_status_display(),
            "created_at": iso(booking.created_at),
            "cancelled_at": iso(booking.cancelled_at),
        }
        for booking in bookings.order_by("created_at", "pk")
    ]


def export_badges(user) -> list[dict]:
    assertions = BadgeAssertion.objects.filter(enrolment__user=user).select_related("badge_class")
    return [
        {
            "badge": assertion.badge_class.name,
            "issued_on": iso(assertion.issued_on),
            "revoked": assertion.revoked,
            "revocation_reason": assertion.revocation_reason,
            "show_name": assertion.show_name,
        }
        for assertion in assertions.order_by("issued_on", "pk")
    ]


def export_calendar(user) -> dict:
    # Whether the private address exists and since when; never the address itself.
    feed = CalendarFeed.objects.filter(user=user).first()
    return {"exists": feed is not None, "created_at": iso(feed.created_at) if feed else None}


def export_teaching(user) -> list[dict]:
    runs = CourseRun.objects.filter(trainers=user).select_related("course").order_by("created_at", "pk")
    return [
        {"course": run.course.title, "run": run.title, "status": run.get_status_display()} for run in runs
    ]


def mails(user) -> dict[str, list[int]]:
    enrolment_ids = list(
        Enrolment.objects.filter(
            Q(user=user) | Q(user__isnull=True, member_email__iexact=user.email)
        ).values_list("pk", flat=True)
    )
    booking_ids = list(Booking.objects.filter(booked_by=user).values_list("pk", flat=True))
    return {
        **dict.fromkeys(ENROLMENT_MAILS, enrolment_ids),
        notifications.BOOKING_MEMBER_LEFT: enrolment_ids,
        **dict.fromkeys(BOOKING_MAILS, booking_ids),
    }


def erase(user, options) -> None:
    """Give back every place in a course that has not begun, and every place on a waiting list or offered,
    through the courses services, so that freed seats go to the next person waiting; then remove the
    person's name and address from their places and invitations, their calendar address and their
    trainer roles; their badges stop naming them."""
    from django.utils import timezone

    from .services import end_place, fill_free_seats, lock_run, return_to_booking

    now = timezone.now()
    active = list(
        _enrolments_of(user).filter(status__in=Enrolment.ACTIVE).values_list("run_id", flat=True).distinct()
    )
    for run_id in sorted(active):
        run = lock_run(CourseRun(pk=run_id))
        places = Enrolment.objects.select_related("booking").select_for_update(of=("self",))
        places = places.filter(run_id=run_id, user=user, status__in=Enrolment.ACTIVE)
        if run.first_start is not None and run.first_start <= now:
            # The course has begun: a seat taken stays (anonymous) and counts as before; only places
            # still waiting end.
            places = places.filter(status__in=(Enrolment.Status.WAITLISTED, Enrolment.Status.OFFERED))
        for enrolment in places:
            returned = return_to_booking(enrolment=enrolment, run=run, now=now)
            end_place(enrolment=enrolment, cause=Enrolment.Cause.SELF, now=now)
            if not returned and run.status == CourseRun.Status.SCHEDULED:
                fill_free_seats(run=run, now=now)
    # Invitations addressed to them but not yet accepted: the seat goes back to the organisation unnamed.
    invited = Enrolment.objects.filter(
        user__isnull=True, member_email__iexact=user.email, status=Enrolment.Status.INVITED
    )
    invited.update(status=Enrolment.Status.RESERVED, member_name="", member_email="")
    Enrolment.objects.filter(user__isnull=True, member_email__iexact=user.email).exclude(walk_in=True).update(
        member_name="", member_email=""
    )
    Enrolment.objects.filter(user__isnull=True, member_email__iexact=user.email, walk_in=True).update(
        member_name=ERASED_NAME, member_email=""
    )
    _enrolments_of(user).update(member_name="", member_email="", cancel_reason="")
    CalendarFeed.objects.filter(user=user).delete()
    BadgeAssertion.objects.filter(enrolment__user=user).update(show_name=False)
    user.teaching_runs.clear()


# Retention: walk-ins' contact data


def walk_ins_due(*, now: datetime):
    """Walk-in places whose run's last session ended more than WALK_IN_RETENTION ago and that still hold
    contact data."""
    ended = (
        Session.objects.values("run_id")
        .annotate(last_end=Max("end"))
        .filter(last_end__lte=now - WALK_IN_RETENTION)
        .values("run_id")
    )
    return Enrolment.objects.filter(walk_in=True, run_id__in=ended)


def walk_in_contacts_erase(*, now: datetime) -> int:
    """Erase walk-ins' contact data a year after their run: the name and address they gave, and the
    account made for them on the spot if they never used it (no password, never logged in, no other
    place). Counts and attendance stay. Idempotent; returns how many places changed."""
    from accounts.models import User
    from accounts.privacy.services import person_erase_unchecked

    due = walk_ins_due(now=now)
    with transaction.atomic():
        changed = (
            due.filter(user__isnull=True)
            .exclude(member_name=ERASED_NAME, member_email="")
            .update(member_name=ERASED_NAME, member_email="")
        )
        changed += (
            due.filter(user__isnull=False)
            .exclude(member_name="", member_email="")
            .update(member_name="", member_email="")
        )
    unused_accounts = (
        User.objects.filter(
            erased_at__isnull=True,
            last_login__isnull=True,
            password__startswith="!",
            enrolments__in=due.filter(user__isnull=False),
        )
        .exclude(enrolments__in=Enrolment.objects.filter(walk_in=False))
        .exclude(enrolments__in=Enrolment.objects.filter(walk_in=True).exclude(pk__in=due))
        .distinct()
    )
    for user in unused_accounts:
        person_erase_unchecked(user=user, by=None)
        changed += 1
    return changed


def _walk_in_rule(now: datetime) -> int:
    return walk_in_contacts_erase(now=now)


def register() -> None:
    """Called from `CoursesConfig.ready`."""
    from accounts.privacy.registry import register_retention_rule, register_section

    register_section(
        "enrolments",
        _("Ihre Anmeldungen, Wartelisten und Anwesenheiten"),
        export=export_enrolments,
        erase=erase,
        mails=mails,
        order=40,
    )
    register_section("bookings", _("Ihre Gruppenbuchungen"), export=export_bookings, order=50)
    register_section("badges", _("Ihre Badges"), export=export_badges, order=70)
    register_section("calendar_feed", _("Ihr persönlicher Kalender"), export=export_calendar, order=80)
    register_section("teaching", _("Kurse, die Sie leiten"), export=export_teaching, order=85)
    register_retention_rule(
        "walk_in_contacts",
        _("Namen und E-Mail-Adressen von Personen, die ohne Anmeldung zu einem Kurs kamen"),
        period=_("12 Monate nach dem letzten Termin des Kurses"),
        apply=_walk_in_rule,
        order=20,
    )
