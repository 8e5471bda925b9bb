"""What the public catalogue, course pages, lab pages and the API's lists show."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Length, RowNumber, Substr
from django.utils import timezone
from wagtail.models import Page

from core.locales import active_content_language
from courses.models import CoursePage, CourseRun, Enrolment, Session
from courses.selectors import (
    enrolment_closed_reason,
    run_cards,
    run_list,
    waitlist_position_expression,
    with_seats_left,
)
from labs.models import LabPage
from labs.places import Place, place_find

from .search import courses_matching


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
    near: str = ""  # a postcode, municipality or village of the district: sorted by distance from it
    has_upcoming_runs: bool = False


def courses_for_catalogue(*, filters: CatalogueFilters = CatalogueFilters()) -> QuerySet[CoursePage]:
    """Published course offers in the visitor's language matching the filters, with their lab,
    municipality, competences and the number of upcoming runs, soonest next date first (nearest first with
    `near`). An English page finds its runs, which point to the German page, by its translation key."""
    now = timezone.now()
    language = active_content_language()
    upcoming = CourseRun.objects.filter(
        course__translation_key=OuterRef("translation_key"),
        status=CourseRun.Status.SCHEDULED,
        sessions__start__gte=now,
    )
    courses = CoursePage.objects.live().public().filter(locale__language_code=language)
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
        lab = LabPage.objects.filter(slug=filters.lab, locale__language_code=language).first()
        courses = courses.child_of(lab) if lab else courses.none()
    if filters.municipality:
        labs = LabPage.objects.filter(municipality__slug=filters.municipality, locale__language_code=language)
        courses = courses.filter(path__regex=_child_path_regex(labs)) if labs else courses.none()
    if filters.q:
        courses = courses_matching(courses, filters.q)
    courses = courses.annotate(
        next_start=Subquery(
            Session.objects.filter(
                run__course__translation_key=OuterRef("translation_key"),
                run__status=CourseRun.Status.SCHEDULED,
                start__gte=now,
            )
            .order_by("start")
            .values("start")[:1]
        ),
        upcoming_runs=Subquery(
            upcoming.order_by()
            .values("course__translation_key")
            .annotate(n=Count("pk", distinct=True))
            .values("n")
        ),
    )
    if filters.has_upcoming_runs:
        courses = courses.filter(next_start__isnull=False)
    ordering = [F("next_start").asc(nulls_last=True), "title"]
    place = place_find(filters.near) if filters.near else None
    if place is not None:
        courses = courses.annotate(distance_km=_distance_from(place))
        ordering.insert(0, F("distance_km").asc(nulls_last=True))
    # No DISTINCT: every filter keeps one row per course (a competence code is unique), and DISTINCT over the
    # annotated columns would make a paginator's count compute every annotation of every course.
    return courses.prefetch_related("competences").order_by(*ordering)


def _distance_from(place: Place, lab_field: str = "path__startswith") -> Case:
    """Each course's distance from the place: its lab's, by the lab's coordinates or its municipality's."""
    labs = LabPage.objects.select_related("municipality").only(
        "path", "latitude", "longitude", "municipality__latitude", "municipality__longitude"
    )
    whens = []
    for lab in labs:
        latitude = lab.latitude if lab.latitude is not None else lab.municipality.latitude
        longitude = lab.longitude if lab.longitude is not None else lab.municipality.longitude
        if latitude is None or longitude is None:
            continue
        distance = round(place.distance_km(latitude, longitude), 1)
        whens.append(When(**{lab_field: lab.path}, then=Value(distance)))
    return Case(*whens, default=None, output_field=FloatField())


def _child_path_regex(labs) -> str:
    paths = [re.escape(lab.path) for lab in labs]
    return r"^(" + "|".join(paths) + r")[0-9A-Z]{4}$"


def _shown_with(run: CourseRun, *, course: CoursePage | None = None, lab: LabPage | None = None) -> None:
    """Let the run show `course` and `lab` (pages in the visitor's language) as its course and lab without
    changing the ids it points to (the German pages)."""
    if course is not None:
        CourseRun.course.field.set_cached_value(run, course)
    if lab is not None:
        CourseRun.lab.field.set_cached_value(run, lab)


def _pages_in_locale(model, ids: set[int], *, locale_id: int) -> dict[int, Page]:
    """The pages `ids` (German pages, as runs point to them) as a visitor of the locale `locale_id` sees them:
    the live translation or alias where there is one, else the page itself; by the given id. One query."""
    if not ids:
        return {}
    originals = model.objects.filter(pk__in=ids)
    pages = model.objects.filter(
        Q(pk__in=ids)
        | Q(translation_key__in=originals.values("translation_key"), locale_id=locale_id, live=True)
    )
    by_id, translated = {}, {}
    for page in pages:
        if page.pk in ids:
            by_id[page.pk] = page
        if page.locale_id == locale_id and page.live:
            translated[page.translation_key] = page
    return {pk: translated.get(page.translation_key, page) for pk, page in by_id.items()}


def upcoming_runs_for_lab(*, lab: LabPage, limit: int = 20) -> list[CourseRun]:
    """The next runs at one lab that have not begun yet, soonest first, with sessions and seat counts.

    `lab` may be a translation of the lab's German page, which the runs point to: they are found by its
    translation key, and each shows `lab` and its course in `lab`'s language where the course has a live
    translation. Three queries however many runs there are."""
    if lab.pk is None:  # a preview of a lab page that was never saved
        return []
    # The soonest runs are picked from the lab's sessions first, so that seats and dates are counted for
    # those `limit` runs only, not for every run the lab ever scheduled.
    soonest = (
        Session.objects.filter(
            run__lab__translation_key=lab.translation_key, run__status=CourseRun.Status.SCHEDULED
        )
        .values("run")
        .annotate(first=Min("start"))
        .filter(first__gte=timezone.now())
        .order_by("first", "run")
        .values("run")[:limit]
    )
    runs = list(run_cards().filter(pk__in=soonest))
    courses = _pages_in_locale(CoursePage, {run.course_id for run in runs}, locale_id=lab.locale_id)
    for run in runs:
        _shown_with(run, course=courses.get(run.course_id), lab=lab)
    return runs


def runs_for_course_page(*, course: CoursePage, user=None) -> list[CourseRun]:
    """The runs of a course offer that have not begun yet, soonest first, each with `enrolment_open`
    (by the enrolment service's own rule) and `my_enrolment` (the visitor's
    active enrolment or None); a fixed number of queries however many runs and sessions there are.

    `course` may be a translation of the German page, which the runs point to: they are found by its
    translation key and show `course` and the lab it stands under."""
    if course.pk is None:  # a preview of a course page that was never saved
        return []
    now = timezone.now()
    runs = list(run_cards().filter(course__translation_key=course.translation_key, first_start__gte=now))
    labs = _pages_in_locale(LabPage, {run.lab_id for run in runs}, locale_id=course.locale_id)
    mine = {}
    if user is not None and user.is_authenticated and runs:
        mine = {
            e.run_id: e
            for e in Enrolment.objects.filter(user=user, run__in=runs)
            .exclude(status=Enrolment.Status.CANCELLED)
            .annotate(waitlist_position=waitlist_position_expression())
        }
    for run in runs:
        _shown_with(run, course=course, lab=labs.get(run.lab_id))
        run.enrolment_open = enrolment_closed_reason(run=run, now=now) is None
        run.my_enrolment = mine.get(run.pk)
    return runs


def courses_with_next_run(*, courses) -> list[CoursePage]:
    """Attach `lab_page` (with its municipality) and `next_run` (the soonest run not yet begun, with
    seat counts, or None) to each course of one catalogue page, in two queries.

    The courses may be translations: their runs are found by translation key."""
    courses = list(courses)
    if not courses:
        return courses
    lab_paths = {course.path[: -CoursePage.steplen] for course in courses}
    labs = LabPage.objects.filter(path__in=lab_paths).select_related("municipality")
    labs = {lab.path: lab for lab in labs}
    runs = (
        with_seats_left(
            CourseRun.objects.filter(
                course__translation_key__in={course.translation_key for course in courses},
                status=CourseRun.Status.SCHEDULED,
            )
        )
        .filter(first_start__gte=timezone.now())
        .annotate(
            course_key=F("course__translation_key"),
            soonest=Window(
                RowNumber(), partition_by=F("course_key"), order_by=[F("first_start").asc(), F("pk").asc()]
            ),
        )
        .filter(soonest=1)  # only each course's next run comes back
    )
    next_runs = {run.course_key: run for run in runs}
    for course in courses:
        course.lab_page = labs.get(course.path[: -CoursePage.steplen])
        course.next_run = next_runs.get(course.translation_key)
    return courses


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
    near: str = ""  # a place of the district: sorted by distance from it


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
        course = CoursePage.objects.filter(pk=filters.course).values("translation_key")
        runs = runs.filter(course__translation_key__in=course)
    if filters.lab:
        labs = LabPage.objects.filter(slug=filters.lab).values("translation_key")
        runs = runs.filter(lab__translation_key__in=labs)
    if filters.audience:
        runs = runs.filter(course__audience=filters.audience)
    if filters.has_seats is True:
        runs = runs.filter(seats_left__gt=0)
    elif filters.has_seats is False:
        runs = runs.filter(seats_left=0)
    place = place_find(filters.near) if filters.near else None
    if place is not None:
        runs = runs.annotate(distance_km=_distance_from(place, lab_field="lab__path__startswith"))
        runs = runs.order_by(F("distance_km").asc(nulls_last=True), *runs.query.order_by)
    return runs
