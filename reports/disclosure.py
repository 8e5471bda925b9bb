"""What of a report may leave the platform: small counts hidden, so that no person can be singled out.

Every way a report is shown (the page, the API's JSON, CSV, XLSX, PDF) goes through `report_published`;
none reads the raw figures of `reports.selectors`.

The rules:
- A count under 5 (0 included) is shown as "< 5" (`SMALL`). Counts are enrolments, people, completions,
  certificates, badges and waiting-list demand, and the seats taken per month.
- A rate is not shown (None, with the reason) when its denominator is under 5: the attendance rate with
  fewer than 5 recorded attendances, the completion rate with fewer than 5 completed or not completed
  places, the fill rate of a month with fewer than 5 seats taken (its capacity is shown, so the rate would
  tell the hidden count).
- Complementary suppression: in a breakdown whose rows add up to the total (all but the DigComp areas),
  when a figure is hidden in exactly one row while the total is shown, the total minus the other rows would
  give it away. Then the smallest other row of that figure is hidden too, so that at least two rows are
  hidden and only their sum can be worked out. The areas overlap (a course may touch several), so no
  subtraction reveals a row there, and they are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .selectors import Figures, Report

THRESHOLD = 5
SMALL = "< 5"
COUNTS = ("enrolments", "people", "completed", "certificates", "badges", "waitlist_unmet")

Shown = int | str


@dataclass(frozen=True)
class Rate:
    value: float | None
    note: str  # why it is not shown, else ""


@dataclass(frozen=True)
class ShownFigures:
    enrolments: Shown
    people: Shown
    completed: Shown
    certificates: Shown
    badges: Shown
    waitlist_unmet: Shown
    attendance_rate: Rate
    completion_rate: Rate


@dataclass(frozen=True)
class ShownRow:
    key: str
    label: str
    figures: ShownFigures


@dataclass(frozen=True)
class ShownBreakdown:
    name: str
    title: str
    rows: tuple[ShownRow, ...]
    adds_up: bool


@dataclass(frozen=True)
class ShownMonth:
    month: date
    runs: int
    capacity: int
    seats_taken: Shown
    fill_rate: Rate


@dataclass(frozen=True)
class PublishedReport:
    start: date
    end: date
    lab_slug: str  # "" for all the person's labs
    title: str  # the lab's name, or "alle meine Labore" / the district
    totals: ShownFigures
    breakdowns: tuple[ShownBreakdown, ...]
    months: tuple[ShownMonth, ...]

    def breakdown(self, name: str) -> ShownBreakdown:
        return next(item for item in self.breakdowns if item.name == name)


def shown_count(value: int) -> Shown:
    return SMALL if value < THRESHOLD else value


def _rate(numerator: int, denominator: int, note: str) -> Rate:
    if denominator < THRESHOLD:
        return Rate(value=None, note=note)
    return Rate(value=round(numerator / denominator, 4), note="")


def _shown(figures: Figures, hidden: frozenset[str] = frozenset()) -> ShownFigures:
    counts = {name: SMALL if name in hidden else shown_count(getattr(figures, name)) for name in COUNTS}
    return ShownFigures(
        **counts,
        attendance_rate=_rate(
            figures.present,
            figures.recorded,
            _("Weniger als 5 erfasste Anwesenheiten: Die Quote wird nicht gezeigt."),
        ),
        completion_rate=_rate(
            figures.completed,
            figures.completed + figures.not_completed,
            _("Weniger als 5 abgeschlossene oder nicht abgeschlossene Plätze: Die Quote wird nicht gezeigt."),
        ),
    )


def complementary_hidden(values: list[int], total: int) -> set[int]:
    """The indexes of `values` to hide besides those under the threshold, so that the total minus the shown
    values never gives away a single hidden one."""
    small = [i for i, value in enumerate(values) if value < THRESHOLD]
    if len(small) != 1 or total < THRESHOLD:
        return set()
    others = [i for i in range(len(values)) if i not in small]
    if not others:
        return set()
    return {min(others, key=lambda i: (values[i], i))}


def report_published(*, report: Report, title: str) -> PublishedReport:
    breakdowns = []
    for breakdown in report.breakdowns:
        hidden: list[set[str]] = [set() for _row in breakdown.rows]
        if breakdown.adds_up:
            for name in COUNTS:
                values = [getattr(row.figures, name) for row in breakdown.rows]
                for index in complementary_hidden(values, getattr(report.totals, name)):
                    hidden[index].add(name)
        breakdowns.append(
            ShownBreakdown(
                name=breakdown.name,
                title=breakdown.title,
                adds_up=breakdown.adds_up,
                rows=tuple(
                    ShownRow(key=row.key, label=row.label, figures=_shown(row.figures, frozenset(extra)))
                    for row, extra in zip(breakdown.rows, hidden, strict=True)
                ),
            )
        )
    months = tuple(
        ShownMonth(
            month=month.month,
            runs=month.runs,
            capacity=month.capacity,
            seats_taken=shown_count(month.seats_taken),
            fill_rate=Rate(value=None, note=_("Weniger als 5 belegte Plätze: Die Quote wird nicht gezeigt."))
            if month.seats_taken < THRESHOLD
            else Rate(value=round(month.fill_rate, 4), note=""),
        )
        for month in report.months
    )
    return PublishedReport(
        start=report.start,
        end=report.end,
        lab_slug=report.lab.slug if report.lab is not None else "",
        title=title,
        totals=_shown(report.totals),
        breakdowns=tuple(breakdowns),
        months=months,
    )


def figure_names() -> list[tuple[str, str]]:
    """The figures in the order every table shows them, with their column heading."""
    return [
        ("enrolments", _("Anmeldungen")),
        ("people", _("Erreichte Personen")),
        ("attendance_rate", _("Anwesenheitsquote")),
        ("completed", _("Abgeschlossen")),
        ("completion_rate", _("Abschlussquote")),
        ("certificates", _("Zertifikate")),
        ("badges", _("Badges")),
        ("waitlist_unmet", _("Warteliste ohne Platz")),
    ]
