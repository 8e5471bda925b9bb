"""The Kompetenzpass: the DigComp 2.2 competences a person reached through completed courses, area by area,
and the upcoming courses that would close what is still open.

A competence is reached at a level when the person completed a course that carries it at that level; the
highest level counts. Every area and competence of the framework is shown, reached or not, in the page's
language: area names and level bands come from the framework's own file, competence names from the
Competence rows (which editors may reword).
"""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses.models import Competence, CoursePage, CourseRun, Enrolment
from courses.selectors import enrolment_closed_reason, run_list

DIGCOMP_FILE = Path(__file__).resolve().parent.parent / "data" / "digcomp-2.2.json"

# Enough to choose from without burying the first steps.
MAX_SUGGESTIONS = 5

# A course the person has finished or still holds a place in is no next step.
TAKEN = (*Enrolment.ACTIVE, Enrolment.Status.COMPLETED)


@cache
def digcomp() -> dict:
    """The DigComp 2.2 framework as shipped with the project: areas, competences, proficiency levels."""
    return json.loads(DIGCOMP_FILE.read_text(encoding="utf-8"))


def _english() -> bool:
    return get_language() == "en"


def level_text(level: int) -> str:
    """A proficiency level with its band in the page's language: "Stufe 2 (Grundlagen)"."""
    bands = {item["level"]: item for item in digcomp()["proficiency_levels"]}
    band = bands.get(level)
    if band is None:
        return _("Stufe %(level)s") % {"level": level}
    name = band["band"].capitalize() if _english() else band["de"]
    return _("Stufe %(level)s (%(band)s)") % {"level": level, "band": name}


@dataclass(frozen=True)
class Source:
    """A completed course that gave a competence its level."""

    course: CoursePage
    completed_at: datetime | None


@dataclass(frozen=True)
class CompetenceStatus:
    code: str
    name: str
    level: int | None  # the highest level reached; None while the competence is open
    sources: tuple[Source, ...] = ()

    @property
    def reached(self) -> bool:
        return self.level is not None

    @property
    def level_label(self) -> str:
        return level_text(self.level) if self.level else ""

    @property
    def steps(self) -> list[bool]:
        """The eight levels of the framework, True up to the one reached (for the level bar)."""
        return [step <= (self.level or 0) for step in range(1, 9)]


@dataclass(frozen=True)
class AreaStatus:
    code: str
    name: str
    competences: tuple[CompetenceStatus, ...]

    @property
    def reached_count(self) -> int:
        return sum(1 for competence in self.competences if competence.reached)


@dataclass(frozen=True)
class Gap:
    """A competence a course would add, or raise to the course's level."""

    code: str
    name: str
    reached_level: int | None


@dataclass(frozen=True)
class Suggestion:
    course: CoursePage
    run: CourseRun  # the soonest run still open for enrolment
    gaps: tuple[Gap, ...]

    @property
    def level_label(self) -> str:
        return level_text(self.course.level)


@dataclass(frozen=True)
class Passport:
    areas: tuple[AreaStatus, ...]
    suggestions: tuple[Suggestion, ...]

    @property
    def total(self) -> int:
        return sum(len(area.competences) for area in self.areas)

    @property
    def reached_count(self) -> int:
        return sum(area.reached_count for area in self.areas)


def competences_reached(*, user) -> dict[str, tuple[int, tuple[Source, ...]]]:
    """By competence code: the highest level the person reached and the completed courses that gave it
    (earliest first); two queries however many courses they completed."""
    enrolments = (
        Enrolment.objects.filter(user=user, status=Enrolment.Status.COMPLETED)
        .select_related("run__course")
        .prefetch_related(Prefetch("run__course__competences", queryset=Competence.objects.only("code")))
        .order_by("completed_at", "pk")
    )
    reached: dict[str, tuple[int, list[Source]]] = {}
    for enrolment in enrolments:
        course = enrolment.run.course
        source = Source(course=course, completed_at=enrolment.completed_at)
        for competence in course.competences.all():
            level, sources = reached.get(competence.code, (0, []))
            if course.level > level:
                reached[competence.code] = (course.level, [source])
            elif course.level == level and all(s.course.pk != course.pk for s in sources):
                sources.append(source)
    return {code: (level, tuple(sources)) for code, (level, sources) in reached.items()}


def _competence_names() -> dict[str, str]:
    return {competence.code: competence.display_name for competence in Competence.objects.all()}


def _areas(*, reached: dict[str, tuple[int, tuple[Source, ...]]]) -> tuple[AreaStatus, ...]:
    names = _competence_names()
    english = _english()
    areas = []
    for area in digcomp()["areas"]:
        competences = []
        for item in area["competences"]:
            level, sources = reached.get(item["code"], (None, ()))
            name = names.get(item["code"]) or (item["en"] if english else item["de"])
            competences.append(CompetenceStatus(code=item["code"], name=name, level=level, sources=sources))
        areas.append(
            AreaStatus(
                code=area["code"], name=area["en"] if english else area["de"], competences=tuple(competences)
            )
        )
    return tuple(areas)


def _gaps_of(course: CoursePage, levels: dict[str, int]) -> tuple[Gap, ...]:
    return tuple(
        Gap(code=competence.code, name=competence.display_name, reached_level=levels.get(competence.code))
        for competence in course.competences.all()
        if course.level > levels.get(competence.code, 0)
    )


def next_steps(*, user, levels: dict[str, int], limit: int = MAX_SUGGESTIONS, now=None) -> list[Suggestion]:
    """Courses with a run still open for enrolment that would add a competence the person has not reached
    or raise one to a higher level, those closing the most gaps first, then the soonest; each with its
    soonest open run. Courses the person completed or holds a place in are left out. Four queries however
    many runs there are."""
    now = now or timezone.now()
    taken = Enrolment.objects.filter(user=user, status__in=TAKEN).values("run__course_id")
    courses = CoursePage.objects.live().public().filter(competences__isnull=False).exclude(pk__in=taken)
    runs = (
        run_list()
        .filter(course_id__in=courses.values("pk"), first_start__gt=now)
        .prefetch_related(Prefetch("course__competences", queryset=Competence.objects.order_by("code")))
    )
    suggestions: dict[int, Suggestion] = {}
    for run in runs:
        if run.course_id in suggestions or enrolment_closed_reason(run=run, now=now) is not None:
            continue
        gaps = _gaps_of(run.course, levels)
        if gaps:
            suggestions[run.course_id] = Suggestion(course=run.course, run=run, gaps=gaps)
    ranked = sorted(suggestions.values(), key=lambda s: (-len(s.gaps), s.run.first_start, s.course.title))
    return ranked[:limit]


def competence_passport(*, user, with_next_steps: bool = True) -> Passport:
    """Every DigComp 2.2 area with its competences and the level the person reached in each, in the page's
    language; with `with_next_steps`, up to five courses that would close gaps. A fixed number of queries."""
    reached = competences_reached(user=user)
    suggestions = ()
    if with_next_steps:
        levels = {code: level for code, (level, _sources) in reached.items()}
        suggestions = tuple(next_steps(user=user, levels=levels))
    return Passport(areas=_areas(reached=reached), suggestions=suggestions)
