"""Mail about enrolments and bookings, delivered through the outbox.

Each handler reads the current state first and sends nothing when the mail no longer fits (a cancelled
enrolment gets no confirmation, a superseded schedule no announcement); the outbox makes sure a handler runs
to the end once per recorded item. The wording of each mail is registered below in German and English and
may be changed by editors in the CMS ("E-Mail-Texte"); the facts people rely on (dates, places, links, the
calendar file) come from the templates in templates/courses/email/ and cannot be edited away.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from outbox.mail import register_mail, send

from .bookings.tokens import invitation_token
from .calendar.ics import run_calendar
from .models import Booking, CourseRun, Enrolment
from .selectors import cancellation_deadline, run_first_start, unnamed_release_at, waitlist_position

# Outbox kinds. To the person (or the named member) the place belongs to.
ENROLMENT_CONFIRMATION = "enrolment_confirmation"  # a seat, or a place on the waiting list; with .ics
WAITLIST_PROMOTION = "waitlist_promotion"  # a seat given from the waiting list (to the contact: booked seats)
SEAT_OFFER = "seat_offer"  # a freed seat offered until `offer_expires_at`
ENROLMENT_CANCELLED = "enrolment_cancelled"  # the place ended; the text follows `cancel_cause`
RUN_CHANGED = "run_changed"  # time or place changed; key: the run's schedule version
SESSION_REMINDER = "session_reminder"  # 24 h before a session; key: "session-<id>-v<sequence>"
MEMBER_INVITATION = "member_invitation"  # a contact named a member
# To the contact who booked.
BOOKING_CONFIRMATION = "booking_confirmation"
BOOKING_CANCELLED = "booking_cancelled"
BOOKING_MEMBER_LEFT = "booking_member_left"  # a member gave the seat back or declined
BOOKING_UNNAMED_REMINDER = "booking_unnamed_reminder"  # a week before the start
BOOKING_SEATS_RELEASED = "booking_seats_released"  # unnamed seats went to the waiting list

# Reminders are recorded for sessions that begin within this time (`session_reminders_record`); one that
# has moved further away by the time it is delivered no longer fits.
REMINDER_AHEAD = timedelta(hours=24)

# What the placeholders stand for, as editors read it in the CMS.
NAME = _("Name der Person, an die die E-Mail geht")
COURSE = _("Titel des Kurses")
ORGANISATION = _("Name der Organisation, die gebucht hat")
PLACEHOLDERS = {"name": NAME, "course": COURSE}
BOOKING_PLACEHOLDERS = {**PLACEHOLDERS, "organisation": ORGANISATION}


def _mail(key, label, template, *, subject_de, body_de, subject_en, body_en, placeholders=None):
    register_mail(
        key,
        label=label,
        subject={"de": subject_de, "en": subject_en},
        body={"de": body_de, "en": body_en},
        placeholders=placeholders or PLACEHOLDERS,
        template=f"courses/email/{template}",
    )


_mail(
    "enrolment_confirmed",
    _("Anmeldung bestätigt"),
    "seat",
    subject_de="Anmeldung bestätigt: {course}",
    body_de="Guten Tag {name},\n\nIhre Anmeldung für „{course}“ ist bestätigt. Ihr Platz ist reserviert.",
    subject_en="Enrolment confirmed: {course}",
    body_en="Hello {name},\n\nyour enrolment for “{course}” is confirmed. Your seat is reserved.",
)
_mail(
    "enrolment_waitlisted",
    _("Auf der Warteliste"),
    "waitlisted",
    subject_de="Warteliste: {course}",
    body_de=(
        "Guten Tag {name},\n\nder Kurs „{course}“ ist leider voll. Sie stehen auf der Warteliste, auf Platz "
        "{position}. Wird ein Platz frei, schreiben wir Ihnen."
    ),
    subject_en="Waiting list: {course}",
    body_en=(
        "Hello {name},\n\nunfortunately the course “{course}” is full. You are on the waiting list, in "
        "place {position}. If a seat becomes free, we will write to you."
    ),
    placeholders={**PLACEHOLDERS, "position": _("Platz auf der Warteliste")},
)
_mail(
    "waitlist_promotion",
    _("Platz von der Warteliste bekommen"),
    "seat",
    subject_de="Ein Platz ist frei geworden: {course}",
    body_de=(
        "Guten Tag {name},\n\ngute Nachricht: Im Kurs „{course}“ ist ein Platz frei geworden. Der Platz "
        "gehört jetzt Ihnen. Sie müssen nichts weiter tun."
    ),
    subject_en="A seat has become free: {course}",
    body_en=(
        "Hello {name},\n\ngood news: a seat has become free in the course “{course}”. The seat is now "
        "yours. You do not need to do anything else."
    ),
)
_mail(
    "booking_promotion",
    _("Gruppenbuchung: Platz von der Warteliste bekommen"),
    "booking",
    subject_de="Ein weiterer Platz für {organisation}: {course}",
    body_de=(
        "Guten Tag {name},\n\nim Kurs „{course}“ ist ein Platz frei geworden. Er gehört jetzt zur Buchung "
        "von {organisation}. Bitte tragen Sie ein, wer ihn bekommt."
    ),
    subject_en="Another seat for {organisation}: {course}",
    body_en=(
        "Hello {name},\n\na seat has become free in the course “{course}”. It now belongs to the booking "
        "of {organisation}. Please enter who will take it."
    ),
    placeholders=BOOKING_PLACEHOLDERS,
)
_mail(
    "seat_offer",
    _("Platz angeboten"),
    "seat_offer",
    subject_de="Ein Platz für Sie: {course}",
    body_de=(
        "Guten Tag {name},\n\nim Kurs „{course}“ ist ein Platz frei geworden. Sie sind auf der Warteliste "
        "als Nächste oder Nächster dran. Möchten Sie den Platz? Dann nehmen Sie ihn bis {deadline} an. "
        "Danach geht das Angebot an die nächste Person."
    ),
    subject_en="A seat for you: {course}",
    body_en=(
        "Hello {name},\n\na seat has become free in the course “{course}”. You are next on the waiting "
        "list. Would you like the seat? Then please accept it by {deadline}. After that, the offer goes to "
        "the next person."
    ),
    placeholders={**PLACEHOLDERS, "deadline": _("bis wann das Angebot gilt, ausgeschrieben")},
)
_mail(
    "booking_offer",
    _("Gruppenbuchung: Platz angeboten"),
    "seat_offer",
    subject_de="Ein Platz für {organisation}: {course}",
    body_de=(
        "Guten Tag {name},\n\nim Kurs „{course}“ ist ein Platz frei geworden. {organisation} ist auf der "
        "Warteliste als Nächstes dran. Möchten Sie den Platz? Dann nehmen Sie ihn bis {deadline} an. "
        "Danach geht das Angebot weiter."
    ),
    subject_en="A seat for {organisation}: {course}",
    body_en=(
        "Hello {name},\n\na seat has become free in the course “{course}”. {organisation} is next on the "
        "waiting list. Would you like the seat? Then please accept it by {deadline}. After that, the offer "
        "passes on."
    ),
    placeholders={**BOOKING_PLACEHOLDERS, "deadline": _("bis wann das Angebot gilt, ausgeschrieben")},
)
_mail(
    "enrolment_cancelled",
    _("Abmeldung bestätigt"),
    "ended",
    subject_de="Abmeldung bestätigt: {course}",
    body_de=(
        "Guten Tag {name},\n\nIhre Abmeldung ist bestätigt. Sie sind vom Kurs „{course}“ abgemeldet. "
        "Schade, dass Sie nicht kommen können."
    ),
    subject_en="Cancellation confirmed: {course}",
    body_en=(
        "Hello {name},\n\nyour cancellation is confirmed. You are no longer enrolled in the course "
        "“{course}”. We are sorry you cannot come."
    ),
)
_mail(
    "enrolment_removed",
    _("Vom Labor abgemeldet"),
    "ended",
    subject_de="Ihre Anmeldung ist beendet: {course}",
    body_de=(
        "Guten Tag {name},\n\ndas Labor hat Ihre Anmeldung für den Kurs „{course}“ beendet. Den Grund "
        "lesen Sie unten. Bei Fragen rufen Sie uns gern an."
    ),
    subject_en="Your enrolment has ended: {course}",
    body_en=(
        "Hello {name},\n\nthe lab has ended your enrolment in the course “{course}”. You can read the "
        "reason below. If you have questions, please call us."
    ),
)
_mail(
    "run_cancelled",
    _("Kurs abgesagt"),
    "ended",
    subject_de="Kurs abgesagt: {course}",
    body_de=(
        "Guten Tag {name},\n\nder Kurs „{course}“ findet leider nicht statt. Das Labor hat ihn abgesagt. "
        "Ihre Anmeldung ist damit beendet. Sie müssen nichts weiter tun."
    ),
    subject_en="Course cancelled: {course}",
    body_en=(
        "Hello {name},\n\nunfortunately the course “{course}” will not take place. The lab has cancelled "
        "it. Your enrolment has ended. You do not need to do anything."
    ),
)
_mail(
    "offer_expired",
    _("Angebot abgelaufen"),
    "ended",
    subject_de="Angebot abgelaufen: {course}",
    body_de=(
        "Guten Tag {name},\n\nwir hatten Ihnen einen Platz im Kurs „{course}“ angeboten. Das Angebot ist "
        "abgelaufen, der Platz geht an die nächste Person. Sie stehen nicht mehr auf der Warteliste. "
        "Möchten Sie doch teilnehmen? Dann melden Sie sich gern wieder an."
    ),
    subject_en="Offer expired: {course}",
    body_en=(
        "Hello {name},\n\nwe had offered you a seat in the course “{course}”. The offer has expired and the "
        "seat goes to the next person. You are no longer on the waiting list. If you would still like to "
        "take part, you are welcome to enrol again."
    ),
)
_mail(
    "booking_offer_expired",
    _("Gruppenbuchung: Angebot abgelaufen"),
    "ended",
    subject_de="Angebot abgelaufen: {course}",
    body_de=(
        "Guten Tag {name},\n\nwir hatten {organisation} einen Platz im Kurs „{course}“ angeboten. Das "
        "Angebot ist abgelaufen, der Platz geht an die nächste Person auf der Warteliste."
    ),
    subject_en="Offer expired: {course}",
    body_en=(
        "Hello {name},\n\nwe had offered {organisation} a seat in the course “{course}”. The offer has "
        "expired and the seat goes to the next person on the waiting list."
    ),
    placeholders=BOOKING_PLACEHOLDERS,
)
_mail(
    "member_removed",
    _("Gruppenbuchung: Person von der Organisation abgemeldet"),
    "ended",
    subject_de="Ihr Platz ist beendet: {course}",
    body_de=(
        "Guten Tag {name},\n\n{organisation} hat Ihren Platz im Kurs „{course}“ zurückgenommen. Ihre "
        "Anmeldung ist damit beendet. Bei Fragen wenden Sie sich bitte an {organisation}."
    ),
    subject_en="Your seat has ended: {course}",
    body_en=(
        "Hello {name},\n\n{organisation} has taken back your seat in the course “{course}”. Your enrolment "
        "has ended. If you have questions, please ask {organisation}."
    ),
    placeholders=BOOKING_PLACEHOLDERS,
)
_mail(
    "member_booking_cancelled",
    _("Gruppenbuchung storniert (an die eingetragenen Personen)"),
    "ended",
    subject_de="Buchung storniert: {course}",
    body_de=(
        "Guten Tag {name},\n\n{organisation} hat die Buchung für den Kurs „{course}“ storniert. Damit ist "
        "auch Ihr Platz beendet. Bei Fragen wenden Sie sich bitte an {organisation}."
    ),
    subject_en="Booking cancelled: {course}",
    body_en=(
        "Hello {name},\n\n{organisation} has cancelled the booking for the course “{course}”. Your seat has "
        "ended with it. If you have questions, please ask {organisation}."
    ),
    placeholders=BOOKING_PLACEHOLDERS,
)
_mail(
    "session_reminder",
    _("Erinnerung an einen Termin"),
    "session_reminder",
    subject_de="Erinnerung: {course} am {start}",
    body_de=(
        "Guten Tag {name},\n\nwir erinnern Sie an Ihren Kurs „{course}“. Der nächste Termin ist am {start}. "
        "Wir freuen uns auf Sie."
    ),
    subject_en="Reminder: {course} on {start}",
    body_en=(
        "Hello {name},\n\nthis is a reminder of your course “{course}”. The next session is on {start}. "
        "We look forward to seeing you."
    ),
    placeholders={
        **PLACEHOLDERS,
        "start": _("Beginn des Termins, ausgeschrieben"),
        "place": _("Ort des Termins"),
    },
)
_mail(
    "run_changed",
    _("Termine geändert"),
    "run_changed",
    subject_de="Geänderte Termine: {course}",
    body_de=(
        "Guten Tag {name},\n\nbeim Kurs „{course}“ hat sich die Zeit oder der Ort geändert. Unten stehen "
        "alle Termine, wie sie jetzt gelten."
    ),
    subject_en="Changed dates: {course}",
    body_en=(
        "Hello {name},\n\nthe time or place of the course “{course}” has changed. Below you find all "
        "sessions as they are now."
    ),
)
_mail(
    "member_invitation",
    _("Gruppenbuchung: Einladung an eine Person"),
    "member_invitation",
    subject_de="Einladung von {organisation}: {course}",
    body_de=(
        "Guten Tag {name},\n\n{contact} von {organisation} hat einen Platz im Kurs „{course}“ für Sie "
        "gebucht. Bitte sagen Sie uns, ob Sie teilnehmen möchten. Über den Link unten nehmen Sie den Platz "
        "an oder sagen ab."
    ),
    subject_en="Invitation from {organisation}: {course}",
    body_en=(
        "Hello {name},\n\n{contact} of {organisation} has booked a seat in the course “{course}” for you. "
        "Please tell us whether you would like to take part. Use the link below to accept the seat or to "
        "decline."
    ),
    placeholders={**BOOKING_PLACEHOLDERS, "contact": _("Name der Person, die gebucht hat")},
)
_mail(
    "booking_confirmation",
    _("Gruppenbuchung bestätigt"),
    "booking",
    subject_de="Buchung bestätigt: {course}",
    body_de=(
        "Guten Tag {name},\n\nvielen Dank. Die Buchung für {organisation} im Kurs „{course}“ ist bestätigt. "
        "Bitte tragen Sie für jeden Platz den Namen und die E-Mail-Adresse einer Person ein. Jede Person "
        "bekommt dann eine Einladung und nimmt den Platz selbst an."
    ),
    subject_en="Booking confirmed: {course}",
    body_en=(
        "Hello {name},\n\nthank you. The booking for {organisation} in the course “{course}” is confirmed. "
        "Please enter the name and email address of one person for each seat. Each person then gets an "
        "invitation and accepts the seat themselves."
    ),
    placeholders={
        **BOOKING_PLACEHOLDERS,
        "seats_held": _("Zahl der Plätze, die für die Organisation reserviert sind"),
        "seats_waiting": _("Zahl der Plätze auf der Warteliste"),
        "release": _("wann Plätze ohne Namen an die Warteliste gehen, ausgeschrieben"),
    },
)
_mail(
    "booking_cancelled",
    _("Gruppenbuchung storniert"),
    "ended",
    subject_de="Buchung storniert: {course}",
    body_de=(
        "Guten Tag {name},\n\ndie Buchung für {organisation} im Kurs „{course}“ ist storniert. Alle Plätze "
        "dieser Buchung sind wieder frei. Die eingetragenen Personen haben wir informiert."
    ),
    subject_en="Booking cancelled: {course}",
    body_en=(
        "Hello {name},\n\nthe booking for {organisation} in the course “{course}” is cancelled. All seats of "
        "this booking are free again. We have told the people you had entered."
    ),
    placeholders=BOOKING_PLACEHOLDERS,
)
_mail(
    "booking_run_cancelled",
    _("Gruppenbuchung: Kurs abgesagt"),
    "ended",
    subject_de="Kurs abgesagt: {course}",
    body_de=(
        "Guten Tag {name},\n\nder Kurs „{course}“ findet leider nicht statt. Das Labor hat ihn abgesagt. "
        "Damit ist auch die Buchung für {organisation} beendet. Die eingetragenen Personen haben wir "
        "informiert."
    ),
    subject_en="Course cancelled: {course}",
    body_en=(
        "Hello {name},\n\nunfortunately the course “{course}” will not take place. The lab has cancelled "
        "it. The booking for {organisation} has ended with it. We have told the people you had entered."
    ),
    placeholders=BOOKING_PLACEHOLDERS,
)
_mail(
    "booking_member_left",
    _("Gruppenbuchung: Person hat abgesagt"),
    "booking",
    subject_de="Absage von {member}: {course}",
    body_de="Guten Tag {name},\n\n{member} hat den Platz im Kurs „{course}“ abgesagt.",
    subject_en="{member} has cancelled: {course}",
    body_en="Hello {name},\n\n{member} has cancelled the seat in the course “{course}”.",
    placeholders={**BOOKING_PLACEHOLDERS, "member": _("Name der Person, die abgesagt hat")},
)
_mail(
    "booking_unnamed_reminder",
    _("Gruppenbuchung: Plätze noch ohne Namen"),
    "booking",
    subject_de="Bitte Namen eintragen: {course}",
    body_de=(
        "Guten Tag {name},\n\nfür den Kurs „{course}“ haben noch nicht alle Plätze von {organisation} einen "
        "Namen. Plätze ohne Namen: {seats_unnamed}. Bitte tragen Sie bis {release} ein, wer teilnimmt. "
        "Danach gehen diese Plätze an die Warteliste."
    ),
    subject_en="Please enter names: {course}",
    body_en=(
        "Hello {name},\n\nnot all seats of {organisation} in the course “{course}” have a name yet. Seats "
        "without a name: {seats_unnamed}. Please enter who will take part by {release}. After that, these "
        "seats go to the waiting list."
    ),
    placeholders={
        **BOOKING_PLACEHOLDERS,
        "seats_unnamed": _("Zahl der Plätze ohne Namen"),
        "release": _("wann Plätze ohne Namen an die Warteliste gehen, ausgeschrieben"),
    },
)
_mail(
    "booking_seats_released",
    _("Gruppenbuchung: Plätze ohne Namen freigegeben"),
    "booking",
    subject_de="Plätze freigegeben: {course}",
    body_de=(
        "Guten Tag {name},\n\nim Kurs „{course}“ hatten noch nicht alle Plätze von {organisation} einen "
        "Namen. Diese Plätze sind jetzt an die Warteliste gegangen. Freigegeben: {seats_released}."
    ),
    subject_en="Seats released: {course}",
    body_en=(
        "Hello {name},\n\nnot all seats of {organisation} in the course “{course}” had a name. These seats "
        "have now gone to the waiting list. Released: {seats_released}."
    ),
    placeholders={**BOOKING_PLACEHOLDERS, "seats_released": _("Zahl der freigegebenen Plätze")},
)


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str


def _person(user: User | None) -> Recipient | None:
    """A person with an account, unless the account is closed."""
    if user is None or not user.is_active or not user.email:
        return None
    return Recipient(email=user.email, name=user.get_short_name(), language=user.language)


def _holder(enrolment: Enrolment) -> Recipient | None:
    """Whoever the place belongs to: the person, or the named member by the address the contact gave."""
    if enrolment.user_id:
        return _person(enrolment.user)
    if enrolment.member_email:
        # A member who already has an account reads their mail in the account's language.
        accounts = User.objects.filter(email__iexact=enrolment.member_email)
        language = accounts.values_list("language", flat=True).first()
        return Recipient(
            email=enrolment.member_email,
            name=enrolment.member_name,
            language=language or settings.LANGUAGE_CODE,
        )
    return None


def _link(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _ahead(moment):
    """The moment if it is still to come, else None (a deadline already past is not worth mentioning)."""
    return moment if moment is not None and moment > timezone.now() else None


def _enrolment(enrolment_id: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_related(
            "user",
            "run",
            "run__course",
            "run__lab",
            "run__room",
            "booking",
            "booking__organisation",
            "booking__booked_by",
        )
        .prefetch_related("run__sessions")
        .filter(pk=enrolment_id)
        .first()
    )


def _booking(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related(
            "organisation", "booked_by", "run", "run__course", "run__lab", "run__room"
        )
        .prefetch_related("run__sessions")
        .filter(pk=booking_id)
        .first()
    )


def _run_context(run: CourseRun, *, place_per_session: bool = False) -> dict:
    """What every mail about a run shows: its sessions and place, the lab to ask."""
    sessions = list(run.sessions.all())
    return {
        "run": run,
        "lab": run.lab,
        "course": str(run),
        "sessions": sessions,
        "place": run.location,
        "one_place": not place_per_session and len({session.where for session in sessions}) <= 1,
    }


def _calendar(run: CourseRun) -> tuple[str, bytes, str]:
    return (f"kurs-{run.pk}.ics", run_calendar(run), "text/calendar")


def _password_context(user: User) -> dict:
    """A person the lab enrolled by phone has no password yet; their mail carries a link to set one."""
    if user.has_usable_password():
        return {}
    link = _link(
        "accounts:password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    return {
        "password_url": link,
        "password_expires": timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        "password_reset_url": _link("accounts:password_reset"),
    }


def _send(mail: str, *, to: Recipient, context: dict, attachments=()) -> None:
    context = {"name": to.name, **context}
    send(mail, to=[to.email], language=to.language, context=context, attachments=attachments)


def _booking_context(booking: Booking) -> dict:
    """The booking as it stands: seats named, unnamed and waiting, and when unnamed seats are released."""
    run = booking.run
    counts = Counter(booking.enrolments.values_list("status", flat=True))
    named = counts[Enrolment.Status.INVITED] + counts[Enrolment.Status.CONFIRMED]
    unnamed = counts[Enrolment.Status.RESERVED]
    return {
        **_run_context(run),
        "booking": booking,
        "organisation": str(booking.organisation),
        "seats_named": named,
        "seats_unnamed": unnamed,
        "seats_held": named + unnamed,
        "seats_waiting": counts[Enrolment.Status.WAITLISTED] + counts[Enrolment.Status.OFFERED],
        "release": _ahead(unnamed_release_at(run=run)),
        "action_url": _link("bookings:my_bookings"),
    }


def _contact(booking: Booking | None) -> Recipient | None:
    """The contact who booked, while the booking is active."""
    if booking is None or booking.status != Booking.Status.ACTIVE:
        return None
    return _person(booking.booked_by)


def send_enrolment_confirmation(enrolment_id: int, key: str = "") -> None:
    """A seat (with the calendar file) or a place on the waiting list (with its position)."""
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.run.status != CourseRun.Status.SCHEDULED:
        return
    to = _person(enrolment.user)
    if to is None:
        return
    run = enrolment.run
    context = {
        **_run_context(run),
        **_password_context(enrolment.user),
        "action_url": _link("courses:my_courses"),
    }
    if enrolment.status == Enrolment.Status.CONFIRMED:
        context.update(calendar=True, cancellation_deadline=_ahead(cancellation_deadline(run=run)))
        _send("enrolment_confirmed", to=to, context=context, attachments=[_calendar(run)])
    elif enrolment.status == Enrolment.Status.WAITLISTED:
        context["position"] = waitlist_position(enrolment=enrolment)
        _send("enrolment_waitlisted", to=to, context=context)


def send_waitlist_promotion(enrolment_id: int, key: str = "") -> None:
    """A seat given from the waiting list: to the person, or for a booking's seat to the contact."""
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.run.status != CourseRun.Status.SCHEDULED:
        return
    run = enrolment.run
    if enrolment.status == Enrolment.Status.CONFIRMED:
        to = _person(enrolment.user)
        if to is None:
            return
        context = {
            **_run_context(run),
            **_password_context(enrolment.user),
            "calendar": True,
            "cancellation_deadline": _ahead(cancellation_deadline(run=run)),
            "action_url": _link("courses:my_courses"),
        }
        _send("waitlist_promotion", to=to, context=context, attachments=[_calendar(run)])
    elif enrolment.status == Enrolment.Status.RESERVED:
        to = _contact(enrolment.booking)
        if to is not None:
            _send("booking_promotion", to=to, context=_booking_context(enrolment.booking))


def send_seat_offer(enrolment_id: int, key: str = "") -> None:
    """A freed seat offered until a deadline: to the person, or for a booking's place to the contact."""
    enrolment = _enrolment(enrolment_id)
    if (
        enrolment is None
        or enrolment.status != Enrolment.Status.OFFERED
        or enrolment.run.status != CourseRun.Status.SCHEDULED
        or _ahead(enrolment.offer_expires_at) is None
    ):
        return
    if enrolment.user_id:
        to = _person(enrolment.user)
        mail, action_url, extra = "seat_offer", _link("courses:my_courses"), {}
    else:
        to = _contact(enrolment.booking)
        mail, action_url = "booking_offer", _link("bookings:my_bookings")
        extra = {"organisation": str(enrolment.booking.organisation)} if enrolment.booking else {}
    if to is None:
        return
    context = {
        **_run_context(enrolment.run),
        **extra,
        "deadline": enrolment.offer_expires_at,
        "action_url": action_url,
    }
    _send(mail, to=to, context=context)


def send_enrolment_cancelled(enrolment_id: int, key: str = "") -> None:
    """The place ended; what the mail says follows why (`cancel_cause`). Other causes send nothing."""
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status != Enrolment.Status.CANCELLED:
        return
    run, cause = enrolment.run, enrolment.cancel_cause
    booking = enrolment.booking
    to = _holder(enrolment)
    context = _run_context(run)
    if enrolment.user_id:
        context["action_url"] = _link("courses:my_courses")
    if booking is not None:
        context["organisation"] = str(booking.organisation)
    attachments = []
    if cause == Enrolment.Cause.SELF:
        mail = "enrolment_cancelled"
    elif cause == Enrolment.Cause.REMOVED:
        mail = "enrolment_removed"
        context["reason"] = enrolment.cancel_reason
    elif cause == Enrolment.Cause.RUN_CANCELLED:
        if run.status != CourseRun.Status.CANCELLED:
            return
        mail = "run_cancelled"
        context["lab_message"] = run.cancellation_message
        # Whoever held a seat got the dates as a calendar file; this one takes them out again.
        if enrolment.user_id and enrolment.confirmed_at is not None:
            context["calendar"] = True
            attachments.append(_calendar(run))
    elif cause == Enrolment.Cause.OFFER_EXPIRED:
        if enrolment.user_id:
            mail = "offer_expired"
        else:
            mail, to = "booking_offer_expired", _contact(booking)
            context.update(action_url=_link("bookings:my_bookings"), for_contact=True)
    elif cause == Enrolment.Cause.MEMBER_CHANGED:
        mail = "member_removed"
    elif cause == Enrolment.Cause.BOOKING_CANCELLED:
        mail = "member_booking_cancelled"
    else:
        return
    if to is not None:
        _send(mail, to=to, context=context, attachments=attachments)


def _version(key: str) -> int | None:
    if not key.startswith("v") or not key[1:].isdigit():
        return None
    return int(key[1:])


def send_run_changed(enrolment_id: int, key: str = "") -> None:
    """The sessions as they are now, each with its place, after a change of time or place (key "v<n>").

    An older version sends nothing: the mail of the later version follows with the same news.
    """
    enrolment = _enrolment(enrolment_id)
    version = _version(key)
    if enrolment is None or version is None:
        return
    run = enrolment.run
    if version < run.schedule_version or run.status != CourseRun.Status.SCHEDULED:
        return
    if enrolment.status not in Enrolment.ACTIVE:
        return
    to = _holder(enrolment)
    if to is None:
        return
    context = _run_context(run, place_per_session=True)
    attachments = []
    if enrolment.status == Enrolment.Status.CONFIRMED:
        context["calendar"] = True
        attachments.append(_calendar(run))
    if enrolment.user_id:
        context["action_url"] = _link("courses:my_courses")
    elif enrolment.status == Enrolment.Status.INVITED:
        context["action_url"] = _link("bookings:invitation", token=invitation_token(enrolment))
        context["invited"] = True
    _send("run_changed", to=to, context=context, attachments=attachments)


def send_session_reminder(enrolment_id: int, key: str = "") -> None:
    """A day before a session (key "session-<id>-v<sequence>"), while the person still has the seat and the
    session still begins within the day. A session moved later is reminded again under its new sequence."""
    enrolment = _enrolment(enrolment_id)
    prefix, _dash, rest = key.partition("-")
    session_id = rest.partition("-")[0]
    if enrolment is None or prefix != "session" or not session_id.isdigit():
        return
    if enrolment.status != Enrolment.Status.CONFIRMED or enrolment.run.status != CourseRun.Status.SCHEDULED:
        return
    session = next((s for s in enrolment.run.sessions.all() if s.pk == int(session_id)), None)
    now = timezone.now()
    if session is None or not now < session.start <= now + REMINDER_AHEAD:
        return
    to = _person(enrolment.user)
    if to is None:
        return
    context = {
        **_run_context(enrolment.run),
        "session": session,
        "start": session.start,
        "place": session.where,
        "action_url": _link("courses:my_courses"),
    }
    _send("session_reminder", to=to, context=context)


def send_member_invitation(enrolment_id: int, key: str = "") -> None:
    """A named member is invited to accept the seat their organisation booked for them."""
    enrolment = _enrolment(enrolment_id)
    if enrolment is None or enrolment.status != Enrolment.Status.INVITED or not enrolment.member_email:
        return
    booking, run = enrolment.booking, enrolment.run
    if booking is None or booking.status != Booking.Status.ACTIVE or run.status != CourseRun.Status.SCHEDULED:
        return
    if _ahead(run_first_start(run)) is None:
        return
    context = {
        **_run_context(run),
        "organisation": str(booking.organisation),
        "contact": booking.booked_by.get_full_name(),
        "action_url": _link("bookings:invitation", token=invitation_token(enrolment)),
    }
    _send("member_invitation", to=_holder(enrolment), context=context)


def send_booking_confirmation(booking_id: int, key: str = "") -> None:
    """To the contact: seats held and waiting, how to name members and until when."""
    booking = _booking(booking_id)
    if booking is None or booking.run.status != CourseRun.Status.SCHEDULED:
        return
    to = _contact(booking)
    if to is not None:
        _send("booking_confirmation", to=to, context=_booking_context(booking))


def send_booking_cancelled(booking_id: int, key: str = "") -> None:
    """To the contact: the booking ended, because they cancelled it or the lab called off the course."""
    booking = _booking(booking_id)
    if booking is None or booking.status != Booking.Status.CANCELLED:
        return
    to = _person(booking.booked_by)
    if to is None:
        return
    run = booking.run
    context = {
        **_run_context(run),
        "organisation": str(booking.organisation),
        "action_url": _link("bookings:my_bookings"),
        "for_contact": True,
    }
    if run.status == CourseRun.Status.CANCELLED:
        context["lab_message"] = run.cancellation_message
        _send("booking_run_cancelled", to=to, context=context)
    else:
        _send("booking_cancelled", to=to, context=context)


def send_booking_member_left(enrolment_id: int, key: str = "") -> None:
    """To the contact: a member declined the invitation or gave the seat back."""
    enrolment = _enrolment(enrolment_id)
    if (
        enrolment is None
        or enrolment.status != Enrolment.Status.CANCELLED
        or enrolment.cancel_cause != Enrolment.Cause.SELF
        or enrolment.run.status != CourseRun.Status.SCHEDULED
    ):
        return
    booking = enrolment.booking
    to = _contact(booking)
    if to is None:
        return
    context = _booking_context(booking)
    release_at = unnamed_release_at(run=enrolment.run)
    context.update(
        member=enrolment.user.get_full_name() if enrolment.user_id else enrolment.member_name,
        # The seat stayed with the organisation if it was given back before the release time.
        seat_returned=release_at is None or enrolment.cancelled_at < release_at,
    )
    _send("booking_member_left", to=to, context=context)


def send_booking_unnamed_reminder(booking_id: int, key: str = "") -> None:
    """To the contact: how many seats still have no name, and until when they can name them."""
    booking = _booking(booking_id)
    if booking is None or booking.run.status != CourseRun.Status.SCHEDULED:
        return
    to = _contact(booking)
    if to is None:
        return
    context = _booking_context(booking)
    if context["seats_unnamed"] == 0 or context["release"] is None:
        return
    _send("booking_unnamed_reminder", to=to, context=context)


def send_booking_seats_released(booking_id: int, key: str = "") -> None:
    """To the contact: unnamed seats went to the waiting list (key: the first released seat's id)."""
    booking = _booking(booking_id)
    if booking is None or not key.isdigit() or booking.run.status != CourseRun.Status.SCHEDULED:
        return
    to = _contact(booking)
    first = Enrolment.objects.filter(
        pk=int(key), booking=booking, cancel_cause=Enrolment.Cause.UNNAMED_RELEASED
    ).first()
    if to is None or first is None:
        return
    released = Enrolment.objects.filter(
        booking=booking, cancel_cause=Enrolment.Cause.UNNAMED_RELEASED, cancelled_at=first.cancelled_at
    ).count()
    context = {**_booking_context(booking), "seats_released": released}
    _send("booking_seats_released", to=to, context=context)


HANDLERS = {
    ENROLMENT_CONFIRMATION: send_enrolment_confirmation,
    WAITLIST_PROMOTION: send_waitlist_promotion,
    SEAT_OFFER: send_seat_offer,
    ENROLMENT_CANCELLED: send_enrolment_cancelled,
    RUN_CHANGED: send_run_changed,
    SESSION_REMINDER: send_session_reminder,
    MEMBER_INVITATION: send_member_invitation,
    BOOKING_CONFIRMATION: send_booking_confirmation,
    BOOKING_CANCELLED: send_booking_cancelled,
    BOOKING_MEMBER_LEFT: send_booking_member_left,
    BOOKING_UNNAMED_REMINDER: send_booking_unnamed_reminder,
    BOOKING_SEATS_RELEASED: send_booking_seats_released,
}
