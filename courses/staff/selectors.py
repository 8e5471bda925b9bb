"""What lab managers pick from and list in the admin, and the list of a run's people ("Teilnehmerliste")."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Organisation, User
from courses.models import Attendance, Booking, CoursePage, CourseRun, Enrolment, Session
from courses.selectors import cancellation_deadline, unnamed_release_at, with_seat_counts
from courses.trainer.selectors import runs_taught_by
from labs.models import LabPage, LabRole, Room
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


# The lab managers' overview ("Cockpit", /team/)

# How far back the overview shows runs that are over.
RECENT_WEEKS = 4
# Runs starting this soon with fewer enrolments than their minimum need a decision.
SOON = timedelta(days=7)


def cockpit_labs(*, user) -> QuerySet[LabPage]:
    """The labs whose overview a person sees: those they manage, all for superusers."""
    return labs_managed_by(user=user)


def _count(queryset: QuerySet, column: str = "pk") -> Subquery:
    counted = queryset.order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def cockpit_runs(*, lab_ids, now: datetime) -> QuerySet[CourseRun]:
    """The labs' runs still ahead (or without dates) and those of the last weeks, soonest first, in one
    query: seat counts (`with_seat_counts`), `completions`, `attendance_present`, `attendance_recorded`
    and `trainer_count`."""
    since = now - timedelta(weeks=RECENT_WEEKS)
    per_run = OuterRef("pk")
    return (
        with_seat_counts(CourseRun.objects.filter(lab_id__in=list(lab_ids)))
        .filter(Q(last_start__gte=since) | Q(last_start__isnull=True))
        .annotate(
            completions=_count(
                Enrolment.objects.filter(run=per_run, status=Enrolment.Status.COMPLETED), "run"
            ),
            attendance_recorded=_count(Attendance.objects.filter(session__run=per_run), "session__run"),
            attendance_present=_count(
                Attendance.objects.filter(session__run=per_run, status=Attendance.Status.PRESENT),
                "session__run",
            ),
            trainer_count=_count(CourseRun.trainers.through.objects.filter(courserun=per_run), "courserun"),
        )
        .select_related("course", "lab", "room")
        .order_by("first_start", "pk")
    )


def run_fill_percent(run: CourseRun) -> int:
    return round(100 * run.seats_taken / run.capacity) if run.capacity else 0


def run_attendance_percent(run: CourseRun) -> int | None:
    """Present among the attendance recorded so far; None while nothing is recorded."""
    if not run.attendance_recorded:
        return None
    return round(100 * run.attendance_present / run.attendance_recorded)


def week_monday(week: str | None, *, today: date) -> date:
    """The Monday of an ISO week written "2026-W49"; this week's for no or unreadable input."""
    if week:
        try:
            return datetime.strptime(week + "-1", "%G-W%V-%u").date()
        except ValueError:
            pass
    return today - timedelta(days=today.weekday())


def week_label(monday: date) -> str:
    year, number, _day = monday.isocalendar()
    return f"{year}-W{number:02d}"


def week_sessions(*, lab_ids, monday: date) -> list[Session]:
    """The meetings of the labs' runs in the week from `monday` (local time), cancelled runs aside, by
    start: with run, course, lab, room and trainers, in two queries."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone)
    return list(
        Session.objects.filter(run__lab_id__in=list(lab_ids), start__gte=start, start__lt=end)
        .exclude(run__status=CourseRun.Status.CANCELLED)
        .select_related("run__course", "run__lab", "run__room")
        .prefetch_related(Prefetch("run__trainers", queryset=User.objects.order_by("full_name", "email")))
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class Clash:
    """Two meetings at overlapping times that need the same room or the same person."""

    first: Session
    second: Session
    room: Room | None = None
    trainer: User | None = None


@dataclass(frozen=True)
class NeedsAction:
    """What a lab manager should look at soon."""

    too_few: list[CourseRun]
    without_trainer: list[CourseRun]
    room_clashes: list[Clash]
    trainer_clashes: list[Clash]

    @property
    def count(self) -> int:
        return (
            len(self.too_few) + len(self.without_trainer) + len(self.room_clashes) + len(self.trainer_clashes)
        )


def _overlaps(sessions: list[tuple[Session, object]]) -> list[tuple[Session, Session, object]]:
    """Pairs of meetings of different runs that need the same thing (a room, a person) at overlapping
    times, from (meeting, thing) pairs."""
    groups: dict = {}
    for session, value in sessions:
        groups.setdefault(value, []).append(session)
    pairs = []
    for value, group in groups.items():
        group.sort(key=lambda s: (s.start, s.pk))
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if second.start >= first.end:
                    break
                if second.run_id != first.run_id:
                    pairs.append((first, second, value))
    return pairs


def needs_action(*, lab_ids, now: datetime) -> NeedsAction:
    """Scheduled runs of the labs that start within a week with fewer enrolments than their minimum,
    runs still ahead without a trainer, and meetings ahead that double-book a room or a trainer (within
    the labs). A fixed number of queries."""
    lab_ids = list(lab_ids)
    scheduled = with_seat_counts(
        CourseRun.objects.filter(lab_id__in=lab_ids, status=CourseRun.Status.SCHEDULED)
    ).select_related("course", "lab")
    too_few = list(
        scheduled.filter(first_start__gte=now, first_start__lt=now + SOON)
        .filter(seats_taken__lt=F("minimum_participants"))
        .order_by("first_start", "pk")
    )
    without_trainer = list(
        scheduled.filter(Q(last_start__gte=now) | Q(last_start__isnull=True))
        .filter(trainers__isnull=True)
        .order_by("first_start", "pk")
    )
    ahead = Session.objects.filter(
        run__lab_id__in=lab_ids, run__status=CourseRun.Status.SCHEDULED, end__gt=now
    ).select_related("run__course", "run__room")
    in_rooms = [
        (s, s.run.room) for s in ahead.filter(location="", run__venue_name="", run__room__isnull=False)
    ]
    room_clashes = [Clash(first=a, second=b, room=room) for a, b, room in _overlaps(in_rooms)]
    taught_pairs = list(ahead.filter(run__trainers__isnull=False).values_list("pk", "run__trainers"))
    sessions = ahead.in_bulk({session_id for session_id, _user in taught_pairs})
    people = User.objects.in_bulk({user_id for _session, user_id in taught_pairs})
    taught = [(sessions[session_id], people[user_id]) for session_id, user_id in taught_pairs]
    trainer_clashes = [Clash(first=a, second=b, trainer=person) for a, b, person in _overlaps(taught)]
    return NeedsAction(
        too_few=too_few,
        without_trainer=without_trainer,
        room_clashes=room_clashes,
        trainer_clashes=trainer_clashes,
    )


def needs_action_count(*, user, now: datetime) -> int:
    return needs_action(lab_ids=cockpit_labs(user=user).values_list("pk", flat=True), now=now).count
