"""The enrolment engine with organisations in the mix: bookings, named members, offers, the cancellation
deadline, run cancellation and the messages each change leaves owed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from courses import notifications
from courses.bookings.services import (
    MemberAlreadyEnrolled,
    NotEnoughSeats,
    booking_cancel,
    booking_create,
    booking_member_add,
    booking_member_remove,
    bookings_release_unnamed,
    bookings_remind_unnamed,
    invitation_accept,
    invitation_decline,
)
from courses.exceptions import DomainError, NotCancellable, NotFound, RunAlreadyClosed
from courses.models import CourseRun, Enrolment, SeatRelease, Session
from courses.selectors import run_list, waitlist_position, waitlist_position_expression
from courses.services import (
    enrolment_cancel,
    enrolment_create,
    enrolment_create_for_person,
    enrolment_remove,
    offer_accept,
    offer_decline,
    offers_expire,
    run_cancel,
    session_reminders_record,
    session_update,
    waitlist_move,
)
from outbox.models import OutboxItem
from tests.factories import CourseRunFactory, OrganisationFactory, UserFactory, make_contact, make_manager

pytestmark = pytest.mark.django_db

S = Enrolment.Status


def statuses(run) -> dict[str, int]:
    counts = {}
    for status in Enrolment.objects.filter(run=run).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def owed(kind) -> list[tuple[int, str]]:
    return sorted(OutboxItem.objects.filter(kind=kind).values_list("object_id", "key"))


def enrol_many(run, n):
    return [enrolment_create(run=run, user=UserFactory()) for _ in range(n)]


@pytest.fixture
def org():
    return OrganisationFactory(name="Heimatverein Fischbeck e. V.")


@pytest.fixture
def contact(org):
    return make_contact(org, email="verein@example.org")


# --- Bookings ------------------------------------------------------------------------------------------


def test_booked_seats_count_against_capacity_at_once(clock, org, contact):
    run = CourseRunFactory(capacity=5)
    booking = booking_create(run=run, organisation=org, by=contact, seats=3)

    assert statuses(run) == {S.RESERVED: 3}
    assert owed(notifications.BOOKING_CONFIRMATION) == [(booking.pk, "")]
    enrolments = enrol_many(run, 3)
    assert [e.status for e in enrolments] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]


def test_without_enough_seats_the_contact_books_nothing_or_waits_for_the_rest(clock, org, contact):
    run = CourseRunFactory(capacity=4)
    enrol_many(run, 2)

    with pytest.raises(NotEnoughSeats, match="nur noch 2 Plätze frei"):
        booking_create(run=run, organisation=org, by=contact, seats=3)
    assert not run.bookings.exists()
    assert statuses(run) == {S.CONFIRMED: 2}

    booking = booking_create(run=run, organisation=org, by=contact, seats=3, waitlist_rest=True)
    assert sorted(booking.enrolments.values_list("status", flat=True)) == [
        S.RESERVED,
        S.RESERVED,
        S.WAITLISTED,
    ]


@pytest.mark.parametrize("seats", [0, -1, 11])
def test_seats_outside_one_to_capacity_are_refused(clock, org, contact, seats):
    run = CourseRunFactory(capacity=10)
    with pytest.raises(ValidationError) as error:
        booking_create(run=run, organisation=org, by=contact, seats=seats)
    assert "seats" in error.value.message_dict
    assert not Enrolment.objects.filter(run=run).exists()


def test_only_contacts_of_the_organisation_book_for_it(clock, org):
    run = CourseRunFactory(capacity=10)
    member = UserFactory()
    with pytest.raises(ValidationError) as error:
        booking_create(run=run, organisation=org, by=member, seats=2)
    assert "organisation" in error.value.message_dict


def test_a_person_is_contact_of_several_organisations_and_each_has_several_contacts(clock, org, contact):
    other = OrganisationFactory(name="Sportverein Aerzen")
    second_contact = make_contact(org)
    from accounts.models import OrganisationMembership

    OrganisationMembership.objects.create(
        organisation=other, user=contact, role=OrganisationMembership.Role.CONTACT
    )
    run = CourseRunFactory(capacity=10)
    first = booking_create(run=run, organisation=org, by=contact, seats=1)
    booking_create(run=run, organisation=other, by=contact, seats=1)
    # Another contact of the same organisation manages its booking.
    seat = booking_member_add(
        booking=first, by=second_contact, name="Erna Beispiel", email="erna@example.org"
    )
    assert seat.status == S.INVITED


def test_waiting_seats_of_a_booking_get_contiguous_positions(clock, org, contact):
    run = CourseRunFactory(capacity=1)
    enrol_many(run, 2)
    booking_create(run=run, organisation=org, by=contact, seats=1, waitlist_rest=True)
    other = OrganisationFactory()
    booking_create(run=run, organisation=other, by=make_contact(other), seats=1, waitlist_rest=True)
    later = enrolment_create(run=run, user=UserFactory())
    # All joined at the same stopped moment: positions still count 1, 2, 3, ... without repeats.
    positions = sorted(
        Enrolment.objects.filter(run=run, status=S.WAITLISTED)
        .annotate(position=waitlist_position_expression())
        .values_list("position", flat=True)
    )
    assert positions == [1, 2, 3, 4]
    assert waitlist_position(enrolment=later) == 4


# --- Members -------------------------------------------------------------------------------------------


def test_named_member_is_invited_then_accepts_with_consent(clock, org, contact):
    run = CourseRunFactory(capacity=5)
    booking = booking_create(run=run, organisation=org, by=contact, seats=2)
    seat = booking_member_add(booking=booking, by=contact, name=" Erna  Beispiel ", email="Erna@Example.org")

    assert (seat.status, seat.member_name, seat.member_email) == (
        S.INVITED,
        "Erna Beispiel",
        "erna@example.org",
    )
    assert owed(notifications.MEMBER_INVITATION) == [(seat.pk, "")]

    erna = UserFactory(email="erna@example.org")
    with pytest.raises(ValidationError):
        invitation_accept(enrolment=seat, user=erna, consent=False)
    seat.refresh_from_db()
    assert seat.status == S.INVITED

    invitation_accept(enrolment=seat, user=erna, consent=True)
    seat.refresh_from_db()
    assert (seat.status, seat.user) == (S.CONFIRMED, erna)
    assert (seat.pk, "") in owed(notifications.ENROLMENT_CONFIRMATION)


def test_naming_more_members_than_seats_is_refused(clock, org, contact):
    run = CourseRunFactory(capacity=5)
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    booking_member_add(booking=booking, by=contact, name="Erna", email="erna@example.org")
    with pytest.raises(ValidationError):
        booking_member_add(booking=booking, by=contact, name="Otto", email="otto@example.org")
    assert booking.enrolments.count() == 1


def test_a_member_already_in_the_run_is_a_conflict(clock, org, contact):
    run = CourseRunFactory(capacity=5)
    enrolment_create(run=run, user=UserFactory(email="otto@example.org"))
    booking = booking_create(run=run, organisation=org, by=contact, seats=2)
    booking_member_add(booking=booking, by=contact, name="Erna", email="erna@example.org")

    for email in ("OTTO@example.org", "erna@example.org"):
        with pytest.raises(MemberAlreadyEnrolled):
            booking_member_add(booking=booking, by=contact, name="Noch wer", email=email)
    assert booking.enrolments.filter(status=S.RESERVED).count() == 1


def test_someone_elses_booking_is_not_found(clock, org, contact):
    run = CourseRunFactory(capacity=5)
    booking = booking_create(run=run, organisation=org, by=contact, seats=2)
    stranger = make_contact()
    with pytest.raises(NotFound):
        booking_member_add(booking=booking, by=stranger, name="Erna", email="erna@example.org")
    with pytest.raises(NotFound):
        booking_cancel(booking=booking, by=stranger)
    assert booking.enrolments.filter(status=S.RESERVED).count() == 2


def test_swapping_a_member_keeps_the_seat_for_the_organisation_until_the_deadline(clock, org, contact):
    run = CourseRunFactory(capacity=2, starts_in=timedelta(days=7))
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    enrol_many(run, 2)  # one seat left, then one waiting
    erna = booking_member_add(booking=booking, by=contact, name="Erna", email="erna@example.org")

    booking_member_remove(booking=booking, enrolment=erna, by=contact)
    erna.refresh_from_db()
    assert (erna.status, erna.cancel_cause) == (S.CANCELLED, Enrolment.Cause.MEMBER_CHANGED)
    assert booking.enrolments.filter(status=S.RESERVED).count() == 1
    assert statuses(run)[S.WAITLISTED] == 1  # the waiting person did not get the organisation's seat

    otto = booking_member_add(booking=booking, by=contact, name="Otto", email="otto@example.org")
    first = run.sessions.order_by("start").first().start
    clock.move_to(first - timedelta(hours=47))
    with pytest.raises(NotCancellable, match="Absagefrist ist am"):
        booking_member_remove(booking=booking, enrolment=otto, by=contact)
    otto.refresh_from_db()
    assert otto.status == S.INVITED


def test_a_member_who_declines_gives_the_seat_back_to_the_organisation(clock, org, contact):
    run = CourseRunFactory(capacity=3)
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    erna = booking_member_add(booking=booking, by=contact, name="Erna", email="erna@example.org")

    invitation_decline(enrolment=erna)
    assert booking.enrolments.filter(status=S.RESERVED).count() == 1
    assert owed(notifications.BOOKING_MEMBER_LEFT) == [(erna.pk, "")]


def test_cancelling_a_booking_frees_its_seats_for_those_waiting(clock, org, contact):
    run = CourseRunFactory(capacity=2)
    booking = booking_create(run=run, organisation=org, by=contact, seats=2)
    erna = booking_member_add(booking=booking, by=contact, name="Erna", email="erna@example.org")
    waiting = enrol_many(run, 2)

    booking_cancel(booking=booking, by=contact)

    booking.refresh_from_db()
    assert booking.status == booking.Status.CANCELLED
    assert {e.status for e in booking.enrolments.all()} == {S.CANCELLED}
    assert [Enrolment.objects.get(pk=e.pk).status for e in waiting] == [S.CONFIRMED, S.CONFIRMED]
    assert (erna.pk, "") in owed(notifications.ENROLMENT_CANCELLED)
    assert owed(notifications.BOOKING_CANCELLED) == [(booking.pk, "")]


# --- Unnamed seats -------------------------------------------------------------------------------------


def test_unnamed_seats_are_reminded_a_week_ahead_once_and_released_48_hours_ahead(clock, org, contact):
    run = CourseRunFactory(capacity=2, starts_in=timedelta(days=10))
    booking = booking_create(run=run, organisation=org, by=contact, seats=2)
    booking_member_add(booking=booking, by=contact, name="Erna", email="erna@example.org")
    waiting = enrolment_create(run=run, user=UserFactory())
    first = run.sessions.order_by("start").first().start

    clock.move_to(first - timedelta(days=8))
    assert bookings_remind_unnamed() == 0
    clock.move_to(first - timedelta(days=7))
    assert bookings_remind_unnamed() == 1
    assert bookings_remind_unnamed() == 0
    assert owed(notifications.BOOKING_UNNAMED_REMINDER) == [(booking.pk, "")]

    clock.move_to(first - timedelta(hours=49))
    assert bookings_release_unnamed() == 0
    clock.move_to(first - timedelta(hours=48))
    assert bookings_release_unnamed() == 1
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert statuses(run) == {S.INVITED: 1, S.CANCELLED: 1, S.CONFIRMED: 1}
    assert len(owed(notifications.BOOKING_SEATS_RELEASED)) == 1


def test_release_time_is_set_per_run(clock, org, contact):
    run = CourseRunFactory(capacity=2, starts_in=timedelta(days=10), unnamed_release_hours=24 * 5)
    booking_create(run=run, organisation=org, by=contact, seats=2)
    first = run.sessions.order_by("start").first().start
    clock.move_to(first - timedelta(days=5))
    assert bookings_release_unnamed() == 2


# --- Offers --------------------------------------------------------------------------------------------


@pytest.fixture
def offer_run(clock):
    run = CourseRunFactory(capacity=1, seat_release=SeatRelease.OFFER, offer_hours=12)
    first, second, third = enrol_many(run, 3)
    return run, first, second, third


def test_a_freed_seat_is_offered_and_passes_on_when_the_offer_runs_out(clock, offer_run):
    run, first, second, third = offer_run
    enrolment_cancel(enrolment=first, by=first.user)
    second.refresh_from_db()
    assert second.status == S.OFFERED
    assert owed(notifications.SEAT_OFFER) == [(second.pk, "")]
    # Someone new waits behind those already waiting, also while the seat is on offer.
    assert enrolment_create(run=run, user=UserFactory()).status == S.WAITLISTED

    clock.shift(timedelta(hours=11, minutes=59))
    assert offers_expire() == 0
    clock.shift(timedelta(minutes=1))
    assert offers_expire() == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.cancel_cause) == (S.CANCELLED, Enrolment.Cause.OFFER_EXPIRED)
    assert third.status == S.OFFERED

    with pytest.raises(DomainError, match="gilt nicht mehr"):
        offer_accept(enrolment=second, by=second.user)


def test_an_offer_taken_in_time_is_a_seat(clock, offer_run):
    run, first, second, third = offer_run
    enrolment_cancel(enrolment=first, by=first.user)
    with pytest.raises(NotFound):
        offer_accept(enrolment=Enrolment.objects.get(pk=second.pk), by=third.user)
    offer_accept(enrolment=Enrolment.objects.get(pk=second.pk), by=second.user)
    assert Enrolment.objects.get(pk=second.pk).status == S.CONFIRMED
    assert (second.pk, "") in owed(notifications.WAITLIST_PROMOTION)


def test_a_declined_offer_goes_to_the_next_person_at_once(clock, offer_run):
    run, first, second, third = offer_run
    enrolment_cancel(enrolment=first, by=first.user)
    offer_decline(enrolment=Enrolment.objects.get(pk=second.pk), by=second.user)
    assert Enrolment.objects.get(pk=third.pk).status == S.OFFERED


# --- Cancellation deadline -----------------------------------------------------------------------------


def test_cancelling_a_seat_after_the_deadline_is_refused_with_the_deadline(clock):
    run = CourseRunFactory(capacity=1, starts_in=timedelta(days=3))
    seat, waiting = enrol_many(run, 2)
    first = run.sessions.order_by("start").first().start
    clock.move_to(first - timedelta(hours=47))

    with pytest.raises(NotCancellable) as error:
        enrolment_cancel(enrolment=seat, by=seat.user)
    assert "Absagefrist ist am" in error.value.message
    assert "18:00 Uhr" in error.value.message
    assert Enrolment.objects.get(pk=seat.pk).status == S.CONFIRMED
    # Leaving the waiting list frees nothing and stays possible.
    enrolment_cancel(enrolment=waiting, by=waiting.user)


def test_the_deadline_is_set_per_course(clock):
    run = CourseRunFactory(capacity=1, starts_in=timedelta(days=3))
    run.course.cancellation_hours = 0
    run.course.save()
    (seat,) = enrol_many(run, 1)
    first = run.sessions.order_by("start").first().start
    clock.move_to(first - timedelta(minutes=5))
    enrolment_cancel(enrolment=Enrolment.objects.get(pk=seat.pk), by=seat.user)
    assert (seat.pk, "") in owed(notifications.ENROLMENT_CANCELLED)


def test_the_lab_removes_a_person_with_a_reason_after_the_deadline(clock, lab):
    from tests.factories import make_course

    manager = make_manager(lab)
    run = CourseRunFactory(course=make_course(lab=lab), capacity=1, starts_in=timedelta(days=1))
    seat, waiting = enrol_many(run, 2)
    with pytest.raises(ValidationError):
        enrolment_remove(enrolment=seat, by=manager, reason="  ")
    enrolment_remove(enrolment=seat, by=manager, reason="Doppelt angemeldet")
    seat.refresh_from_db()
    assert (seat.status, seat.cancel_cause, seat.cancel_reason) == (
        S.CANCELLED,
        Enrolment.Cause.REMOVED,
        "Doppelt angemeldet",
    )
    assert Enrolment.objects.get(pk=waiting.pk).status == S.CONFIRMED


# --- The lab's hand --------------------------------------------------------------------------------------


def test_phone_in_makes_an_account_without_a_password(clock, lab):
    from tests.factories import make_course

    manager = make_manager(lab)
    run = CourseRunFactory(course=make_course(lab=lab), capacity=3)
    enrolment = enrolment_create_for_person(
        run=run, by=manager, full_name="Erika  Muster", email="Erika@Example.org"
    )
    assert enrolment.status == S.CONFIRMED
    assert enrolment.user.email == "erika@example.org"
    assert enrolment.user.full_name == "Erika Muster"
    assert not enrolment.user.has_usable_password()

    with pytest.raises(ValidationError) as error:
        enrolment_create_for_person(run=run, by=manager, full_name="", email="kein-at")
    assert set(error.value.message_dict) == {"full_name", "email"}


def test_moving_someone_up_by_hand_needs_a_free_seat_or_one_more(clock, lab):
    from tests.factories import make_course

    manager = make_manager(lab)
    run = CourseRunFactory(course=make_course(lab=lab), capacity=1)
    _seat, first, second = enrol_many(run, 3)
    with pytest.raises(DomainError, match="voll"):
        waitlist_move(enrolment=second, by=manager)
    waitlist_move(enrolment=second, by=manager, add_seat=True)
    run.refresh_from_db()
    assert run.capacity == 2
    assert Enrolment.objects.get(pk=second.pk).status == S.CONFIRMED
    assert waitlist_position(enrolment=Enrolment.objects.get(pk=first.pk)) == 1


# --- Run cancelled, schedule changed, reminders -----------------------------------------------------------


def test_a_cancelled_run_tells_everyone_and_leaves_the_catalogue(clock, lab, org, contact):
    from tests.factories import make_course

    manager = make_manager(lab)
    run = CourseRunFactory(course=make_course(lab=lab), capacity=3)
    booking = booking_create(run=run, organisation=org, by=contact, seats=2)
    invited = booking_member_add(booking=booking, by=contact, name="Erna", email="erna@example.org")
    people = enrol_many(run, 2)  # one seat, one waiting
    sequences = list(Session.objects.filter(run=run).values_list("sequence", flat=True))

    with pytest.raises(ValidationError):
        run_cancel(run=run, by=manager, message="")
    run_cancel(run=run, by=manager, message="Die Kursleitung ist krank.")

    run.refresh_from_db()
    assert run.status == CourseRun.Status.CANCELLED
    assert run.cancellation_message == "Die Kursleitung ist krank."
    assert not run_list().filter(pk=run.pk).exists()
    assert set(Enrolment.objects.filter(run=run).values_list("status", flat=True)) == {S.CANCELLED}
    told = {pk for pk, _key in owed(notifications.ENROLMENT_CANCELLED)}
    assert told == {invited.pk, *(p.pk for p in people)}  # the unnamed seat has nobody to tell
    assert owed(notifications.BOOKING_CANCELLED) == [(booking.pk, "")]
    assert [s + 1 for s in sequences] == list(
        Session.objects.filter(run=run).values_list("sequence", flat=True)
    )
    with pytest.raises(RunAlreadyClosed):
        run_cancel(run=run, by=manager, message="Noch einmal")


def test_a_moved_session_is_announced_once_per_change(clock, lab):
    from tests.factories import make_course

    manager = make_manager(lab)
    run = CourseRunFactory(course=make_course(lab=lab), capacity=1)
    seat, waiting = enrol_many(run, 2)
    session = run.sessions.order_by("start").first()

    session_update(session=session, by=manager, location="")  # nothing changes
    assert owed(notifications.RUN_CHANGED) == []

    session_update(
        session=session,
        by=manager,
        start=session.start + timedelta(hours=1),
        end=session.end + timedelta(hours=1),
    )
    session.refresh_from_db()
    assert session.sequence == 1
    assert owed(notifications.RUN_CHANGED) == sorted([(seat.pk, "v1"), (waiting.pk, "v1")])
    session_update(session=session, by=manager, location="Dorfgemeinschaftshaus Groß Berkel")
    assert len(owed(notifications.RUN_CHANGED)) == 4


def test_reminders_are_recorded_once_per_person_and_session_within_24_hours(clock):
    run = CourseRunFactory(capacity=1, starts_in=timedelta(days=2), sessions=2)
    seat, _waiting = enrol_many(run, 2)
    first = run.sessions.order_by("start").first()
    clock.move_to(first.start - timedelta(hours=25))
    assert session_reminders_record() == 0
    clock.move_to(first.start - timedelta(hours=23))
    session_reminders_record()
    session_reminders_record()
    assert owed(notifications.SESSION_REMINDER) == [(seat.pk, f"session-{first.pk}-v0")]
