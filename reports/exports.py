"""A published report as a download: CSV, XLSX and PDF. Each reads only `PublishedReport`, so the small
counts are hidden in every file exactly as on the page."""

import csv
import io

from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.pdf import render_pdf

from .charts import area_chart, fill_rate_chart, percent, reach_map_chart
from .disclosure import SMALL, PublishedReport, Rate, ShownFigures, figure_names

MONTH_HEADINGS = ("month", "runs", "capacity", "seats_taken", "fill_rate")


def footnote() -> str:
    return _(
        "Zahlen unter 5 stehen als „< 5“, damit niemand erkennbar wird. Eine Quote mit weniger als 5 Fällen "
        "im Nenner wird nicht gezeigt („–“). Wo sonst eine verborgene Zahl aus der Summe folgen würde, ist "
        "eine zweite Zahl verborgen."
    )


def filename(report: PublishedReport, extension: str) -> str:
    scope = report.lab_slug or slugify(report.title) or "labore"
    return f"bericht-{scope}-{report.start.isoformat()}-bis-{report.end.isoformat()}.{extension}"


def period_text(report: PublishedReport) -> str:
    return _("%(start)s bis %(end)s") % {
        "start": date_format(report.start, "j. F Y"),
        "end": date_format(report.end, "j. F Y"),
    }


def cell(value, *, for_sheet: bool = False):
    """A figure as a file shows it: a number, "< 5", a rate as a percentage or "–"."""
    if isinstance(value, Rate):
        if for_sheet:
            return value.value if value.value is not None else "–"
        return percent(value.value)
    return value


def figure_cells(figures: ShownFigures, *, for_sheet: bool = False) -> list:
    return [cell(getattr(figures, name), for_sheet=for_sheet) for name, _label in figure_names()]


def month_headings() -> list[str]:
    return [_("Monat"), _("Kurse"), _("Plätze"), _("Belegte Plätze"), _("Auslastung")]


def month_cells(month, *, for_sheet: bool = False) -> list:
    return [
        date_format(month.month, "F Y"),
        month.runs,
        month.capacity,
        month.seats_taken,
        cell(month.fill_rate, for_sheet=for_sheet),
    ]


def report_csv(report: PublishedReport) -> bytes:
    """UTF-8 with BOM and ";" between cells, as German Excel opens it: totals, each breakdown, the months."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    names = [label for _name, label in figure_names()]
    writer.writerow([_("Bericht"), report.title, period_text(report)])
    writer.writerow([footnote()])
    writer.writerow([])
    writer.writerow([_("Aufschlüsselung"), _("Gruppe"), *names])
    writer.writerow([_("Gesamt"), "", *figure_cells(report.totals)])
    for breakdown in report.breakdowns:
        for row in breakdown.rows:
            writer.writerow([breakdown.title, row.label, *figure_cells(row.figures)])
    writer.writerow([])
    writer.writerow(month_headings())
    for month in report.months:
        writer.writerow(month_cells(month))
    return buffer.getvalue().encode("utf-8")


def report_xlsx(report: PublishedReport) -> bytes:
    """A sheet for the totals and one per breakdown and for the months; headings bold, columns wide enough."""
    workbook = Workbook()
    bold = Font(bold=True)
    names = [label for _name, label in figure_names()]

    def sheet(title: str, heading: list, rows: list[list], *, first: bool = False):
        ws = workbook.active if first else workbook.create_sheet()
        ws.title = title[:31]
        ws.append([report.title, period_text(report)])
        ws.append([footnote()])
        ws.append([])
        ws.append(heading)
        for column in range(1, len(heading) + 1):
            ws.cell(row=4, column=column).font = bold
        ws["A1"].font = bold
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows(min_row=5):
            for item in row:
                if isinstance(item.value, float):
                    item.number_format = "0.0 %"
        for column, title_ in enumerate(heading, start=1):
            values = [len(str(title_))] + [len(str(r[column - 1])) for r in rows]
            ws.column_dimensions[get_column_letter(column)].width = min(max(values) + 4, 60)
        ws.freeze_panes = "A5"
        return ws

    sheet(_("Gesamt"), names, [figure_cells(report.totals, for_sheet=True)], first=True)
    for breakdown in report.breakdowns:
        sheet(
            breakdown.title,
            [_("Gruppe"), *names],
            [[row.label, *figure_cells(row.figures, for_sheet=True)] for row in breakdown.rows],
        )
    sheet(_("Auslastung"), month_headings(), [month_cells(m, for_sheet=True) for m in report.months])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_context(report: PublishedReport) -> dict:
    """What the page and the PDF show: figures with headings, charts and tables."""
    names = figure_names()
    return {
        "report": report,
        "period": period_text(report),
        "headings": [label for _name, label in names],
        "totals": [(label, cell(getattr(report.totals, name))) for name, label in names],
        "breakdown_tables": [
            (breakdown, [(row.label, figure_cells(row.figures)) for row in breakdown.rows])
            for breakdown in report.breakdowns
        ],
        "month_headings": month_headings(),
        "month_rows": [month_cells(month) for month in report.months],
        "fill_chart": fill_rate_chart(report),
        "area_chart": area_chart(report),
        "area_rows": [(row.label, row.figures.completed) for row in report.breakdown("area").rows],
        "footnote": footnote(),
        "small": SMALL,
    }


def report_pdf(report: PublishedReport) -> bytes:
    context = report_context(report) | {"map_chart": reach_map_chart(report)}
    context["municipality_rows"] = [
        (row.label, row.figures.people) for row in report.breakdown("municipality").rows
    ]
    return render_pdf(render_to_string("reports/report_pdf.html", context))
