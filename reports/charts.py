"""The report's charts, drawn on the server as SVG: accessible (role="img", a title and a description, the
numbers as text in the chart and as a table beside it) and without any script.

Each chart is one standalone SVG document: the page puts it inline, the PDF as an image (a `data:` URL,
the only kind of picture its renderer may read). Colours are set as attributes, so it looks the same in
both; bars are dark on white (contrast above 7:1) and every bar carries its value as text, so nothing is
told by colour alone. A hidden value ("< 5", or a rate not shown) has no bar and says so in words.
"""

import base64
from dataclasses import dataclass

from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from labs.map import district_map

from .disclosure import PublishedReport

BAR = "#0a4a7c"
TEXT = "#1b1f24"
MUTED = "#4a525c"
GRID = "#767f89"
SHADES = {
    "1": "#eaf2fa",
    "2": "#c3dbef",
    "3": "#93bfe2",
    "4": "#5f9dd0",
    "5": "#3a7dbd",
    "text": "#f3f5f7",
    "none": "#ffffff",
    "": "#e8efe4",
}
FONT = 'font-family="Open Sans, DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    svg: SafeString

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{number_format(round(value * 100))} %"


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def fill_rate_chart(report: PublishedReport, *, chart_id: str = "chart-fill") -> Chart:
    """Columns per month: the share of seats taken, 0 to 100 %, its value above each column."""
    title = _("Auslastung pro Monat")
    desc = _(
        "Säulendiagramm: Anteil der belegten Plätze an allen Plätzen der Kurse, die im Monat beginnen. "
        "Ein Strich steht für einen Monat ohne gezeigten Wert. Die Tabelle nennt alle Zahlen."
    )
    months = report.months
    column, left, top, plot = 56, 48, 28, 200
    width = left + column * max(len(months), 1) + 16
    height = top + plot + 56
    parts = [_open(chart_id, title, desc, width, height)]
    for level in (0, 50, 100):
        y = top + plot - plot * level / 100
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y}" y2="{y}" stroke="{GRID}" stroke-width="1" '
            f'stroke-dasharray="{"none" if level == 0 else "4 4"}"/>'
            f'<text x="{left - 6}" y="{y + 5}" text-anchor="end" font-size="14" fill="{MUTED}" {FONT}>'
            f"{level} %</text>"
        )
    for index, month in enumerate(months):
        x = left + index * column + 8
        value = month.fill_rate.value
        label = percent(value)
        if value is not None:
            bar = plot * min(value, 1)
            parts.append(
                f'<rect x="{x}" y="{top + plot - bar:.1f}" width="{column - 16}" height="{bar:.1f}" '
                f'fill="{BAR}"/>'
            )
            label_y = top + plot - bar - 6
        else:
            label_y = top + plot - 6
        parts.append(
            f'<text x="{x + (column - 16) / 2}" y="{label_y:.1f}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}" {FONT}>{escape(label)}</text>'
            f'<text x="{x + (column - 16) / 2}" y="{top + plot + 22}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}" {FONT}>{escape(month_short(month.month))}</text>'
        )
        if index == 0 or month.month.month == 1:
            parts.append(
                f'<text x="{x + (column - 16) / 2}" y="{top + plot + 42}" text-anchor="middle" '
                f'font-size="13" fill="{MUTED}" {FONT}>{month.month.year}</text>'
            )
    parts.append("</svg>")
    return Chart(id=chart_id, title=title, desc=desc, svg=mark_safe("".join(parts)))


def month_short(day) -> str:
    return date_format(day, "M")


def area_chart(report: PublishedReport, *, chart_id: str = "chart-areas") -> Chart:
    """Horizontal bars: completed places per DigComp area, the value after each bar."""
    title = _("Abschlüsse nach DigComp-Bereich")
    desc = _(
        "Balkendiagramm: abgeschlossene Plätze je Kompetenzbereich des DigComp-Rahmens. "
        "Werte unter 5 stehen als „< 5“ ohne Balken. Die Tabelle nennt alle Zahlen."
    )
    rows = report.breakdown("area").rows
    label_width, bar_width, row_height, top = 300, 300, 40, 8
    width = label_width + bar_width + 70
    height = top + row_height * max(len(rows), 1) + 8
    numbers = [row.figures.completed for row in rows if isinstance(row.figures.completed, int)]
    largest = max(numbers, default=0) or 1
    parts = [_open(chart_id, title, desc, width, height)]
    for index, row in enumerate(rows):
        y = top + index * row_height
        value = row.figures.completed
        name = row.label if len(row.label) <= 38 else row.label[:37] + "…"
        parts.append(f'<text x="0" y="{y + 25}" font-size="15" fill="{TEXT}" {FONT}>{escape(name)}</text>')
        end = label_width
        if isinstance(value, int) and value:
            bar = bar_width * value / largest
            parts.append(f'<rect x="{label_width}" y="{y + 8}" width="{bar:.1f}" height="24" fill="{BAR}"/>')
            end = label_width + bar
        shown = number_format(value) if isinstance(value, int) else value
        parts.append(
            f'<text x="{end + 8:.1f}" y="{y + 25}" font-size="15" fill="{TEXT}" {FONT}>{escape(shown)}</text>'
        )
    parts.append(
        f'<line x1="{label_width}" x2="{label_width}" y1="{top}" y2="{height - 8}" stroke="{GRID}"/>'
    )
    parts.append("</svg>")
    return Chart(id=chart_id, title=title, desc=desc, svg=mark_safe("".join(parts)))


def reach_shading(report: PublishedReport) -> dict[str, object]:
    """People reached per municipality of the district ({slug: number or "< 5"}), for labs.map."""
    return {row.key: row.figures.people for row in report.breakdown("municipality").rows if row.key}


def reach_map_chart(report: PublishedReport, *, chart_id: str = "chart-map") -> Chart:
    """The district map shaded by people reached, standalone (for the PDF; the page uses the map's own
    template): each municipality's name and value stand in it as text, the legend below."""
    title = _("Erreichte Personen nach Wohnort")
    desc = _(
        "Karte der Städte und Gemeinden des Landkreises, je dunkler, desto mehr erreichte Personen. "
        "Jede Gemeinde nennt ihren Wert; die Tabelle nennt alle Zahlen. "
        "Die Gemeindegrenzen sind nur angenähert."
    )
    data = district_map(shading=reach_shading(report))
    geometry = data.geometry
    legend_height = 40 * len(data.legend) + 10
    height = geometry.height + legend_height
    parts = [_open(chart_id, title, desc, geometry.width, height)]
    for area in data.areas:
        parts.append(
            f'<path d="{area.shape.path}" fill="{SHADES.get(area.shade, SHADES[""])}" stroke="#5c6670" '
            f'stroke-width="2" stroke-linejoin="round"/>'
        )
    parts.append(f'<path d="{geometry.outline}" fill="none" stroke="{TEXT}" stroke-width="3"/>')
    for area in data.areas:
        lines = [*area.shape.label_lines, area.value]
        bold = ' font-weight="bold"'
        spans = "".join(
            f'<tspan x="{area.label_x}" dy="{0 if i == 0 else "1.15em"}"'
            f"{bold if i == len(lines) - 1 else ''}>{escape(line)}</tspan>"
            for i, line in enumerate(lines)
        )
        parts.append(
            f'<text x="{area.label_x}" y="{area.label_y}" text-anchor="middle" font-size="26" fill="{TEXT}" '
            f"{FONT}>{spans}</text>"
        )
    for index, entry in enumerate(data.legend):
        y = geometry.height + 10 + index * 40
        parts.append(
            f'<rect x="10" y="{y}" width="44" height="30" fill="{SHADES.get(entry.shade, SHADES[""])}" '
            f'stroke="#5c6670"/><text x="66" y="{y + 23}" font-size="24" fill="{TEXT}" {FONT}>'
            f"{escape(entry.text)}</text>"
        )
    parts.append("</svg>")
    return Chart(id=chart_id, title=title, desc=desc, svg=mark_safe("".join(parts)))
