"""No overbooking when people and organisations reach for the same seats at once, on PostgreSQL.

A run of 20 seats meets a burst of 100 operations from real threads, each thread with its own database
connection, all released together: single enrolments, organisation bookings (with and without the rest on
the waiting list), members named and accepting, people and members giving their seats back, whole bookings
cancelled. Refusals in the person's language (domain errors, field errors) are expected outcomes; anything
else fails. Afterwards the run must be in a state that no order of those operations could break.

Run with, for example:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/rl_burst \
    .venv/bin/pytest tests/integration/test_booking_concurrency.py
"""

import random
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Count, Q
from django.utils import timezone

from accounts.exceptions import DomainError
from accounts.models import User
from courses.bookings.services import (
    booking_cancel,
    booking_create,
    booking_member_add,
    invitation_accept,
)
from courses.exceptions import NotCancellable
from courses.models import Booking, CourseRun, Enrolment, SeatRelease
from courses.selectors import waitlist_position_expression
from courses.services import (
    enrolment_cancel,
    enrolment_create,
    offer_accept,
    offer_decline,
    offers_expire,
)
from outbox import queue
from tests.factories import CourseRunFactory, OrganisationFactory, UserFactory, make_contact

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
    ),
    # Data migrations (municipalities, competences) are restored for each test after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CAPACITY = 20
OPERATIONS = 100
# Each thread holds one connection; PostgreSQL allows 100 by default, shared with the test run itself and
# with whatever else uses the server. 25 threads keep 100 operations interleaved without exhausting it.
THREADS = 25
EXPECTED_REFUSALS = (DomainError, ValidationError)


@dataclass
class Operation:
    kind: str
    call: Callable[[], object]
    outcome: object = None
    failure: str = ""


@dataclass
class Burst:
    """The operations of one burst and the people and bookings they act on."""

    rng: random.Random
    run: CourseRun
    operations: list[Operation] = field(default_factory=list)

    def add(self, kind: str, call: Callable[[], object]) -> None:
        self.operations.append(Operation(kind, call))


def person() -> User:
    # No password: hashing one for each of some hundred people would take longer than the burst.
    return UserFactory(password=None)


def name_and_accept(booking: Booking, contact: User, member: User) -> Enrolment:
    """A contact names a member for an unnamed seat, and the member accepts it straight away."""
    seat = booking_member_add(booking=booking, by=contact, name=member.full_name, email=member.email)
    return invitation_accept(enrolment=seat, user=member, consent=True)


def prepare(*, seed: int, seat_release: str) -> Burst:
    """A run with bookings, named and accepted members, four free seats (and, in offer mode, four open
    offers), and the 100 operations that race for them."""
    run = CourseRunFactory(capacity=CAPACITY, seat_release=seat_release)
    burst = Burst(rng=random.Random(seed), run=run)
    rng = burst.rng

    # Four organisations hold 3 seats each: one member has accepted, one is invited, one seat is unnamed.
    pre_bookings = []
    for _ in range(4):
        organisation = OrganisationFactory()
        contact = make_contact(organisation, password=None)
        booking = booking_create(run=run, organisation=organisation, by=contact, seats=3)
        accepted, invited = person(), person()
        name_and_accept(booking, contact, accepted)
        seat = booking_member_add(booking=booking, by=contact, name=invited.full_name, email=invited.email)
        pre_bookings.append((booking, contact, accepted, invited, seat))
    # Eight people fill the run and four wait. Four give their seat back, so those waiting move up (at
    # once) or are offered the seat (offer mode); the other four leave too: the burst begins with four
    # free seats and nobody waiting.
    leaving = [person() for _ in range(8)]
    moved_up = [person() for _ in range(4)]
    for someone in leaving + moved_up:
        enrolment_create(run=run, user=someone)
    for someone in leaving:
        enrolment_cancel(enrolment=run.enrolments.get(user=someone), by=someone)
    assert run.enrolments.filter(status__in=Enrolment.SEAT_HOLDING).count() == CAPACITY - 4
    assert not run.enrolments.filter(status=Enrolment.Status.WAITLISTED).exists()

    def enrolment_of(user: User) -> Enrolment:
        return run.enrolments.exclude(status=Enrolment.Status.CANCELLED).get(user=user)

    def enrol(user: User) -> partial:
        return partial(enrolment_create, run=run, user=user)

    def cancel(user: User) -> partial:
        return partial(enrolment_cancel, enrolment=enrolment_of(user), by=user)

    def enrol_and_leave(user: User) -> Enrolment:
        enrolment = enrolment_create(run=run, user=user)
        return enrolment_cancel(enrolment=enrolment, by=user)

    if seat_release == SeatRelease.AT_ONCE:
        for someone in moved_up:
            burst.add("cancel_seat", cancel(someone))
    # Newcomers who take a seat or a waiting place and give it back straight away.
    for _ in range(6):
        burst.add("enrol_and_leave", partial(enrol_and_leave, person()))
    for booking, contact, accepted, invited, seat in pre_bookings:
        burst.add("cancel_member", cancel(accepted))
        burst.add("accept_invitation", partial(invitation_accept, enrolment=seat, user=invited, consent=True))
        burst.add("name_and_accept", partial(name_and_accept, booking, contact, person()))
    for booking, contact, *_rest in rng.sample(pre_bookings, 2):
        burst.add("cancel_booking", partial(booking_cancel, booking=booking, by=contact))

    # People who are there already, or invited, try again on their own; a contact names someone who is
    # enrolling on their own in the same moment.
    burst.add("enrol_again", enrol(moved_up[0]))
    burst.add("enrol_again", enrol(pre_bookings[0][3]))
    burst.add("enrol_again", enrol(pre_bookings[1][2]))
    for booking, contact, *_rest in rng.sample(pre_bookings, 2):
        contested = person()
        burst.add("enrol_contested", enrol(contested))
        burst.add(
            "name_contested",
            partial(
                booking_member_add,
                booking=booking,
                by=contact,
                name=contested.full_name,
                email=contested.email,
            ),
        )

    if seat_release == SeatRelease.OFFER:
        offers = [enrolment_of(someone) for someone in moved_up]
        assert {offer.status for offer in offers} == {Enrolment.Status.OFFERED}
        for offer in offers[:2]:
            burst.add("accept_offer", partial(offer_accept, enrolment=offer, by=offer.user))
        burst.add("decline_offer", partial(offer_decline, enrolment=offers[2], by=offers[2].user))
        # The periodic job, a day after the burst's clock: every offer made so far runs out and passes on.
        burst.add("expire_offers", lambda: offers_expire(now=timezone.now() + timedelta(hours=25)))

    for _ in range(20):
        organisation = OrganisationFactory()
        contact = make_contact(organisation, password=None)
        seats, rest = rng.randint(1, 5), rng.random() < 0.5
        burst.add(
            "book_waitlist_rest" if rest else "book_all_or_nothing",
            partial(
                booking_create,
                run=run,
                organisation=organisation,
                by=contact,
                seats=seats,
                waitlist_rest=rest,
            ),
        )
    while len(burst.operations) < OPERATIONS:
        burst.add("enrol", enrol(person()))
    rng.shuffle(burst.operations)
    return burst


def run_burst(operations: list[Operation]) -> None:
    """Deal the operations to the threads; each thread opens its own connection, all start together."""
    barrier = threading.Barrier(THREADS)

    def worker(share: list[Operation]) -> None:
        try:
            barrier.wait(timeout=60)
            for operation in share:
                try:
                    operation.outcome = operation.call()
                except EXPECTED_REFUSALS as refusal:
                    operation.outcome = refusal
                except Exception as error:  # noqa: BLE001 - reported by the test with its traceback
                    operation.outcome = error
                    operation.failure = traceback.format_exc()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(operations[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "the burst did not finish within two minutes"


def assert_run_consistent(run: CourseRun) -> None:
    run.refresh_from_db()
    places = Enrolment.objects.filter(run=run)
    holding = places.filter(status__in=Enrolment.SEAT_HOLDING).count()
    confirmed = places.filter(status=Enrolment.Status.CONFIRMED).count()
    waiting = places.filter(status=Enrolment.Status.WAITLISTED)
    assert run.capacity == CAPACITY
    assert holding <= CAPACITY, f"{holding} seats held in a run of {CAPACITY}"
    assert confirmed <= CAPACITY, f"{confirmed} people confirmed in a run of {CAPACITY}"
    if waiting.exists():
        assert holding == CAPACITY, f"{CAPACITY - holding} seats free while {waiting.count()} wait"

    positions = sorted(
        waiting.annotate(position=waitlist_position_expression()).values_list("position", flat=True)
    )
    assert positions == list(range(1, len(positions) + 1)), positions

    holders = Counter(
        (user_email or member_email).lower()
        for user_email, member_email in places.exclude(status=Enrolment.Status.CANCELLED).values_list(
            "user__email", "member_email"
        )
        if user_email or member_email
    )
    twice = {who: n for who, n in holders.items() if n > 1}
    assert not twice, f"people with more than one place: {twice}"

    bookings = Booking.objects.filter(run=run).annotate(
        active=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.ACTIVE))
    )
    for booking in bookings:
        assert booking.active <= booking.seats_requested, (
            booking.pk,
            booking.active,
            booking.seats_requested,
        )
        if booking.status == Booking.Status.CANCELLED:
            assert booking.active == 0, (booking.pk, booking.active)


def assert_only_refusals(operations: list[Operation]) -> None:
    failures = [f"{operation.kind}: {operation.failure}" for operation in operations if operation.failure]
    assert not failures, "\n".join(failures)
    for operation in operations:
        # Nothing stands in the way of a newcomer, of a booking that may wait for the rest, or of leaving.
        if operation.kind == "enrol":
            assert isinstance(operation.outcome, Enrolment), operation.outcome
            assert operation.outcome.status in (Enrolment.Status.CONFIRMED, Enrolment.Status.WAITLISTED)
        if operation.kind == "book_waitlist_rest":
            assert isinstance(operation.outcome, Booking), operation.outcome
        if operation.kind == "enrol_and_leave":
            if isinstance(operation.outcome, NotCancellable):
                # In offer mode the newcomer may be offered a freed seat and the periodic job may end that
                # offer between their enrolling and leaving: then the place has ended already.
                ended = Enrolment.objects.get(user=operation.call.args[0])
                assert (ended.status, ended.cancel_cause) == (
                    Enrolment.Status.CANCELLED,
                    Enrolment.Cause.OFFER_EXPIRED,
                ), operation.outcome
                continue
            assert isinstance(operation.outcome, Enrolment), operation.outcome
            assert operation.outcome.status == Enrolment.Status.CANCELLED


@pytest.fixture
def mails_recorded_not_sent(monkeypatch):
    """Owed mails are recorded in each service's transaction; delivering them belongs to the worker."""
    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: True)


@pytest.mark.parametrize("seed", [11, 23, 37])
def test_a_burst_of_enrolments_bookings_and_cancellations_never_overbooks(
    clock, mails_recorded_not_sent, seed
):
    burst = prepare(seed=seed, seat_release=SeatRelease.AT_ONCE)
    assert len(burst.operations) == OPERATIONS
    run_burst(burst.operations)
    assert_only_refusals(burst.operations)
    assert_run_consistent(burst.run)


@pytest.mark.parametrize("seed", [41, 53])
def test_offered_seats_count_against_capacity_in_a_burst(clock, mails_recorded_not_sent, seed):
    burst = prepare(seed=seed, seat_release=SeatRelease.OFFER)
    assert len(burst.operations) == OPERATIONS
    run_burst(burst.operations)
    assert_only_refusals(burst.operations)
    assert_run_consistent(burst.run)
    offered = Enrolment.objects.filter(run=burst.run, status=Enrolment.Status.OFFERED).count()
    confirmed = Enrolment.objects.filter(run=burst.run, status=Enrolment.Status.CONFIRMED).count()
    assert confirmed + offered <= CAPACITY
