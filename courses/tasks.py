"""Mail about enrolments. Each task reads the current state first, so running it twice sends nothing wrong."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .calendar.ics import run_calendar
from .models import CourseRun, Enrolment
from .selectors import waitlist_position


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
            subject=str(subject) % {"course": enrolment.run}, body=body, to=[enrolment.user.email]
        )
        if with_calendar:
            message.attach(f"kurs-{enrolment.run_id}.ics", run_calendar(enrolment.run), "text/calendar")
        message.send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
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


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
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
