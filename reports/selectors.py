"""The figures of a report: whom the labs reached in a period, overall and broken down.

What counts:
- A run belongs to the period when its first session starts on a day of the period (Europe/Berlin, both
  ends included). Cancelled runs do not count: their places were given back.
- An enrolment is a place a person took in such a run: confirmed, completed or not completed. Places on
  the waiting list, offered or held unnamed for an organisation, and cancelled places are no enrolments.
- People reached: the distinct accounts among the enrolments; each place without an account (a walk-in,
  a member named by an organisation who has no account) counts as one person of its own.
- Attendance rate: present / all recorded attendance rows of those enrolments. Completion rate:
  completed / (completed + not completed).
- Certificates and badges: issued on a day of the period by a lab of the report, whenever the run started;
  a certificate issued again for the same place counts once.
- Waiting-list demand without a seat: places in the period's runs that were on the waiting list and never
  got a seat in that run (no `confirmed_at`, not holding a seat now).
- Fill rate per month: seats taken (every status that holds a seat) / capacity of the runs whose first
  session starts in that month.

An enrolment of a course with competences of several DigComp areas counts once in each of those areas, so
the areas add up to more than the total. Every other breakdown adds up to the total.

The report takes a fixed number of queries however many runs and places there are (see REPORT_QUERIES).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from courses.models import AgeBand, Attendance, Audience, Competence, CourseRun, Enrolment, Format
from labs.models import LabPage, Municipality

BERLIN = ZoneInfo(settings.TIME_ZONE)

# Queries one report takes: runs, seats per run, area names, municipalities; the places in total and per
# dimension (7); attendance, and certificates with badges, each for all dimensions but the area and for it.
REPORT_QUERIES = 4 + 7 + 2 + 2

NOT_STATED = ""
OTHER_MUNICIPALITY = "other"


@dataclass(frozen=True)
class Figures:
    enrolments: int = 0
    people: int = 0
    present: int = 0
    recorded: int = 0
    completed: int = 0
    not_completed: int = 0
    certificates: int = 0
    badges: int = 0
    waitlist_unmet: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.recorded if self.recorded else None

    @property
    def completion_rate(self) -> float | None:
        decided = self.completed + self.not_completed
        return self.completed / decided if decided else None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    name: str  # lab, municipality, audience, area, format, age_band
    title: str
    rows: tuple[Row, ...]
    adds_up: bool = True  # whether the rows add up to the total (not for the areas)


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    runs: int
    capacity: int
    seats_taken: int

    @property
    def fill_rate(self) -> float | None:
        return self.seats_taken / self.capacity if self.capacity else None


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    labs: tuple[LabPage, ...]
    lab: LabPage | None  # the one lab asked for; None: all the person's labs (the district for admins)
    totals: Figures
    breakdowns: tuple[Breakdown, ...] = field(default_factory=tuple)
    months: tuple[Month, ...] = field(default_factory=tuple)

    def breakdown(self, name: str) -> Breakdown:
        return next(item for item in self.breakdowns if item.name == name)


# Dimensions as paths from Enrolment.
DIMENSIONS = {
    "lab": "run__lab_id",
    "municipality": "municipality",
    "audience": "run__course__audience",
    "format": "run__course__format",
    "age_band": "age_band",
}
AREA = "run__course__competences__area_code"

# On the waiting list of the run and never given a seat in it.
UNMET_DEMAND = Q(waitlisted_at__isnull=False, confirmed_at__isnull=True) & ~Q(
    status__in=Enrolment.SEAT_HOLDING
)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments the period starts and ends (exclusive), Berlin time."""
    return (
        datetime.combine(start, time.min, tzinfo=BERLIN),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=BERLIN),
    )


def runs_in_period(*, lab_ids, start: date, end: date) -> QuerySet[CourseRun]:
    """The runs of the labs whose first session starts in the period, cancelled ones left out."""
    since, until = period_bounds(start, end)
    return (
        CourseRun.objects.filter(lab_id__in=lab_ids)
        .exclude(status=CourseRun.Status.CANCELLED)
        .annotate(first_start=Min("sessions__start"))
        .filter(first_start__gte=since, first_start__lt=until)
    )


def report_build(*, labs, lab: LabPage | None, start: date, end: date) -> Report:
    """The report for the labs (already limited to those the person may see) and the period."""
    labs = tuple(labs)
    lab_ids = [each.pk for each in labs]
    runs = runs_in_period(lab_ids=lab_ids, start=start, end=end)
    run_ids = runs.values("pk")
    since, until = period_bounds(start, end)

    by_key: dict[str, dict[str, dict[str, int]]] = {name: defaultdict(dict) for name in (*DIMENSIONS, "area")}
    totals: dict[str, int] = {}

    # Places and people, one query per dimension: distinct people do not add up across groups. Only the
    # areas repeat a place (a course in several areas), so only there every count is distinct.
    attending = Q(status__in=Enrolment.ATTENDING)
    places = Enrolment.objects.filter(run_id__in=run_ids).filter(attending | UNMET_DEMAND)
    totals.update(places.aggregate(**_place_counts(distinct=False)))
    for name, path in (*DIMENSIONS.items(), ("area", AREA)):
        counts = _place_counts(distinct=name == "area")
        for row in places.values(path).annotate(**counts).order_by():
            by_key[name][_key(row[path])].update({k: row[k] for k in counts})

    # Attendance adds up: one query over all dimensions but the area, and one for the area.
    attendance = Attendance.objects.filter(
        enrolment__run_id__in=run_ids, enrolment__status__in=Enrolment.ATTENDING
    )
    present = Q(status=Attendance.Status.PRESENT)
    _add_up(
        by_key,
        totals,
        attendance.values(**{path: F(f"enrolment__{path}") for path in DIMENSIONS.values()})
        .annotate(present=Count("pk", filter=present), recorded=Count("pk"))
        .order_by(),
    )
    for row in (
        attendance.values(area=F(f"enrolment__{AREA}"))
        .annotate(present=Count("pk", filter=present, distinct=True), recorded=Count("pk", distinct=True))
        .order_by()
    ):
        by_key["area"][_key(row["area"])].update(present=row["present"], recorded=row["recorded"])

    # Certificates and badges issued in the period, whenever their run was: they add up, so one query over
    # all dimensions but the area, and one for the area.
    certified = Q(certificates__issued_at__gte=since, certificates__issued_at__lt=until)
    badged = Q(badge_assertion__issued_on__gte=since, badge_assertion__issued_on__lt=until)
    awarded = Enrolment.objects.filter(run__lab_id__in=lab_ids).filter(certified | badged)
    award_counts = {
        "certificates": Count("pk", filter=certified, distinct=True),
        "badges": Count("pk", filter=badged, distinct=True),
    }
    _add_up(by_key, totals, awarded.values(*DIMENSIONS.values()).annotate(**award_counts).order_by())
    for row in awarded.values(AREA).annotate(**award_counts).order_by():
        by_key["area"][_key(row[AREA])].update({k: row[k] for k in award_counts})

    labels = _labels(labs)
    breakdowns = tuple(
        Breakdown(
            name=name,
            title=str(title),
            rows=_rows(by_key[name], labels[name]),
            adds_up=name != "area",
        )
        for name, title in BREAKDOWN_TITLES.items()
    )
    return Report(
        start=start,
        end=end,
        labs=labs,
        lab=lab,
        totals=_figures(totals),
        breakdowns=breakdowns,
        months=_months(runs, start=start, end=end),
    )


BREAKDOWN_TITLES = {
    "lab": _("Nach Labor"),
    "municipality": _("Nach Wohnort (Gemeinde)"),
    "audience": _("Nach Zielgruppe"),
    "area": _("Nach DigComp-Bereich"),
    "format": _("Nach Kursform"),
    "age_band": _("Nach Altersgruppe"),
}


def _place_counts(*, distinct: bool) -> dict:
    attending = Q(status__in=Enrolment.ATTENDING)
    return {
        "enrolments": Count("pk", filter=attending, distinct=distinct),
        "accounts": Count("user_id", filter=attending, distinct=True),
        "anonymous": Count("pk", filter=attending & Q(user_id__isnull=True), distinct=distinct),
        "completed": Count("pk", filter=Q(status=Enrolment.Status.COMPLETED), distinct=distinct),
        "not_completed": Count("pk", filter=Q(status=Enrolment.Status.NOT_COMPLETED), distinct=distinct),
        "waitlist_unmet": Count("pk", filter=UNMET_DEMAND, distinct=distinct),
    }


def _key(value) -> str:
    return "" if value is None else str(value)


def _add_up(by_key, totals, rows) -> None:
    paths = set(DIMENSIONS.values())
    for row in rows:
        values = {k: v for k, v in row.items() if k not in paths}
        for name, path in DIMENSIONS.items():
            cell = by_key[name][_key(row[path])]
            for metric, value in values.items():
                cell[metric] = cell.get(metric, 0) + value
        for metric, value in values.items():
            totals[metric] = totals.get(metric, 0) + value


def _figures(values: dict[str, int]) -> Figures:
    return Figures(
        enrolments=values.get("enrolments") or 0,
        people=(values.get("accounts") or 0) + (values.get("anonymous") or 0),
        present=values.get("present") or 0,
        recorded=values.get("recorded") or 0,
        completed=values.get("completed") or 0,
        not_completed=values.get("not_completed") or 0,
        certificates=values.get("certificates") or 0,
        badges=values.get("badges") or 0,
        waitlist_unmet=values.get("waitlist_unmet") or 0,
    )


def _rows(cells: dict[str, dict[str, int]], labels: dict[str, str]) -> tuple[Row, ...]:
    """A row per known key (in label order, with or without figures) and per other key that has figures;
    a municipality that is none of the district's is gathered under "other"."""
    merged: dict[str, dict[str, int]] = defaultdict(dict)
    for key, values in cells.items():
        target = key if key in labels else OTHER_MUNICIPALITY if labels.get(OTHER_MUNICIPALITY) else key
        for metric, value in values.items():
            merged[target][metric] = merged[target].get(metric, 0) + (value or 0)
    keys = list(labels)
    keys += [key for key in merged if key not in labels]
    return tuple(
        Row(key=key, label=labels.get(key, key), figures=_figures(merged.get(key, {}))) for key in keys
    )


def _labels(labs) -> dict[str, dict[str, str]]:
    """Names of each breakdown's keys, in the order they are listed; "" (not stated) last."""
    not_stated = str(_("nicht angegeben"))
    municipalities = {each.slug: each.name for each in Municipality.objects.order_by("name")}
    areas = dict(Competence.objects.order_by("area_code").values_list("area_code", "area_name").distinct())
    return {
        "lab": {str(each.pk): each.title for each in labs},
        "municipality": {
            **municipalities,
            OTHER_MUNICIPALITY: str(_("außerhalb des Landkreises")),
            NOT_STATED: not_stated,
        },
        "audience": {str(k): str(v) for k, v in Audience.choices},
        "area": {
            **{code: f"{code} {name}" for code, name in areas.items()},
            NOT_STATED: str(_("ohne Kompetenz")),
        },
        "format": {str(k): str(v) for k, v in Format.choices},
        "age_band": {**{str(k): str(v) for k, v in AgeBand.choices}, NOT_STATED: not_stated},
    }


def _months(runs: QuerySet[CourseRun], *, start: date, end: date) -> tuple[Month, ...]:
    """Fill rate per month of the period, months without runs included."""
    rows = list(runs.values("pk", "capacity", "first_start").order_by())
    taken = dict(
        Enrolment.objects.filter(run_id__in=runs.values("pk"), status__in=Enrolment.SEAT_HOLDING)
        .values("run_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("run_id", "n")
    )
    months: dict[date, list[int]] = {}
    cursor = start.replace(day=1)
    while cursor <= end:
        months[cursor] = [0, 0, 0]
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    for row in rows:
        first = row["first_start"].astimezone(BERLIN).date().replace(day=1)
        cell = months[first]
        cell[0] += 1
        cell[1] += row["capacity"]
        cell[2] += taken.get(row["pk"], 0)
    return tuple(
        Month(month=month, runs=runs_, capacity=capacity, seats_taken=seats)
        for month, (runs_, capacity, seats) in months.items()
    )
