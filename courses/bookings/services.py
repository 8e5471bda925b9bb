"""Organisations book seats on a run and name the members who take them.

A booking's seats are enrolments without a person (`reserved`) that count against capacity from the
start, under the same run lock as every seat. Naming a member makes the seat `invited`; the member
accepts with their own consent and the seat becomes theirs (`confirmed`). A member's seat given back goes
back to the organisation, unnamed, until the run's release time; then unnamed seats go to the waiting list.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation, User
from accounts.selectors import organisation_contact
from labs.selectors import user_is_lab_manager
from outbox.services import outbox_add, outbox_add_many

from .. import notifications
from ..exceptions import Conflict, DomainError, EnrolmentClosed, NotAllowed, NotCancellable, NotFound
from ..models import Booking, CourseRun, Enrolment
from ..selectors import (
    cancellation_deadline,
    enrolment_closed_reason,
    format_moment,
    run_first_start,
    unnamed_release_at,
)
from ..services import end_place, fill_free_seats, lock_run, return_to_booking, seats_free
from .selectors import invitation_refusal


class NotEnoughSeats(DomainError):
    code = "not_enough_seats"


class MemberAlreadyEnrolled(Conflict):
    default_message = _("Diese Person hat in diesem Kurs schon einen Platz.")
    code = "member_already_enrolled"


def _require_contact(*, user: User, organisation_id: int) -> None:
    """Someone else's booking is not found, rather than forbidden: its existence stays private."""
    if not organisation_contact(user=user, organisation_id=organisation_id):
        raise NotFound()


def _lock_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("organisation").get(pk=booking.pk)


def booking_create(
    *, run: CourseRun, organisation: Organisation, by: User, seats: int, waitlist_rest: bool = False
) -> Booking:
    """Book `seats` seats for an organisation. Without enough free seats, the contact chooses: the free
    ones and the rest on the waiting list (`waitlist_rest`), or nothing (`NotEnoughSeats`)."""
    if not by.is_authenticated:
        raise NotAllowed()
    if not organisation_contact(user=by, organisation_id=organisation.pk):
        raise ValidationError({"organisation": _("Sie sind keine Ansprechperson dieser Organisation.")})
    if not isinstance(seats, int) or seats < 1:
        raise ValidationError({"seats": _("Bitte buchen Sie mindestens einen Platz.")})
    with transaction.atomic(durable=True):
        run = lock_run(run)
        reason = enrolment_closed_reason(run=run)
        if reason:
            raise EnrolmentClosed(reason)
        if seats > run.capacity:
            raise ValidationError(
                {
                    "seats": ngettext(
                        "Der Kurs hat nur %(n)s Platz.", "Der Kurs hat nur %(n)s Plätze.", run.capacity
                    )
                    % {"n": run.capacity}
                }
            )
        # People already waiting keep their turn.
        waiting = Enrolment.objects.filter(run=run, status=Enrolment.Status.WAITLISTED).exists()
        free = 0 if waiting else max(seats_free(run=run), 0)
        if free < seats and not waitlist_rest:
            if free == 0:
                message = _("Es ist kein Platz mehr frei. Sie können alle Plätze auf die Warteliste setzen.")
            else:
                message = ngettext(
                    "Es ist nur noch %(n)s Platz frei. Buchen Sie weniger Plätze oder setzen Sie die "
                    "übrigen auf die Warteliste.",
                    "Es sind nur noch %(n)s Plätze frei. Buchen Sie weniger Plätze oder setzen Sie die "
                    "übrigen auf die Warteliste.",
                    free,
                ) % {"n": free}
            raise NotEnoughSeats(message)
        now = timezone.now()
        booking = Booking.objects.create(
            run=run, organisation=organisation, booked_by=by, seats_requested=seats
        )
        held = min(free, seats)
        Enrolment.objects.bulk_create(
            [
                Enrolment(run=run, booking=booking, status=Enrolment.Status.RESERVED, confirmed_at=now)
                for _i in range(held)
            ]
            + [
                Enrolment(run=run, booking=booking, status=Enrolment.Status.WAITLISTED, waitlisted_at=now)
                for _i in range(seats - held)
            ]
        )
        outbox_add(kind=notifications.BOOKING_CONFIRMATION, object_id=booking.pk)
    return booking


def _clean_member(*, name: str, email: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    email = User.objects.normalize_email((email or "").strip()).lower()
    errors = {}
    if not name:
        errors["name"] = _("Bitte geben Sie den Namen an.")
    elif len(name) > 150:
        errors["name"] = _("Der Name darf höchstens 150 Zeichen lang sein.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an.")
    if errors:
        raise ValidationError(errors)
    return name, email


def _email_in_run(*, run: CourseRun, email: str) -> bool:
    active = Enrolment.objects.filter(run=run).exclude(status=Enrolment.Status.CANCELLED)
    return (
        active.filter(member_email__iexact=email).exists()
        or active.filter(user__email__iexact=email).exists()
    )


def booking_member_add(*, booking: Booking, by: User, name: str, email: str) -> Enrolment:
    """Give one of the booking's unnamed seats to a member, who is invited by mail to accept it."""
    _require_contact(user=by, organisation_id=booking.organisation_id)
    name, email = _clean_member(name=name, email=email)
    with transaction.atomic(durable=True):
        run = lock_run(booking.run)
        booking = _lock_booking(booking)
        if booking.status != Booking.Status.ACTIVE or run.status != CourseRun.Status.SCHEDULED:
            raise DomainError(_("Diese Buchung ist nicht mehr aktiv."))
        if _email_in_run(run=run, email=email):
            raise MemberAlreadyEnrolled()
        seat = (
            Enrolment.objects.filter(booking=booking, status=Enrolment.Status.RESERVED).order_by("pk").first()
        )
        if seat is None:
            raise ValidationError(
                {"email": _("Alle gebuchten Plätze haben schon einen Namen. Buchen Sie weitere Plätze.")}
            )
        seat.member_name = name
        seat.member_email = email
        seat.status = Enrolment.Status.INVITED
        try:
            with transaction.atomic():
                seat.save(update_fields=["member_name", "member_email", "status"])
        except IntegrityError as exc:
            raise MemberAlreadyEnrolled() from exc
        outbox_add(kind=notifications.MEMBER_INVITATION, object_id=seat.pk)
    return seat


def _refuse_after_deadline(*, run: CourseRun, by: User, now) -> None:
    """Swapping a member or cancelling a booking ends at the course's cancellation deadline, except for
    the lab's managers."""
    if user_is_lab_manager(user=by, lab_id=run.lab_id):
        return
    deadline = cancellation_deadline(run=run)
    if deadline is not None and now >= deadline:
        raise NotCancellable(
            _("Die Absagefrist ist am %(deadline)s abgelaufen.") % {"deadline": format_moment(deadline)}
        )


def booking_member_remove(*, booking: Booking, enrolment: Enrolment, by: User) -> Enrolment:
    """Take a named member off a seat, so that the contact can name someone else. The member is told."""
    _require_contact(user=by, organisation_id=booking.organisation_id)
    with transaction.atomic(durable=True):
        run = lock_run(booking.run)
        booking = _lock_booking(booking)
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("booking")
            .filter(pk=enrolment.pk, booking=booking)
            .first()
        )
        if enrolment is None or enrolment.status not in (
            Enrolment.Status.INVITED,
            Enrolment.Status.CONFIRMED,
        ):
            raise NotFound()
        if run.status != CourseRun.Status.SCHEDULED:
            raise NotCancellable()
        now = timezone.now()
        _refuse_after_deadline(run=run, by=by, now=now)
        returned = return_to_booking(enrolment=enrolment, run=run, now=now)
        end_place(enrolment=enrolment, cause=Enrolment.Cause.MEMBER_CHANGED, now=now)
        outbox_add(kind=notifications.ENROLMENT_CANCELLED, object_id=enrolment.pk)
        if not returned:
            fill_free_seats(run=run, now=now)
    return enrolment


def booking_cancel(*, booking: Booking, by: User) -> Booking:
    """Cancel the whole booking: every seat and waiting place of it ends, named members are told, and
    the freed seats go to the waiting list."""
    _require_contact(user=by, organisation_id=booking.organisation_id)
    with transaction.atomic(durable=True):
        run = lock_run(booking.run)
        booking = _lock_booking(booking)
        if booking.status != Booking.Status.ACTIVE:
            raise NotCancellable(_("Diese Buchung ist schon storniert."))
        if run.status != CourseRun.Status.SCHEDULED:
            raise NotCancellable()
        now = timezone.now()
        _refuse_after_deadline(run=run, by=by, now=now)
        places = list(Enrolment.objects.filter(booking=booking, status__in=Enrolment.ACTIVE))
        for place in places:
            end_place(enrolment=place, cause=Enrolment.Cause.BOOKING_CANCELLED, now=now)
        outbox_add_many(
            kind=notifications.ENROLMENT_CANCELLED,
            items=[(place.pk, "") for place in places if place.user_id or place.member_email],
        )
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        outbox_add(kind=notifications.BOOKING_CANCELLED, object_id=booking.pk)
        fill_free_seats(run=run, now=now)
    return booking


def invitation_accept(*, enrolment: Enrolment, user: User, consent: bool) -> Enrolment:
    """The invited member takes the seat with their own account and consent."""
    if not user.is_authenticated or not user.is_active:
        raise NotAllowed()
    if not consent:
        raise ValidationError({"consent": _("Bitte bestätigen Sie, dass Sie teilnehmen möchten.")})
    with transaction.atomic(durable=True):
        run = lock_run(enrolment.run)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        enrolment.run = run
        refusal = invitation_refusal(enrolment=enrolment)
        if refusal:
            raise DomainError(refusal)
        if Enrolment.objects.filter(run=run, user=user).exclude(status=Enrolment.Status.CANCELLED).exists():
            raise MemberAlreadyEnrolled(_("Sie haben in diesem Kurs schon einen Platz."))
        enrolment.user = user
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.confirmed_at = timezone.now()
        try:
            with transaction.atomic():
                enrolment.save(update_fields=["user", "status", "confirmed_at"])
        except IntegrityError as exc:
            raise MemberAlreadyEnrolled(_("Sie haben in diesem Kurs schon einen Platz.")) from exc
        outbox_add(kind=notifications.ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
    return enrolment


def invitation_decline(*, enrolment: Enrolment) -> Enrolment:
    """The invited member says no (from the link in their mail); the seat goes back to the organisation."""
    with transaction.atomic(durable=True):
        run = lock_run(enrolment.run)
        enrolment = (
            Enrolment.objects.select_related("booking").select_for_update(of=("self",)).get(pk=enrolment.pk)
        )
        enrolment.run = run
        refusal = invitation_refusal(enrolment=enrolment)
        if refusal:
            raise DomainError(refusal)
        now = timezone.now()
        returned = return_to_booking(enrolment=enrolment, run=run, now=now)
        end_place(enrolment=enrolment, cause=Enrolment.Cause.SELF, now=now)
        outbox_add(kind=notifications.BOOKING_MEMBER_LEFT, object_id=enrolment.pk)
        if not returned:
            fill_free_seats(run=run, now=now)
    return enrolment


def bookings_remind_unnamed(*, now=None) -> int:
    """Remind contacts, once a week before the start, of seats they have not named yet (Celery beat)."""
    now = now or timezone.now()
    week = timedelta(days=7)
    due = (
        Booking.objects.filter(
            status=Booking.Status.ACTIVE,
            unnamed_reminded_at__isnull=True,
            run__status=CourseRun.Status.SCHEDULED,
            enrolments__status=Enrolment.Status.RESERVED,
        )
        .select_related("run")
        .distinct()
    )
    reminded = 0
    for booking in due:
        first_start = run_first_start(booking.run)
        release_at = unnamed_release_at(run=booking.run)
        if first_start is None or not (first_start - week <= now < release_at):
            continue
        with transaction.atomic(durable=True):
            if Booking.objects.filter(pk=booking.pk, unnamed_reminded_at__isnull=True).update(
                unnamed_reminded_at=now
            ):
                outbox_add(kind=notifications.BOOKING_UNNAMED_REMINDER, object_id=booking.pk)
                reminded += 1
    return reminded


def bookings_release_unnamed(*, now=None) -> int:
    """Give seats that organisations have not named by the run's release time to the waiting list
    (Celery beat); the contact is told. Returns how many seats were released."""
    now = now or timezone.now()
    run_ids = set(
        Enrolment.objects.filter(
            status=Enrolment.Status.RESERVED, run__status=CourseRun.Status.SCHEDULED
        ).values_list("run_id", flat=True)
    )
    released = 0
    for run in CourseRun.objects.filter(pk__in=run_ids).select_related("course").order_by("pk"):
        release_at = unnamed_release_at(run=run)
        if release_at is None or now < release_at:
            continue
        with transaction.atomic(durable=True):
            run = lock_run(run)
            seats = list(Enrolment.objects.filter(run=run, status=Enrolment.Status.RESERVED).order_by("pk"))
            first_by_booking = {}
            for seat in seats:
                end_place(enrolment=seat, cause=Enrolment.Cause.UNNAMED_RELEASED, now=now)
                first_by_booking.setdefault(seat.booking_id, seat.pk)
            outbox_add_many(
                kind=notifications.BOOKING_SEATS_RELEASED,
                items=[(booking_id, str(pk)) for booking_id, pk in first_by_booking.items()],
            )
            fill_free_seats(run=run, now=now)
            released += len(seats)
    return released
