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

ENROLMENT_CONFIRMATION = "enrolment_confirmation"
WAITLIST_PROMOTION = "waitlist_promotion"


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


def send_enrolment_confirmation(enrolment_id: int) -> None:
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


def send_waitlist_promotion(enrolment_id: int) -> None:
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
