"""What lab managers pick from and list in the admin, and the list of a run's people ("Teilnehmerliste")."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import (
    Q,
    QuerySet,
)

from accounts.models import Organisation, User
from courses.models import Booking, CoursePage, CourseRun, Enrolment
from courses.selectors import cancellation_deadline, unnamed_release_at, with_seat_counts
from courses.trainer.selectors import runs_taught_by
from labs.models import LabRole
from labs.selectors import lab_ids_managed_by, labs_managed_by, user_is_lab_manager


def runs_managed_by(*, user) -> QuerySet[CourseRun]:
    """The runs a person may schedule and change in the admin, with course, lab and seat counts:
    every run for superusers, else the runs of the labs they manage."""
    runs = with_seat_counts(CourseRun.objects.all()).select_related("course", "lab", "room")
    if user.is_superuser:
        return runs
    return runs.filter(lab_id__in=lab_ids_managed_by(user=user))


def courses_managed_by(*, user) -> QuerySet[CoursePage]:
    """The course offers a person may schedule runs of: those under the labs they manage (German pages, which
    runs point to)."""
    courses = CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).order_by("title")
    if user.is_superuser:
        return courses
    in_labs = Q(pk__in=[])
    for lab in labs_managed_by(user=user).only("path", "depth"):
        in_labs |= Q(path__startswith=lab.path, depth=lab.depth + 1)
    return courses.filter(in_labs)


def trainer_candidates(*, user, keep=()) -> QuerySet:
    """The people who can be named trainers of a run: everyone with a role at a lab the person manages
    (any lab for superusers), plus `keep` (the run's current trainers)."""
    roles = LabRole.objects.all()
    if not user.is_superuser:
        roles = roles.filter(lab_id__in=lab_ids_managed_by(user=user))
    keep_ids = [person.pk for person in keep]
    return User.objects.filter(Q(pk__in=roles.values("user_id")) | Q(pk__in=keep_ids)).order_by(
        "full_name", "email"
    )


def roster_runs(*, user) -> QuerySet[CourseRun]:
    """The runs whose list of people a person may read: the runs they teach and the runs of the labs they
    manage (superusers: all), with course, lab, room, sessions and seat counts."""
    return runs_taught_by(user=user)


def roster_can_manage(*, user, run: CourseRun) -> bool:
    """Managers of the run's lab and superusers change the list; its trainers only read it."""
    return user_is_lab_manager(user=user, lab_id=run.lab_id)


@dataclass(frozen=True)
class ReservedSeats:
    """Seats an organisation holds on the run without having named anyone for them yet."""

    organisation: Organisation
    seats: int
    booked_by: list[User]


@dataclass(frozen=True)
class Roster:
    """A run's people, grouped as the lab reads them, and the moments that decide their places."""

    run: CourseRun
    attending: list[Enrolment]
    invited: list[Enrolment]
    reserved: list[ReservedSeats]
    offered: list[Enrolment]
    waiting: list[Enrolment]
    cancelled: list[Enrolment]
    cancellation_deadline: datetime | None
    unnamed_release_at: datetime | None

    @property
    def reserved_seats(self) -> int:
        return sum(group.seats for group in self.reserved)


def _organisation_name(enrolment: Enrolment) -> str:
    return enrolment.booking.organisation.name.casefold() if enrolment.booking_id else ""


def _by_name(enrolment: Enrolment) -> tuple:
    return (enrolment.holder_name.casefold(), _organisation_name(enrolment), enrolment.pk)


def _by_organisation(enrolment: Enrolment) -> tuple:
    return (_organisation_name(enrolment), enrolment.holder_name.casefold(), enrolment.pk)


def run_roster(*, run: CourseRun) -> Roster:
    """Everyone who has or had a place in the run, in one query however many they are.

    People taking part (also after closing) and invited members by name; unnamed seats per organisation;
    offers by their end; the waiting list in its order, each with `waitlist_position`; ended places, the
    latest first. Expects a run from `roster_runs` (its course and sessions loaded).
    """
    enrolments = list(
        Enrolment.objects.filter(run=run).select_related(
            "user", "booking__organisation", "booking__booked_by"
        )
    )
    groups: dict[str, list[Enrolment]] = {status: [] for status in Enrolment.Status.values}
    for enrolment in enrolments:
        groups[enrolment.status].append(enrolment)

    attending = [e for status in Enrolment.ATTENDING for e in groups[status]]
    reserved: dict[int, dict] = {}
    for enrolment in groups[Enrolment.Status.RESERVED]:
        booking = enrolment.booking
        group = reserved.setdefault(
            booking.organisation_id, {"organisation": booking.organisation, "seats": 0, "booked_by": {}}
        )
        group["seats"] += 1
        group["booked_by"][booking.booked_by_id] = booking.booked_by
    waiting = sorted(
        groups[Enrolment.Status.WAITLISTED], key=lambda e: (e.waitlisted_at or e.created_at, e.pk)
    )
    for position, enrolment in enumerate(waiting, start=1):
        enrolment.waitlist_position = position
    return Roster(
        run=run,
        attending=sorted(attending, key=_by_name),
        invited=sorted(groups[Enrolment.Status.INVITED], key=_by_organisation),
        reserved=sorted(
            (
                ReservedSeats(
                    organisation=group["organisation"],
                    seats=group["seats"],
                    booked_by=list(group["booked_by"].values()),
                )
                for group in reserved.values()
            ),
            key=lambda group: (group.organisation.name.casefold(), group.organisation.pk),
        ),
        offered=sorted(
            groups[Enrolment.Status.OFFERED], key=lambda e: (e.offer_expires_at or e.created_at, e.pk)
        ),
        waiting=waiting,
        cancelled=sorted(
            groups[Enrolment.Status.CANCELLED],
            key=lambda e: (e.cancelled_at or e.created_at, e.pk),
            reverse=True,
        ),
        cancellation_deadline=cancellation_deadline(run=run),
        unnamed_release_at=unnamed_release_at(run=run),
    )


def roster_enrolment(*, run: CourseRun, enrolment_id: int) -> Enrolment:
    """One place in the run, with its person and booking; `Enrolment.DoesNotExist` for any other id."""
    return Enrolment.objects.select_related("user", "booking__organisation").get(run=run, pk=enrolment_id)


@dataclass(frozen=True)
class CancelAudience:
    """Who a run's cancellation reaches: the people with a place and the contacts of its bookings."""

    people: int
    bookings: int


def run_cancel_audience(*, run: CourseRun) -> CancelAudience:
    """Counted as `courses.services.run_cancel` tells them: every active place held by someone with an
    address (taking part, invited, offered, waiting), and every active booking."""
    people = (
        Enrolment.objects.filter(run=run, status__in=Enrolment.ACTIVE)
        .exclude(user__isnull=True, member_email="")
        .count()
    )
    bookings = Booking.objects.filter(run=run, status=Booking.Status.ACTIVE).count()
    return CancelAudience(people=people, bookings=bookings)
