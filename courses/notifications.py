"""Mail about enrolments, delivered through the outbox.

Each handler reads the current state first and sends nothing when the mail no longer fits (a cancelled
enrolment gets no confirmation); the outbox makes sure a handler runs to the end once per recorded item.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.text import single_line

from .calendar.ics import run_calendar
from .models import CourseRun, Enrolment
from .selectors import waitlist_position

# To the person (or the named member) the place belongs to.
ENROLMENT_CONFIRMATION = "enrolment_confirmation"  # a seat, or a place on the waiting list; with .ics
WAITLIST_PROMOTION = "waitlist_promotion"  # a seat given from the waiting list (to the contact: booked seats)
SEAT_OFFER = "seat_offer"  # a freed seat offered until `offer_expires_at`
ENROLMENT_CANCELLED = "enrolment_cancelled"  # the place ended; the text follows `cancel_cause`
RUN_CHANGED = "run_changed"  # time or place changed; key: the run's schedule version
SESSION_REMINDER = "session_reminder"  # 24 h before a session; key: "session-<id>"
MEMBER_INVITATION = "member_invitation"  # a contact named a member
# To the contact who booked.
BOOKING_CONFIRMATION = "booking_confirmation"
BOOKING_CANCELLED = "booking_cancelled"
BOOKING_MEMBER_LEFT = "booking_member_left"  # a member gave the seat back or declined
BOOKING_UNNAMED_REMINDER = "booking_unnamed_reminder"  # a week before the start
BOOKING_SEATS_RELEASED = "booking_seats_released"  # unnamed seats went to the waiting list


def _enrolment(enrolment_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_related("user", "run", "run__course", "run__lab", "run__room")
        .prefetch_related("run__sessions")
        .filter(pk=enrolment_id)
        .first()
    )


def _send(*, enrolment: Enrolment, template: str, subject: str, with_calendar: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "enrolment": enrolment,
            "run": enrolment.run,
            "user": enrolment.user,
            "waitlist_position": waitlist_position(enrolment=enrolment),
            "site_url": settings.SITE_URL,
        }
        body = render_to_string(template, context)
        message = EmailMessage(
            subject=single_line(str(subject) % {"course": enrolment.run}),
            body=body,
            to=[enrolment.user.email],
        )
        if with_calendar:
            message.attach(f"kurs-{enrolment.run_id}.ics", run_calendar(enrolment.run), "text/calendar")
        message.send()


def send_enrolment_confirmation(enrolment_id: int, key: str = "") -> None:
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status not in Enrolment.ACTIVE:
        return
    if enrolment.status == Enrolment.Status.CONFIRMED:
        subject = _("Anmeldung bestätigt: %(course)s")
    else:
        subject = _("Warteliste: %(course)s")
    _send(
        enrolment=enrolment,
        template="courses/email/enrolment_confirmation.txt",
        subject=subject,
        with_calendar=enrolment.status == Enrolment.Status.CONFIRMED,
    )


def send_waitlist_promotion(enrolment_id: int, key: str = "") -> None:
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status != Enrolment.Status.CONFIRMED:
        return
    if enrolment.run.status != CourseRun.Status.SCHEDULED:
        return
    _send(
        enrolment=enrolment,
        template="courses/email/waitlist_promotion.txt",
        subject=_("Ein Platz ist frei geworden: %(course)s"),
        with_calendar=True,
    )


def _pending(object_id: int, key: str = "") -> None:
    raise NotImplementedError


HANDLERS = {
    ENROLMENT_CONFIRMATION: send_enrolment_confirmation,
    WAITLIST_PROMOTION: send_waitlist_promotion,
    SEAT_OFFER: _pending,
    ENROLMENT_CANCELLED: _pending,
    RUN_CHANGED: _pending,
    SESSION_REMINDER: _pending,
    MEMBER_INVITATION: _pending,
    BOOKING_CONFIRMATION: _pending,
    BOOKING_CANCELLED: _pending,
    BOOKING_MEMBER_LEFT: _pending,
    BOOKING_UNNAMED_REMINDER: _pending,
    BOOKING_SEATS_RELEASED: _pending,
}
