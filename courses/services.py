"""State changes of the courses app. Each function checks permission first and runs in one durable
transaction (`atomic(durable=True)`): no caller can fold it into a larger one, so its effects are committed
when it returns.

Every service that touches seats, attendance or completion (`enrolment_create`, `enrolment_cancel`,
`attendance_record`, `run_close`, `run_update`, the session services) locks the run row first (`lock_run`)
and checks the run's state only under that lock. Mails are recorded in the outbox in the same transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import Action, audit_record
from accounts.models import User
from accounts.selectors import organisation_contact
from labs.models import LabPage, LabRole, Room
from labs.selectors import user_is_lab_manager
from outbox.services import outbox_add, outbox_add_many

from . import notifications
from .badges.services import badge_award, badge_class_for_course
from .exceptions import (
    AlreadyEnrolled,
    AttendanceInvalid,
    AttendanceTooEarly,
    DomainError,
    EnrolmentClosed,
    NotAllowed,
    NotCancellable,
    NotFound,
    RoomTaken,
    RunAlreadyClosed,
    RunFull,
    RunNotFinished,
)
from .models import (
    AgeBand,
    Attendance,
    Booking,
    Competence,
    CoursePage,
    CourseRun,
    Enrolment,
    SeatRelease,
    Session,
)
from .selectors import (
    SEAT_TAKING,
    RunCloseResult,
    attendance_opens_at,
    enrolment_cancel_refusal,
    enrolment_closed_reason,
    format_moment,
    room_clashes,
    run_close_result,
    run_places_for_person,
    run_ready_to_close,
    statistics_municipalities,
    unnamed_release_at,
    user_can_teach,
    user_can_write_course,
    with_attendance_outcome,
)
from .signals import enrolment_completed


def lock_run(run: CourseRun) -> CourseRun:
    """Lock the run's row for the rest of the transaction (PostgreSQL); SQLite locks the whole database.

    Every change of seats, attendance or the run's state takes this lock first. The run comes with its
    `first_start` (when its first session begins, as it was when locked), read in the same query.
    A run that does not exist is not found.
    """
    locked = (
        CourseRun.objects.select_for_update(of=("self",))
        .annotate(
            first_start=Subquery(
                Session.objects.filter(run=OuterRef("pk")).order_by("start").values("start")[:1]
            )
        )
        .filter(pk=run.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def seats_free(*, run: CourseRun) -> int:
    """Seats nobody holds. Call with the run locked when the answer decides anything."""
    return run.capacity - Enrolment.objects.filter(run=run, status__in=SEAT_TAKING).count()


def _enrol(*, run: CourseRun, user: User, now, for_someone: bool = False) -> Enrolment:
    """A seat if one is free, else the end of the waiting list. Call with the run locked.

    `for_someone`: the lab enrols the person, so refusals speak of them, not to them. One query reads
    everything the decision needs, so the run's lock is held for as little as possible; the enrolment
    comes back with `waitlist_position`.
    """
    place = run_places_for_person(run=run, user=user)
    if place["mine"]:
        raise AlreadyEnrolled(
            _("Diese Person ist für diesen Kurs bereits angemeldet.") if for_someone else None
        )
    if place["invited"]:
        raise AlreadyEnrolled(
            _("Eine Organisation hat diese Person für diesen Kurs schon eingeladen.")
            if for_someone
            else _("Eine Organisation hat Sie für diesen Kurs schon eingeladen.")
        )
    # People waiting before this one keep their turn, also while a freed seat is on offer to one of them.
    if not place["waiting"] and place["taken"] < run.capacity:
        fields = {"status": Enrolment.Status.CONFIRMED, "confirmed_at": now}
    else:
        fields = {"status": Enrolment.Status.WAITLISTED, "waitlisted_at": now}
    # The run's lock makes a second enrolment of the same person wait and then see the first; the unique
    # constraint is the last line (its IntegrityError ends the whole transaction, see `enrolment_create`).
    enrolment = Enrolment.objects.create(run=run, user=user, **fields)
    enrolment.waitlist_position = (
        place["waiting"] + 1 if enrolment.status == Enrolment.Status.WAITLISTED else None
    )
    outbox_add(kind=notifications.ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
    return enrolment


def enrolment_create(*, run: CourseRun, user: User) -> Enrolment:
    """Give the person a seat if one is free, else a place at the end of the waiting list."""
    if not user.is_authenticated or not user.is_active:
        raise NotAllowed()
    try:
        with transaction.atomic(durable=True):
            run = lock_run(run)
            reason = enrolment_closed_reason(run=run)
            if reason:
                raise EnrolmentClosed(reason)
            return _enrol(run=run, user=user, now=timezone.now())
    except IntegrityError as exc:
        raise AlreadyEnrolled() from exc


def enrolment_create_for_person(*, run: CourseRun, by: User, full_name: str, email: str) -> Enrolment:
    """Enrol someone who phoned the lab. Only managers of the run's lab may.

    A person without an account gets one without a password; their confirmation carries a link to set
    one. The lab may enrol after the enrolment deadline, until the course begins.
    """
    _require_lab_manager(user=by, lab_id=run.lab_id)
    email = User.objects.normalize_email((email or "").strip()).lower()
    full_name = " ".join((full_name or "").split())
    errors = {}
    if not full_name:
        errors["full_name"] = _("Bitte geben Sie den Namen an.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        run = lock_run(run)
        reason = enrolment_closed_reason(run=run, ignore_deadline=True)
        if reason:
            raise EnrolmentClosed(reason)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, full_name=full_name)
        elif not user.is_active:
            raise DomainError(_("Dieses Konto ist gesperrt."))
        try:
            with transaction.atomic():
                enrolment = _enrol(run=run, user=user, now=timezone.now(), for_someone=True)
        except IntegrityError as exc:
            raise AlreadyEnrolled(_("Diese Person ist für diesen Kurs bereits angemeldet.")) from exc
        _audit_enrolment(
            enrolment=enrolment,
            run=run,
            by=by,
            summary=(
                _(
                    "Anmeldung Nr. %(enrolment)s auf die Warteliste von Kurstermin Nr. %(run)s (%(course)s) "
                    "eingetragen."
                )
                if enrolment.status == Enrolment.Status.WAITLISTED
                else _("Anmeldung Nr. %(enrolment)s für Kurstermin Nr. %(run)s (%(course)s) eingetragen.")
            ),
        )
        return enrolment


def _audit_enrolment(*, enrolment: Enrolment, run: CourseRun, by: User, summary: str) -> None:
    """Record a change of someone's place made by the lab. `summary` takes `enrolment`, `run` and
    `course`: numbers and the course title, never the person."""
    audit_record(
        actor=by,
        action=Action.ENROLMENT_CHANGED,
        summary=summary % {"enrolment": enrolment.pk, "run": run.pk, "course": run.course.title},
        lab_id=run.lab_id,
        target=enrolment,
        details={"run": run.pk, "status": enrolment.status},
    )


def _can_manage_enrolment(*, enrolment: Enrolment, by: User) -> bool:
    return enrolment.user_id == by.pk or user_is_lab_manager(user=by, lab_id=enrolment.run.lab_id)


def end_place(*, enrolment: Enrolment, cause: str, now, reason: str = "") -> None:
    """End a place (seat, offer or waiting) for the given cause. Call with the run locked."""
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.cancelled_at = now
    enrolment.cancel_cause = cause
    enrolment.cancel_reason = reason
    enrolment.offer_expires_at = None
    enrolment.save(
        update_fields=["status", "cancelled_at", "cancel_cause", "cancel_reason", "offer_expires_at"]
    )


def return_to_booking(*, enrolment: Enrolment, run: CourseRun, now) -> bool:
    """A member's seat given back before the booking's seats are released stays with the organisation,
    unnamed, for the contact to name someone else. Returns whether it did."""
    if enrolment.booking_id is None or enrolment.booking.status != Booking.Status.ACTIVE:
        return False
    if enrolment.status not in (Enrolment.Status.INVITED, Enrolment.Status.CONFIRMED):
        return False
    release_at = unnamed_release_at(run=run)
    if release_at is not None and now >= release_at:
        return False
    Enrolment.objects.create(
        run=run, booking_id=enrolment.booking_id, status=Enrolment.Status.RESERVED, confirmed_at=now
    )
    return True


def enrolment_cancel(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Give back a seat, a waiting-list place or an offer; the person is told.

    A freed seat goes to the waiting list as the run says (at once or as an offer); a booked member's
    seat goes back to their organisation until its unnamed seats are released.
    """
    if not by.is_authenticated or not _can_manage_enrolment(enrolment=enrolment, by=by):
        raise NotAllowed()
    with transaction.atomic(durable=True):
        run = lock_run(enrolment.run)
        enrolment = (
            Enrolment.objects.select_related("booking").select_for_update(of=("self",)).get(pk=enrolment.pk)
        )
        refusal = enrolment_cancel_refusal(enrolment=enrolment, run=run)
        if refusal:
            raise NotCancellable(refusal)
        now = timezone.now()
        returned = return_to_booking(enrolment=enrolment, run=run, now=now)
        end_place(enrolment=enrolment, cause=Enrolment.Cause.SELF, now=now)
        if enrolment.user_id != by.pk:
            _audit_enrolment(
                enrolment=enrolment,
                run=run,
                by=by,
                summary=_("Anmeldung Nr. %(enrolment)s für Kurstermin Nr. %(run)s (%(course)s) abgesagt."),
            )
        outbox_add(kind=notifications.ENROLMENT_CANCELLED, object_id=enrolment.pk)
        if returned:
            outbox_add(kind=notifications.BOOKING_MEMBER_LEFT, object_id=enrolment.pk)
        else:
            fill_free_seats(run=run, now=now)
    return enrolment


def enrolment_remove(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """A lab manager takes a place away, with a reason the person is told. Any time before the end."""
    _require_lab_manager(user=by, lab_id=enrolment.run.lab_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund an; die Person erfährt ihn.")})
    with transaction.atomic(durable=True):
        run = lock_run(enrolment.run)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        refusal = enrolment_cancel_refusal(enrolment=enrolment, run=run, by_manager=True)
        if refusal:
            raise NotCancellable(refusal)
        now = timezone.now()
        end_place(enrolment=enrolment, cause=Enrolment.Cause.REMOVED, now=now, reason=reason[:2000])
        outbox_add(kind=notifications.ENROLMENT_CANCELLED, object_id=enrolment.pk)
        _audit_enrolment(
            enrolment=enrolment,
            run=run,
            by=by,
            summary=_(
                "Anmeldung Nr. %(enrolment)s für Kurstermin Nr. %(run)s (%(course)s) vom Labor abgemeldet."
            ),
        )
        fill_free_seats(run=run, now=now)
    return enrolment


def waitlist_move(*, enrolment: Enrolment, by: User, add_seat: bool = False) -> Enrolment:
    """A lab manager gives a waiting person a seat now, out of turn: a free seat, or one more seat
    (`add_seat`) when the run is full. Capacity is never exceeded."""
    _require_lab_manager(user=by, lab_id=enrolment.run.lab_id)
    with transaction.atomic(durable=True):
        run = lock_run(enrolment.run)
        _require_scheduled(run)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status not in (Enrolment.Status.WAITLISTED, Enrolment.Status.OFFERED):
            raise DomainError(_("Diese Person steht nicht auf der Warteliste."))
        seat_added = False
        if enrolment.status == Enrolment.Status.WAITLISTED and seats_free(run=run) <= 0:
            if not add_seat:
                raise DomainError(
                    _("Der Kurs ist voll. Geben Sie einen Platz mehr frei, um diese Person aufzunehmen.")
                )
            run.capacity += 1
            run.full_clean()
            run.save(update_fields=["capacity"])
            seat_added = True
        _give_seat(enrolment=enrolment, now=timezone.now())
        _audit_enrolment(
            enrolment=enrolment,
            run=run,
            by=by,
            summary=(
                _(
                    "Anmeldung Nr. %(enrolment)s von der Warteliste von Kurstermin Nr. %(run)s (%(course)s) "
                    "auf einen zusätzlichen Platz gesetzt."
                )
                if seat_added
                else _(
                    "Anmeldung Nr. %(enrolment)s von der Warteliste von Kurstermin Nr. %(run)s (%(course)s) "
                    "auf einen Platz gesetzt."
                )
            ),
        )
    return enrolment


def _give_seat(*, enrolment: Enrolment, now) -> None:
    """The waiting place (or offer) becomes a seat: the person's, or a booking's unnamed seat."""
    enrolment.status = Enrolment.Status.RESERVED if enrolment.user_id is None else Enrolment.Status.CONFIRMED
    enrolment.confirmed_at = now
    enrolment.offer_expires_at = None
    enrolment.save(update_fields=["status", "confirmed_at", "offer_expires_at"])
    outbox_add(kind=notifications.WAITLIST_PROMOTION, object_id=enrolment.pk)


def fill_free_seats(*, run: CourseRun, now) -> list[Enrolment]:
    """Give free seats to the front of the waiting list, as the run says: at once, or as offers that
    run out after `offer_hours`. Call only with the run locked."""
    if run.status != CourseRun.Status.SCHEDULED:
        return []
    free = seats_free(run=run)
    if free <= 0:
        return []
    first = list(
        Enrolment.objects.filter(run=run, status=Enrolment.Status.WAITLISTED).order_by("waitlisted_at", "pk")[
            :free
        ]
    )
    for enrolment in first:
        if run.seat_release == SeatRelease.OFFER:
            enrolment.status = Enrolment.Status.OFFERED
            enrolment.offer_expires_at = now + timedelta(hours=run.offer_hours)
            enrolment.save(update_fields=["status", "offer_expires_at"])
            outbox_add(kind=notifications.SEAT_OFFER, object_id=enrolment.pk)
        else:
            _give_seat(enrolment=enrolment, now=now)
    return first


def _may_answer_offer(*, enrolment: Enrolment, by: User) -> bool:
    if enrolment.user_id is not None:
        return enrolment.user_id == by.pk
    return enrolment.booking is not None and organisation_contact(
        user=by, organisation_id=enrolment.booking.organisation_id
    )


def offer_accept(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Take the seat offered, while the offer holds."""
    if not by.is_authenticated:
        raise NotAllowed()
    with transaction.atomic(durable=True):
        run = lock_run(enrolment.run)
        enrolment = (
            Enrolment.objects.select_related("booking").select_for_update(of=("self",)).get(pk=enrolment.pk)
        )
        if not _may_answer_offer(enrolment=enrolment, by=by):
            raise NotFound()
        _require_scheduled(run)
        now = timezone.now()
        if enrolment.status != Enrolment.Status.OFFERED or enrolment.offer_expires_at <= now:
            raise DomainError(_("Dieses Angebot gilt nicht mehr."))
        _give_seat(enrolment=enrolment, now=now)
    return enrolment


def offer_decline(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Decline the seat offered; it passes on to the next person waiting."""
    if not by.is_authenticated:
        raise NotAllowed()
    with transaction.atomic(durable=True):
        run = lock_run(enrolment.run)
        enrolment = (
            Enrolment.objects.select_related("booking").select_for_update(of=("self",)).get(pk=enrolment.pk)
        )
        if not _may_answer_offer(enrolment=enrolment, by=by):
            raise NotFound()
        if enrolment.status != Enrolment.Status.OFFERED:
            raise DomainError(_("Dieses Angebot gilt nicht mehr."))
        now = timezone.now()
        end_place(enrolment=enrolment, cause=Enrolment.Cause.OFFER_DECLINED, now=now)
        fill_free_seats(run=run, now=now)
    return enrolment


def offers_expire(*, now=None) -> int:
    """End the offers that ran out and pass their seats on (Celery beat). Returns how many ended."""
    now = now or timezone.now()
    run_ids = set(
        Enrolment.objects.filter(status=Enrolment.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "run_id", flat=True
        )
    )
    ended = 0
    for run_id in sorted(run_ids):
        with transaction.atomic(durable=True):
            run = CourseRun.objects.select_for_update().get(pk=run_id)
            expired = list(
                Enrolment.objects.filter(run=run, status=Enrolment.Status.OFFERED, offer_expires_at__lte=now)
            )
            for enrolment in expired:
                end_place(enrolment=enrolment, cause=Enrolment.Cause.OFFER_EXPIRED, now=now)
                outbox_add(kind=notifications.ENROLMENT_CANCELLED, object_id=enrolment.pk)
            fill_free_seats(run=run, now=now)
            ended += len(expired)
    return ended


def run_cancel(*, run: CourseRun, by: User, message: str) -> CourseRun:
    """A lab manager calls off a whole run: it leaves the catalogue, every place ends and everyone
    enrolled, invited or waiting is told, with the message."""
    _require_lab_manager(user=by, lab_id=run.lab_id)
    message = (message or "").strip()
    if not message:
        raise ValidationError(
            {"message": _("Bitte schreiben Sie eine kurze Nachricht; alle Angemeldeten bekommen sie.")}
        )
    with transaction.atomic(durable=True):
        run = lock_run(run)
        _require_scheduled(run)
        now = timezone.now()
        run.status = CourseRun.Status.CANCELLED
        run.cancelled_at = now
        run.cancellation_message = message[:4000]
        run.save(update_fields=["status", "cancelled_at", "cancellation_message"])
        # Subscribed calendars replace each event by its cancelled version.
        Session.objects.filter(run=run).update(sequence=F("sequence") + 1)
        active = list(Enrolment.objects.filter(run=run, status__in=Enrolment.ACTIVE))
        told = [e.pk for e in active if e.user_id or e.member_email]
        Enrolment.objects.filter(pk__in=[e.pk for e in active]).update(
            status=Enrolment.Status.CANCELLED,
            cancelled_at=now,
            cancel_cause=Enrolment.Cause.RUN_CANCELLED,
            offer_expires_at=None,
        )
        outbox_add_many(kind=notifications.ENROLMENT_CANCELLED, items=[(pk, "") for pk in told])
        Booking.objects.filter(run=run, status=Booking.Status.ACTIVE).update(
            status=Booking.Status.CANCELLED, cancelled_at=now
        )
        outbox_add_many(
            kind=notifications.BOOKING_CANCELLED,
            items=[
                (pk, "")
                for pk in Booking.objects.filter(run=run, cancelled_at=now).values_list("pk", flat=True)
            ],
        )
        audit_record(
            actor=by,
            action=Action.RUN_CANCELLED,
            summary=ngettext(
                "Kurstermin Nr. %(run)s (%(course)s) abgesagt; %(n)s Platz beendet.",
                "Kurstermin Nr. %(run)s (%(course)s) abgesagt; %(n)s Plätze beendet.",
                len(active),
            )
            % {"run": run.pk, "course": run.course.title, "n": len(active)},
            lab_id=run.lab_id,
            target=run,
            details={"places_ended": len(active)},
        )
    return run


@dataclass(frozen=True)
class AttendanceEntry:
    enrolment_id: int
    status: str | None  # None clears what was recorded


def attendance_record(*, session: Session, entries: Iterable[AttendanceEntry], by: User) -> list[Attendance]:
    """Record who came to a session. Only trainers of the run and managers of its lab may; all or nothing.

    A session can be recorded from a day before it begins (`attendance_opens_at`). The run is locked before
    anything is checked, so a run closed a moment ago refuses the sheet.
    """
    if not user_can_teach(user=by, run=session.run):
        raise NotAllowed()
    entries = list(entries)
    with transaction.atomic(durable=True):
        run = lock_run(session.run)
        _check_session_recordable(run=run, session=session, now=timezone.now())
        _check_attendance_entries(run=run, entries=entries)
        saved = []
        for entry in entries:
            if entry.status is None:
                Attendance.objects.filter(session=session, enrolment_id=entry.enrolment_id).delete()
                continue
            attendance, _created = Attendance.objects.update_or_create(
                session=session,
                enrolment_id=entry.enrolment_id,
                defaults={"status": entry.status, "recorded_by": by},
            )
            saved.append(attendance)
        if entries:
            audit_record(
                actor=by,
                action=Action.ATTENDANCE_CHANGED,
                summary=ngettext(
                    "Anwesenheit am %(when)s für Kurstermin Nr. %(run)s (%(course)s): %(n)s Eintrag.",
                    "Anwesenheit am %(when)s für Kurstermin Nr. %(run)s (%(course)s): %(n)s Einträge.",
                    len(entries),
                )
                % {
                    "when": format_moment(session.start),
                    "run": run.pk,
                    "course": run.course.title,
                    "n": len(entries),
                },
                lab_id=run.lab_id,
                target=session,
                details={
                    "run": run.pk,
                    "entries": len(entries),
                    "cleared": sum(entry.status is None for entry in entries),
                },
            )
    return saved


def _check_session_recordable(*, run: CourseRun, session: Session, now) -> None:
    if run.status != CourseRun.Status.SCHEDULED:
        raise AttendanceInvalid(
            _("Der Kurs ist abgeschlossen; die Anwesenheit lässt sich nicht mehr ändern.")
        )
    opens_at = attendance_opens_at(session=session)
    if now < opens_at:
        raise AttendanceTooEarly(
            _("Dieses Treffen ist noch nicht gewesen. Die Anwesenheit lässt sich ab %(when)s eintragen.")
            % {"when": format_moment(opens_at)}
        )


def walk_in_add(*, session: Session, by: User, name: str, email: str = "") -> Enrolment:
    """Add a person who came to a session without enrolling, marked present, while seats remain.

    Trainers of the run and managers of its lab may. With an email address the seat belongs to that
    person's account (one without a password is made, as for a phone-in), so certificate and badge reach
    them; without one, the seat carries only the name and the certificate is printed.
    A person offered a seat takes it; a person waiting gets a free seat like anyone else.
    """
    if not user_can_teach(user=by, run=session.run):
        raise NotAllowed()
    name = " ".join((name or "").split())
    email = User.objects.normalize_email((email or "").strip()).lower()
    errors = {}
    if not name:
        errors["name"] = _("Bitte geben Sie den Namen an.")
    elif len(name) > 150:
        errors["name"] = _("Der Name darf höchstens 150 Zeichen lang sein.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _(
                "Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer."
            )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic(durable=True):
        run = lock_run(session.run)
        _check_session_recordable(run=run, session=session, now=now)
        user = None
        if email:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None and not user.is_active:
                raise DomainError(_("Dieses Konto ist gesperrt."))
        existing = (
            Enrolment.objects.filter(run=run, user=user, status__in=Enrolment.ACTIVE).first()
            if user
            else None
        )
        if existing is not None and existing.status == Enrolment.Status.CONFIRMED:
            raise AlreadyEnrolled(_("Diese Person hat schon einen Platz in diesem Kurs."))
        holds_seat = existing is not None and existing.status in SEAT_TAKING
        if not holds_seat and seats_free(run=run) <= 0:
            raise RunFull(
                _("Es ist kein Platz mehr frei. Wer ohne Anmeldung kommt, braucht einen freien Platz.")
            )
        if user is None and email:
            user = User.objects.create_user(email=email, password=None, full_name=name)
        if existing is not None:
            # Their own place (waiting or offered) becomes the seat; it was theirs to take.
            existing.status = Enrolment.Status.CONFIRMED
            existing.confirmed_at = now
            existing.offer_expires_at = None
            existing.walk_in = True
            existing.save(update_fields=["status", "confirmed_at", "offer_expires_at", "walk_in"])
            enrolment = existing
        else:
            enrolment = Enrolment.objects.create(
                run=run,
                user=user,
                member_name="" if user else name,
                walk_in=True,
                status=Enrolment.Status.CONFIRMED,
                confirmed_at=now,
            )
        Attendance.objects.update_or_create(
            session=session,
            enrolment=enrolment,
            defaults={"status": Attendance.Status.PRESENT, "recorded_by": by},
        )
        if user is not None:
            outbox_add(kind=notifications.ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
        audit_record(
            actor=by,
            action=Action.WALK_IN_ADDED,
            summary=_(
                "Teilnahme ohne Anmeldung am %(when)s eingetragen: Anmeldung Nr. %(enrolment)s, "
                "Kurstermin Nr. %(run)s (%(course)s)."
            )
            % {
                "when": format_moment(session.start),
                "enrolment": enrolment.pk,
                "run": run.pk,
                "course": run.course.title,
            },
            lab_id=run.lab_id,
            target=enrolment,
            details={"run": run.pk, "session": session.pk},
        )
    return enrolment


def _check_attendance_entries(*, run: CourseRun, entries: list[AttendanceEntry]) -> None:
    valid_statuses = set(Attendance.Status.values)
    seen = set()
    for entry in entries:
        if entry.status is not None and entry.status not in valid_statuses:
            raise AttendanceInvalid(_("Unbekannter Wert „%(status)s“.") % {"status": entry.status})
        if entry.enrolment_id in seen:
            raise AttendanceInvalid(_("Eine Person steht zweimal in der Liste."))
        seen.add(entry.enrolment_id)
    holding_seat = set(
        Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED, pk__in=seen).values_list(
            "pk", flat=True
        )
    )
    if seen - holding_seat:
        raise AttendanceInvalid(_("Die Liste enthält Personen, die keinen Platz in diesem Kurs haben."))


def run_close(*, run: CourseRun, by: User) -> RunCloseResult:
    """Close a run after its last session.

    Who met the attendance rule completes, is awarded the badge and gets a certificate (via a signal).
    """
    if not user_can_teach(user=by, run=run):
        raise NotAllowed()
    with transaction.atomic(durable=True):
        run = lock_run(run)
        if run.status == CourseRun.Status.CLOSED:
            # Closing again (a second tap, a repeated request) changes nothing and reports the same outcome.
            return run_close_result(run=run)
        if run.status == CourseRun.Status.CANCELLED:
            raise RunAlreadyClosed(_("Dieser Kurs wurde abgesagt."))
        now = timezone.now()
        if not run_ready_to_close(run=run, now=now):
            raise RunNotFinished()
        badge_class = badge_class_for_course(course=run.course)
        completed, not_completed = [], []
        confirmed = Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED).select_related(
            "user"
        )
        for enrolment in with_attendance_outcome(
            run=run, enrolments=confirmed, sessions=run.sessions.count()
        ):
            if enrolment.meets_rule:
                enrolment.status = Enrolment.Status.COMPLETED
                enrolment.completed_at = now
                completed.append(enrolment)
            else:
                enrolment.status = Enrolment.Status.NOT_COMPLETED
                not_completed.append(enrolment)
            enrolment.save(update_fields=["status", "completed_at"])
        for enrolment in completed:
            # A walk-in who gave no email address has no identity a badge could be bound to (Open Badges
            # name the recipient by a hash of it); their printed certificate is the proof.
            if enrolment.user_id is not None:
                badge_award(enrolment=enrolment, badge_class=badge_class)
        # Places nobody took up end with the run: the waiting list, open offers, unnamed or unaccepted seats.
        Enrolment.objects.filter(run=run, status__in=Enrolment.ACTIVE).update(
            status=Enrolment.Status.CANCELLED,
            cancelled_at=now,
            cancel_cause=Enrolment.Cause.RUN_CLOSED,
            offer_expires_at=None,
        )
        run.status = CourseRun.Status.CLOSED
        run.closed_at = now
        run.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=by,
            action=Action.RUN_CLOSED,
            summary=_(
                "Kurstermin Nr. %(run)s (%(course)s) abgeschlossen: %(completed)s abgeschlossen, "
                "%(not_completed)s nicht abgeschlossen."
            )
            % {
                "run": run.pk,
                "course": run.course.title,
                "completed": len(completed),
                "not_completed": len(not_completed),
            },
            lab_id=run.lab_id,
            target=run,
            details={"completed": len(completed), "not_completed": len(not_completed)},
        )
        for enrolment in completed:
            transaction.on_commit(lambda e=enrolment: enrolment_completed.send(sender=Enrolment, enrolment=e))
    return RunCloseResult(completed=completed, not_completed=not_completed)


COURSE_FIELDS = frozenset(
    {
        "title",
        "slug",
        "summary",
        "body",
        "audience",
        "topic",
        "format",
        "level",
        "prerequisites",
        "bring_along",
        "price",
        "attendance_rule_percent",
    }
)
RUN_FIELDS = frozenset(
    {
        "course",
        "title",
        "capacity",
        "room",
        "venue_name",
        "venue_address",
        "enrolment_closes_at",
        "seat_release",
        "offer_hours",
        "unnamed_release_hours",
        "minimum_participants",
    }
)
# What a new run takes unless told otherwise: the model's defaults.
RUN_SETTINGS = ("seat_release", "offer_hours", "unnamed_release_hours", "minimum_participants")
SESSION_FIELDS = frozenset({"start", "end", "location"})


def _require_lab_manager(*, user: User, lab_id: int) -> None:
    if not user.is_authenticated or not user_is_lab_manager(user=user, lab_id=lab_id):
        raise NotAllowed()


def _reject_unknown(fields: dict, allowed: frozenset) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _check_trainers(*, lab_id: int, trainers: list[User]) -> None:
    """Only people who hold a role at the run's lab may teach it."""
    with_role = set(
        LabRole.objects.filter(lab_id=lab_id, user__in=trainers).values_list("user_id", flat=True)
    )
    for trainer in trainers:
        if trainer.pk not in with_role:
            raise DomainError(
                _("%(name)s gehört nicht zur Kursleitung dieses Labors.") % {"name": trainer.get_full_name()}
            )


def _check_slug_free(*, slug: str, course_pk: int | None = None) -> None:
    """The API addresses course offers by slug, so one slug names one offer across all labs (among the German
    pages; an offer's English page may share its slug)."""
    german = CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    if german.filter(slug=slug).exclude(pk=course_pk).exists():
        raise ValidationError({"slug": _("Diese Kurzadresse hat schon ein anderes Kursangebot.")})


def course_create(
    *, lab: LabPage, by: User, title: str, summary: str, competences: Iterable[Competence] = (), **fields
) -> CoursePage:
    """Publish a new course offer under a lab. The lab's managers may, and whoever may publish pages under the
    lab's page in the CMS (editors, superusers).

    The description passes the rich text editor's whitelist when the page is saved (`CoursePage.clean`).
    """
    if not user_can_write_course(user=by, lab=lab):
        raise NotAllowed()
    _reject_unknown(fields, COURSE_FIELDS)
    with transaction.atomic(durable=True):
        # A title of signs only ("!!!") gives no slug of its own.
        slug = fields.pop("slug", "") or slugify(title) or "kurs"
        _check_slug_free(slug=slug)
        course = CoursePage(title=title, summary=summary, slug=slug, owner=by, **fields)
        course.competences = list(competences)
        lab.add_child(instance=course)
        # Checked above: the lab role or the page permissions.
        course.save_revision(user=by).publish(user=by, skip_permission_checks=True)
    return course


def course_update(
    *, course: CoursePage, by: User, competences: Iterable[Competence] | None = None, **fields
) -> CoursePage:
    """Change a course offer and publish the change as a new revision. The lab's managers may, and whoever may
    edit and publish the page in the CMS (editors, superusers)."""
    if not user_can_write_course(user=by, lab=course.get_parent(), course=course):
        raise NotAllowed()
    _reject_unknown(fields, COURSE_FIELDS)
    with transaction.atomic(durable=True):
        if fields.get("slug"):
            _check_slug_free(slug=fields["slug"], course_pk=course.pk)
        for name, value in fields.items():
            setattr(course, name, value)
        if competences is not None:
            course.competences = list(competences)
        # Checked above: the lab role or the page permissions.
        course.save_revision(user=by).publish(user=by, skip_permission_checks=True)
    return course


@dataclass(frozen=True)
class SessionChange:
    """One meeting as a run form sends it: new (no `id`), changed, or to be removed (`delete`)."""

    start: datetime | None = None
    end: datetime | None = None
    location: str = ""
    id: int | None = None
    delete: bool = False


def run_create(
    *,
    course: CoursePage,
    by: User,
    capacity: int,
    title: str = "",
    room: Room | None = None,
    trainers: Iterable[User] = (),
    venue_name: str = "",
    venue_address: str = "",
    enrolment_closes_at: datetime | None = None,
    sessions: Iterable[SessionChange] = (),
    **settings,
) -> CourseRun:
    """Schedule a run of a course offer, with its meetings. Only managers of the course's lab may;
    trainers need a role there."""
    lab_id = course.get_parent().pk
    _require_lab_manager(user=by, lab_id=lab_id)
    _reject_unknown(settings, frozenset(RUN_SETTINGS))
    trainers = list(trainers)
    _check_trainers(lab_id=lab_id, trainers=trainers)
    with transaction.atomic(durable=True):
        run = CourseRun(
            course=course,
            lab_id=lab_id,
            capacity=capacity,
            title=title,
            room=room,
            venue_name=venue_name,
            venue_address=venue_address,
            enrolment_closes_at=enrolment_closes_at,
            **{name: value for name, value in settings.items() if value is not None},
        )
        run.full_clean()
        run.save()
        run.trainers.set(trainers)
        _sessions_apply(run=run, changes=sessions)
        _check_room_free(run=run)
    return run


def run_update(
    *,
    run: CourseRun,
    by: User,
    trainers: Iterable[User] | None = None,
    sessions: Iterable[SessionChange] = (),
    **fields,
) -> CourseRun:
    """Change a scheduled run and its meetings.

    Fewer seats than are taken is refused; more seats go to those waiting at once, who are told.
    """
    _require_lab_manager(user=by, lab_id=run.lab_id)
    _reject_unknown(fields, RUN_FIELDS)
    course = fields.get("course")
    if course is not None and course.pk != run.course_id:
        _require_lab_manager(user=by, lab_id=course.get_parent().pk)
    with transaction.atomic(durable=True):
        run = lock_run(run)
        _require_scheduled(run)
        if course is not None and course.pk != run.course_id:
            if run.enrolments.exists():
                raise ValidationError(
                    {"course": _("Es gibt schon Anmeldungen; das Kursangebot lässt sich nicht mehr ändern.")}
                )
            run.lab_id = course.get_parent().pk
        place_before = (run.room_id, run.venue_name, run.venue_address)
        for name, value in fields.items():
            setattr(run, name, value)
        if trainers is not None:
            trainers = list(trainers)
            _check_trainers(lab_id=run.lab_id, trainers=trainers)
        taken = Enrolment.objects.filter(run=run, status__in=SEAT_TAKING).count()
        if run.capacity is not None and run.capacity < taken:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "%(n)s Person hat schon einen Platz; weniger Plätze gehen nicht.",
                        "%(n)s Personen haben schon einen Platz; weniger Plätze gehen nicht.",
                        taken,
                    )
                    % {"n": taken}
                }
            )
        run.full_clean()
        run.save()
        if trainers is not None:
            run.trainers.set(trainers)
        moved = _sessions_apply(run=run, changes=sessions)
        _check_room_free(run=run)
        if place_before != (run.room_id, run.venue_name, run.venue_address):
            # Every meeting without a place of its own moves with the run.
            Session.objects.filter(run=run, location="").update(sequence=F("sequence") + 1)
            moved = True
        if moved:
            _announce_schedule_change(run=run)
        fill_free_seats(run=run, now=timezone.now())
    return run


def session_create(
    *, run: CourseRun, by: User, start: datetime, end: datetime, location: str = ""
) -> Session:
    """Add a meeting to a scheduled run. Only managers of the run's lab may."""
    _require_lab_manager(user=by, lab_id=run.lab_id)
    with transaction.atomic(durable=True):
        run = lock_run(run)
        _require_scheduled(run)
        session = _session_add(run=run, start=start, end=end, location=location)
        _check_room_free(run=run)
        _announce_schedule_change(run=run)
        return session


def session_update(*, session: Session, by: User, **fields) -> Session:
    """Move or relocate a meeting of a scheduled run. Only managers of the run's lab may."""
    _require_lab_manager(user=by, lab_id=session.run.lab_id)
    _reject_unknown(fields, SESSION_FIELDS)
    with transaction.atomic(durable=True):
        run = lock_run(session.run)
        _require_scheduled(run)
        session = Session.objects.get(pk=session.pk)
        if _session_change(session=session, **fields):
            _check_room_free(run=run)
            _announce_schedule_change(run=run)
        return session


def _require_scheduled(run: CourseRun) -> None:
    """A closed or cancelled run keeps what it was; only scheduled runs change."""
    if run.status == CourseRun.Status.CLOSED:
        raise RunAlreadyClosed()
    if run.status == CourseRun.Status.CANCELLED:
        raise RunAlreadyClosed(_("Dieser Kurs wurde abgesagt."))


def _sessions_apply(*, run: CourseRun, changes: Iterable[SessionChange]) -> bool:
    """Add, change and remove meetings of a locked run as a run form asks. Returns whether any meeting
    was added, removed, moved or relocated."""
    existing = {session.pk: session for session in run.sessions.all()} if run.pk else {}
    moved = False
    for change in changes:
        if change.id is None:
            if not change.delete:
                _session_add(run=run, start=change.start, end=change.end, location=change.location)
                moved = True
            continue
        session = existing.get(change.id)
        if session is None:
            raise NotFound()
        if change.delete:
            _session_remove(session=session)
            moved = True
        else:
            moved |= _session_change(
                session=session, start=change.start, end=change.end, location=change.location
            )
    return moved


def _check_room_free(*, run: CourseRun) -> None:
    """Refuse a meeting of the run in its lab's room while another run meets there (cancelled runs
    aside). Locks the room's row first, so two runs saved at the same moment cannot both take it."""
    if run.room_id is None or run.venue_name or run.status == CourseRun.Status.CANCELLED:
        return
    Room.objects.select_for_update().filter(pk=run.room_id).exists()
    clash = next(iter(room_clashes(run=run)), None)
    if clash is None:
        return
    mine, other = clash
    raise RoomTaken(
        _(
            "Der Raum „%(room)s“ ist am %(when)s schon belegt: von „%(other)s“ (Kurstermin Nr. %(run)s) "
            "bis %(until)s Uhr. Bitte wählen Sie eine andere Zeit oder einen anderen Raum."
        )
        % {
            "room": run.room.name,
            "when": format_moment(mine.start),
            "other": other.run.course.title,
            "run": other.run_id,
            "until": date_format(timezone.localtime(other.end), "H:i"),
        }
    )


def _session_add(*, run: CourseRun, start, end, location: str) -> Session:
    session = Session(run=run, start=start, end=end, location=location)
    session.full_clean()
    session.save()
    return session


def _session_change(*, session: Session, **fields) -> bool:
    """Apply the fields; a change of time or place grows the session's iCalendar SEQUENCE. Returns
    whether time or place changed."""
    before = (session.start, session.end, session.location)
    for name, value in fields.items():
        setattr(session, name, value)
    moved = before != (session.start, session.end, session.location)
    if moved:
        session.sequence += 1
    session.full_clean()
    session.save()
    return moved


def _announce_schedule_change(*, run: CourseRun) -> None:
    """Tell everyone with a place (seat, invitation, offer or waiting list) the new dates, once per
    version of the schedule. Call with the run locked."""
    run.schedule_version += 1
    run.save(update_fields=["schedule_version"])
    told = Enrolment.objects.filter(run=run, status__in=Enrolment.ACTIVE).exclude(
        user__isnull=True, member_email=""
    )
    outbox_add_many(
        kind=notifications.RUN_CHANGED,
        items=[(pk, f"v{run.schedule_version}") for pk in told.values_list("pk", flat=True)],
    )


def _session_remove(*, session: Session) -> None:
    """A meeting with recorded attendance stays: completion is counted from it."""
    if Attendance.objects.filter(session=session).exists():
        when = date_format(timezone.localtime(session.start), _("j. F Y, H:i \\U\\h\\r"))
        raise DomainError(
            _("Für den Termin am %(when)s ist schon Anwesenheit erfasst. Darum lässt er sich nicht löschen.")
            % {"when": when}
        )
    session.delete()


def session_reminders_record(*, now=None, ahead: timedelta = timedelta(hours=24)) -> int:
    """Record a reminder for everyone with a seat in each session that begins within `ahead` (Celery
    beat). Each person is reminded of each session once, however often this runs; a session moved since
    (a new sequence) is reminded again at its new time."""
    now = now or timezone.now()
    # One row per seat and session in the window, in one query.
    due = Enrolment.objects.filter(
        status=Enrolment.Status.CONFIRMED,
        run__status=CourseRun.Status.SCHEDULED,
        run__sessions__start__gt=now,
        run__sessions__start__lte=now + ahead,
    ).values_list("pk", "run__sessions__pk", "run__sessions__sequence")
    items = [(pk, f"session-{session_id}-v{sequence}") for pk, session_id, sequence in due]
    with transaction.atomic(durable=True):
        outbox_add_many(kind=notifications.SESSION_REMINDER, items=items)
    return len(items)


def enrolment_statistics_set(
    *, enrolment: Enrolment, by: User, age_band: str, municipality: str
) -> Enrolment:
    """Keep (or clear, with "") the two optional figures a person gave for the labs' anonymous reports.
    Only the person whose place it is may; an age band or a place not offered is refused."""
    if not getattr(by, "is_authenticated", False) or enrolment.user_id != by.pk:
        raise NotFound()
    age_band = (age_band or "").strip()
    municipality = (municipality or "").strip()
    errors = {}
    if age_band and age_band not in AgeBand.values:
        errors["age_band"] = _("Bitte wählen Sie eine der Altersgruppen oder lassen Sie das Feld leer.")
    if municipality and municipality not in statistics_municipalities():
        errors["municipality"] = _("Bitte wählen Sie einen Ort aus der Liste oder lassen Sie das Feld leer.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        updated = Enrolment.objects.filter(pk=enrolment.pk, user=by).update(
            age_band=age_band, municipality=municipality
        )
        if not updated:
            raise NotFound()
    enrolment.age_band, enrolment.municipality = age_band, municipality
    return enrolment
