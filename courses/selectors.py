"""Read queries of the courses app. Each returns what its callers show, without further queries."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from labs.models import LabPage, LabRole
from labs.selectors import lab_ids_managed_by, labs_managed_by, user_is_lab_manager

from .models import Attendance, BadgeAssertion, BadgeClass, CoursePage, CourseRun, Enrolment, Session

SEAT_TAKING = (Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED, Enrolment.Status.NOT_COMPLETED)


def _waitlist_position():
    """1-based position of a waitlisted enrolment on its run's waiting list."""
    ahead = (
        Enrolment.objects.filter(
            run=OuterRef("run"),
            status=Enrolment.Status.WAITLISTED,
            waitlisted_at__lte=OuterRef("waitlisted_at"),
        )
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def with_seat_counts(queryset: QuerySet[CourseRun]) -> QuerySet[CourseRun]:
    """Annotate runs with `seats_taken`, `seats_left`, `waitlist_length`, `first_start` and `last_start`."""
    return queryset.annotate(
        seats_taken=Count("enrolments", filter=Q(enrolments__status__in=SEAT_TAKING), distinct=True),
        waitlist_length=Count(
            "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED), distinct=True
        ),
        first_start=Subquery(
            Session.objects.filter(run=OuterRef("pk")).order_by("start").values("start")[:1]
        ),
        last_start=Subquery(
            Session.objects.filter(run=OuterRef("pk")).order_by("-start").values("start")[:1]
        ),
    ).annotate(seats_left=Greatest(Value(0), Coalesce("capacity", 0) - Coalesce("seats_taken", 0)))


def enrolment_closed_reason(*, run: CourseRun, now=None) -> str | None:
    """Why nobody can enrol in the run now, or None when enrolment is open."""
    now = now or timezone.now()
    if run.status == CourseRun.Status.CANCELLED:
        return _("Dieser Kurs wurde abgesagt.")
    if run.status == CourseRun.Status.CLOSED:
        return _("Dieser Kurs ist bereits vorbei.")
    # Runs from the selectors carry `first_start`; a run loaded on its own asks its sessions.
    if hasattr(run, "first_start"):
        first_start = run.first_start
    else:
        first_start = run.sessions.order_by("start").values_list("start", flat=True).first()
    if first_start is None:
        return _("Für diesen Kurs stehen noch keine Termine fest.")
    closes_at = run.enrolment_closes_at or first_start
    if now >= closes_at:
        if now >= first_start:
            return _("Dieser Kurs hat schon begonnen.")
        return _("Die Anmeldefrist für diesen Kurs ist abgelaufen.")
    return None


def enrolment_cancel_refusal(*, enrolment: Enrolment, run: CourseRun | None = None, now=None) -> str | None:
    """Why the person can no longer give the place back, or None while they can: only active places
    in a scheduled run whose last session is still ahead. Uses the run's prefetched sessions if any."""
    run = run or enrolment.run
    now = now or timezone.now()
    if enrolment.status not in Enrolment.ACTIVE or run.status != CourseRun.Status.SCHEDULED:
        return _("Diese Anmeldung kann nicht mehr abgesagt werden.")
    starts = [session.start for session in run.sessions.all()]
    if starts and max(starts) <= now:
        return _("Der Kurs hat schon stattgefunden.")
    return None


def run_list(*, include_past: bool = False) -> QuerySet[CourseRun]:
    """Runs with everything a list of runs shows: course, lab, room, sessions and seat counts."""
    runs = with_seat_counts(CourseRun.objects.all())
    if not include_past:
        runs = runs.filter(status=CourseRun.Status.SCHEDULED, last_start__gte=timezone.now())
    return (
        runs.select_related("course", "lab", "room")
        .prefetch_related("sessions")
        .order_by("first_start", "pk")
    )


def runs_for_course(*, course: CoursePage) -> QuerySet[CourseRun]:
    """The upcoming runs of one course offer, soonest first."""
    return run_list().filter(course=course)


def run_get(*, run_id: int) -> CourseRun:
    return run_list(include_past=True).get(pk=run_id)


def enrolment_list_for_user(*, user) -> QuerySet[Enrolment]:
    """A person's enrolments with their run, sessions and waiting-list position, newest run first."""
    return (
        Enrolment.objects.filter(user=user)
        .annotate(waitlist_position=_waitlist_position())
        .select_related("run", "run__course", "run__lab", "run__room")
        .prefetch_related("run__sessions")
        .order_by("-created_at")
    )


def enrolments_upcoming_and_past(*, user) -> tuple[list[Enrolment], list[Enrolment]]:
    """A person's places that can still be given back, soonest first; everything else, newest first."""
    now = timezone.now()
    upcoming, past = [], []
    for enrolment in enrolment_list_for_user(user=user):
        is_upcoming = enrolment_cancel_refusal(enrolment=enrolment, now=now) is None
        (upcoming if is_upcoming else past).append(enrolment)
    upcoming.sort(key=lambda e: min((s.start for s in e.run.sessions.all()), default=now))
    return upcoming, past


def waitlist_position(*, enrolment: Enrolment) -> int | None:
    if enrolment.status != Enrolment.Status.WAITLISTED:
        return None
    return Enrolment.objects.filter(
        run_id=enrolment.run_id,
        status=Enrolment.Status.WAITLISTED,
        waitlisted_at__lte=enrolment.waitlisted_at,
    ).count()


def user_can_teach(*, user, run: CourseRun) -> bool:
    """Trainers of the run, managers of its lab and superusers may take attendance and close it."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return run.trainers.filter(pk=user.pk).exists() or user_is_lab_manager(user=user, lab_id=run.lab_id)


def runs_taught_by(*, user, include_past: bool = True) -> QuerySet[CourseRun]:
    """The runs a person teaches or manages, soonest first."""
    runs = run_list(include_past=include_past)
    if user.is_superuser:
        return runs
    managed_labs = LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER).values("lab_id")
    return runs.filter(Q(trainers=user) | Q(lab_id__in=managed_labs)).distinct()


def session_attendance(*, session: Session) -> list[dict]:
    """One row per participant holding a seat in the session's run, with the recorded status or None."""
    recorded = Attendance.objects.filter(session=session, enrolment=OuterRef("pk")).values("status")[:1]
    enrolments = (
        Enrolment.objects.filter(run_id=session.run_id, status__in=SEAT_TAKING)
        .select_related("user")
        .annotate(attendance_status=Subquery(recorded))
        .order_by("user__full_name", "user__email")
    )
    return [
        {"enrolment": e.pk, "participant": e.user.get_full_name(), "status": e.attendance_status, "obj": e}
        for e in enrolments
    ]


def present_counts(*, run: CourseRun) -> dict[int, int]:
    """How many sessions of the run each enrolment attended, by enrolment id."""
    rows = (
        Attendance.objects.filter(session__run=run, status=Attendance.Status.PRESENT)
        .values("enrolment_id")
        .annotate(n=Count("pk"))
    )
    return {row["enrolment_id"]: row["n"] for row in rows}


def user_has_active_enrolment(*, user, run: CourseRun) -> bool:
    return Enrolment.objects.filter(user=user, run=run).exclude(status=Enrolment.Status.CANCELLED).exists()


def badge_assertions_for_user(*, user) -> QuerySet[BadgeAssertion]:
    return (
        BadgeAssertion.objects.filter(enrolment__user=user, revoked=False)
        .select_related("badge_class", "badge_class__course", "enrolment__run")
        .order_by("-issued_on")
    )


@dataclass(frozen=True)
class CatalogueFilters:
    """What a person can narrow the catalogue by; empty values mean "any"."""

    audience: str = ""
    topic: str = ""
    lab: str = ""  # lab page slug
    municipality: str = ""  # municipality slug
    level: int | None = None
    format: str = ""
    competence: str = ""  # DigComp code, e.g. "2.1"
    q: str = ""
    has_upcoming_runs: bool = False


def courses_for_catalogue(*, filters: CatalogueFilters = CatalogueFilters()) -> QuerySet[CoursePage]:
    """Published course offers matching the filters, with their lab, municipality, competences and
    the number of upcoming runs, soonest next date first."""
    now = timezone.now()
    upcoming = CourseRun.objects.filter(
        course=OuterRef("pk"), status=CourseRun.Status.SCHEDULED, sessions__start__gte=now
    )
    courses = CoursePage.objects.live().public()
    if filters.audience:
        courses = courses.filter(audience=filters.audience)
    if filters.topic:
        courses = courses.filter(topic=filters.topic)
    if filters.level:
        courses = courses.filter(level=filters.level)
    if filters.format:
        courses = courses.filter(format=filters.format)
    if filters.competence:
        courses = courses.filter(competences__code=filters.competence)
    if filters.lab:
        lab = LabPage.objects.filter(slug=filters.lab).first()
        courses = courses.child_of(lab) if lab else courses.none()
    if filters.municipality:
        labs = LabPage.objects.filter(municipality__slug=filters.municipality)
        courses = courses.filter(path__regex=_child_path_regex(labs)) if labs else courses.none()
    if filters.q:
        words = filters.q.split()
        for word in words[:8]:
            courses = courses.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    courses = courses.annotate(
        next_start=Subquery(
            Session.objects.filter(
                run__course=OuterRef("pk"), run__status=CourseRun.Status.SCHEDULED, start__gte=now
            )
            .order_by("start")
            .values("start")[:1]
        ),
        upcoming_runs=Subquery(
            upcoming.order_by().values("course").annotate(n=Count("pk", distinct=True)).values("n")
        ),
    )
    if filters.has_upcoming_runs:
        courses = courses.filter(next_start__isnull=False)
    return (
        courses.distinct()
        .prefetch_related("competences")
        .order_by(F("next_start").asc(nulls_last=True), "title")
    )


def _child_path_regex(labs) -> str:
    paths = [re.escape(lab.path) for lab in labs]
    return r"^(" + "|".join(paths) + r")[0-9A-Z]{4}$"


def upcoming_runs_for_lab(*, lab: LabPage, limit: int = 20) -> list[CourseRun]:
    """The next runs at one lab that have not begun yet, soonest first, with sessions and seat counts."""
    if lab.pk is None:  # a preview of a lab page that was never saved
        return []
    return list(run_list().filter(lab=lab, first_start__gte=timezone.now())[:limit])


def runs_for_course_page(*, course: CoursePage, user=None) -> list[CourseRun]:
    """The runs of a course offer that have not begun yet, soonest first, each with `enrolment_open`
    (by the enrolment service's own rule) and `my_enrolment` (the visitor's
    active enrolment or None); a fixed number of queries however many runs and sessions there are."""
    if course.pk is None:  # a preview of a course page that was never saved
        return []
    now = timezone.now()
    runs = list(run_list().filter(course=course, first_start__gte=now))
    mine = {}
    if user is not None and user.is_authenticated and runs:
        mine = {
            e.run_id: e
            for e in Enrolment.objects.filter(user=user, run__in=runs)
            .exclude(status=Enrolment.Status.CANCELLED)
            .annotate(waitlist_position=_waitlist_position())
        }
    for run in runs:
        run.enrolment_open = enrolment_closed_reason(run=run, now=now) is None
        run.my_enrolment = mine.get(run.pk)
    return runs


def courses_with_next_run(*, courses) -> list[CoursePage]:
    """Attach `lab_page` (with its municipality) and `next_run` (the soonest run not yet begun, with
    seat counts, or None) to each course of one catalogue page, in two queries."""
    courses = list(courses)
    if not courses:
        return courses
    lab_paths = {course.path[: -CoursePage.steplen] for course in courses}
    labs = LabPage.objects.filter(path__in=lab_paths).select_related("municipality")
    labs = {lab.path: lab for lab in labs}
    runs = (
        with_seat_counts(CourseRun.objects.filter(course__in=courses, status=CourseRun.Status.SCHEDULED))
        .filter(first_start__gte=timezone.now())
        .order_by("first_start", "pk")
    )
    next_runs = {}
    for run in runs:
        next_runs.setdefault(run.course_id, run)
    for course in courses:
        course.lab_page = labs.get(course.path[: -CoursePage.steplen])
        course.next_run = next_runs.get(course.pk)
    return courses


def user_teaches_anywhere(*, user) -> bool:
    """Whether the person trains a run or holds a role at a lab (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    people = user._meta.model.objects.filter(pk=user.pk)
    return people.filter(Q(teaching_runs__isnull=False) | Q(lab_roles__isnull=False)).exists()


def runs_managed_by(*, user) -> QuerySet[CourseRun]:
    """The runs a person may schedule and change in the admin, with course, lab and seat counts:
    every run for superusers, else the runs of the labs they manage."""
    runs = with_seat_counts(CourseRun.objects.all()).select_related("course", "lab", "room")
    if user.is_superuser:
        return runs
    return runs.filter(lab_id__in=lab_ids_managed_by(user=user))


def trainer_runs_open_or_recent(*, user, closed_within_days: int = 30) -> QuerySet[CourseRun]:
    """The runs a person teaches that are still open or were closed recently, soonest first,
    each with `ready_to_close` (its last session has begun and it is not closed yet)."""
    now = timezone.now()
    recent = now - timedelta(days=closed_within_days)
    return (
        runs_taught_by(user=user)
        .filter(
            Q(status=CourseRun.Status.SCHEDULED) | Q(status=CourseRun.Status.CLOSED, closed_at__gte=recent)
        )
        .annotate(
            ready_to_close=Case(
                When(status=CourseRun.Status.SCHEDULED, last_start__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def trainer_sessions_upcoming(*, user, limit: int = 5) -> list[Session]:
    """The next sessions (those under way included) of the open runs a person teaches, soonest first,
    with their run, place and `participants` (seats taken)."""
    runs = runs_taught_by(user=user, include_past=False).values("pk")
    return list(
        Session.objects.filter(run__in=runs, end__gte=timezone.now())
        .select_related("run", "run__course", "run__lab", "run__room")
        .annotate(
            participants=Count(
                "run__enrolments", filter=Q(run__enrolments__status__in=SEAT_TAKING), distinct=True
            )
        )
        .order_by("start", "pk")[:limit]
    )


def attendance_met(*, attended: int, sessions: int, rule_percent: int) -> bool:
    """Whether attending `attended` of `sessions` meets a rule of `rule_percent` per cent."""
    return sessions > 0 and attended * 100 >= rule_percent * sessions


def with_attendance_outcome(*, run: CourseRun, enrolments, sessions: int) -> list[Enrolment]:
    """The enrolments, each with `attended` (sessions present) and `meets_rule` (the course's rule);
    one query however many there are."""
    attended = present_counts(run=run)
    rule = run.course.attendance_rule_percent
    enrolments = list(enrolments)
    for enrolment in enrolments:
        enrolment.attended = attended.get(enrolment.pk, 0)
        enrolment.meets_rule = attendance_met(
            attended=enrolment.attended, sessions=sessions, rule_percent=rule
        )
    return enrolments


def run_ready_to_close(*, run: CourseRun, now=None) -> bool:
    """The run is still open and its last session has begun."""
    now = now or timezone.now()
    if run.status != CourseRun.Status.SCHEDULED:
        return False
    if hasattr(run, "last_start"):
        last_start = run.last_start
    else:
        last_start = run.sessions.order_by("-start").values_list("start", flat=True).first()
    return last_start is not None and last_start <= now


def run_participants(*, run: CourseRun) -> QuerySet[Enrolment]:
    """The enrolments holding a seat in the run, with their person, by name."""
    return (
        Enrolment.objects.filter(run=run, status__in=SEAT_TAKING)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def run_sessions_with_recorded(*, run: CourseRun) -> QuerySet[Session]:
    """The sessions of a run in order, each with `recorded` (how many attendances are recorded)."""
    return Session.objects.filter(run=run).annotate(recorded=Count("attendances")).order_by("start", "pk")


def courses_with_lab(courses: QuerySet[CoursePage]) -> QuerySet[CoursePage]:
    """Annotate course offers with their lab's `lab_slug` and `lab_title` and the lab's `municipality_slug`.

    A course's lab is its parent page: the path without its last step.
    """
    lab = LabPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - CoursePage.steplen)
    )
    return courses.annotate(
        lab_slug=Subquery(lab.values("slug")[:1]),
        lab_title=Subquery(lab.values("title")[:1]),
        municipality_slug=Subquery(lab.values("municipality__slug")[:1]),
    )


@dataclass(frozen=True)
class RunFilters:
    """What a list of runs can be narrowed by; empty values mean "any"."""

    course: int | None = None  # course page id
    lab: str = ""  # lab page slug
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    audience: str = ""
    has_seats: bool | None = None


def runs_filtered(*, filters: RunFilters = RunFilters()) -> QuerySet[CourseRun]:
    """Runs matching the filters, soonest first.

    Without a date range only upcoming runs; with one, every run whose first session starts in it.
    """
    dated = filters.starts_after is not None or filters.starts_before is not None
    runs = run_list(include_past=dated)
    if filters.starts_after is not None:
        runs = runs.filter(first_start__gte=filters.starts_after)
    if filters.starts_before is not None:
        runs = runs.filter(first_start__lte=filters.starts_before)
    if filters.course is not None:
        runs = runs.filter(course_id=filters.course)
    if filters.lab:
        runs = runs.filter(lab__slug=filters.lab)
    if filters.audience:
        runs = runs.filter(course__audience=filters.audience)
    if filters.has_seats is True:
        runs = runs.filter(seats_left__gt=0)
    elif filters.has_seats is False:
        runs = runs.filter(seats_left=0)
    return runs


def enrolments_manageable_by(*, user) -> QuerySet[Enrolment]:
    """Enrolments a person may act on: their own, and every enrolment in the labs they manage."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    enrolments = Enrolment.objects.select_related("run", "run__course")
    if user.is_superuser:
        return enrolments
    managed_labs = LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER).values("lab_id")
    return enrolments.filter(Q(user=user) | Q(run__lab_id__in=managed_labs))


def session_get(*, session_id: int) -> Session:
    return Session.objects.select_related("run", "run__lab", "run__room").get(pk=session_id)


def courses_managed_by(*, user) -> QuerySet[CoursePage]:
    """The course offers a person may schedule runs of: those under the labs they manage."""
    courses = CoursePage.objects.order_by("title")
    if user.is_superuser:
        return courses
    in_labs = Q(pk__in=[])
    for lab in labs_managed_by(user=user).only("path", "depth"):
        in_labs |= Q(path__startswith=lab.path, depth=lab.depth + 1)
    return courses.filter(in_labs)


def trainer_candidates(*, user, keep=()) -> QuerySet:
    """The people who can be named trainers of a run: everyone with a role at a lab the person manages
    (any lab for superusers), plus `keep` (the run's current trainers)."""
    from accounts.models import User

    roles = LabRole.objects.all()
    if not user.is_superuser:
        roles = roles.filter(lab_id__in=lab_ids_managed_by(user=user))
    keep_ids = [person.pk for person in keep]
    return User.objects.filter(Q(pk__in=roles.values("user_id")) | Q(pk__in=keep_ids)).order_by(
        "full_name", "email"
    )


def badge_class_get(*, pk: int) -> BadgeClass | None:
    """A badge class with its course and the competences it aligns to."""
    return (
        BadgeClass.objects.select_related("course")
        .prefetch_related("course__competences")
        .filter(pk=pk)
        .first()
    )


def badge_assertion_get(*, uuid) -> BadgeAssertion | None:
    """An awarded badge with what its hosted documents show."""
    return (
        BadgeAssertion.objects.select_related("badge_class", "enrolment__run__course", "enrolment__run__lab")
        .filter(uuid=uuid)
        .first()
    )
