"""The district map: the municipalities of the district as SVG paths, the labs as numbered markers.

The geometry is generated once by `manage.py district_map_build` (with shapely, a development dependency)
into labs/data/district-map.json and committed: the site reads plain SVG path strings and a linear
projection, so no geo library runs in production. The municipality boundaries are approximate (the shipped
data holds places, no boundaries); the map says so.

`district_map(labs=..., shading=...)` gives everything the template `labs/includes/district_map.html` draws:
the areas (optionally shaded by a value per municipality, with a legend) and a marker per lab.
"""

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAP_DATA = Path(__file__).resolve().parent / "data" / "district-map.json"

KM_PER_DEGREE = 6371.0 * math.pi / 180  # on the sphere labs.places measures distances on

# Markers in map units (the map is 1000 units wide). The touch area is 44 CSS px wide down to a map 290 px
# wide (a 320 px screen less the page's margins). Labs closer than MARKER_GAP (44 px on a 375 px phone) are
# moved apart around the first, so that their touch areas stay apart; MARKER_MARGIN keeps them off the edge.
MARKER_HIT_RADIUS = 80
MARKER_GAP = 130
MARKER_MARGIN = 60

SHADE_CLASSES = 5


@dataclass(frozen=True)
class Projection:
    """Latitude and longitude to the map's x and y (y grows downwards).

    Equirectangular, true to scale at `lat0`: across a district 40 km wide that differs from a conformal
    projection by far less than the map's approximate boundaries do.
    """

    lat0: float
    lon0: float
    x0: float
    y0: float
    units_per_km: float

    def point(self, latitude: float, longitude: float) -> tuple[float, float]:
        km_east = (longitude - self.lon0) * KM_PER_DEGREE * math.cos(math.radians(self.lat0))
        km_south = (self.lat0 - latitude) * KM_PER_DEGREE
        x = self.x0 + km_east * self.units_per_km
        y = self.y0 + km_south * self.units_per_km
        return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class MunicipalityShape:
    """One municipality as drawn: its outline, where its name stands and its centre, in map units."""

    slug: str  # as labs.Municipality.slug
    name: str
    ags: str
    path: str  # SVG path data
    label: tuple[float, float]  # the centre of the name's first line
    label_lines: tuple[str, ...]  # the name, broken where it is long
    centre: tuple[float, float]


@dataclass(frozen=True)
class DistrictGeometry:
    width: int
    height: int
    projection: Projection
    outline: str  # SVG path data of the whole district
    municipalities: tuple[MunicipalityShape, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def municipality(self, slug: str) -> MunicipalityShape | None:
        return next((shape for shape in self.municipalities if shape.slug == slug), None)


@lru_cache(maxsize=1)
def district_geometry() -> DistrictGeometry:
    """The committed geometry (labs/data/district-map.json), read once per process."""
    data = json.loads(MAP_DATA.read_text(encoding="utf-8"))
    return DistrictGeometry(
        width=data["width"],
        height=data["height"],
        projection=Projection(**data["projection"]),
        outline=data["outline"],
        municipalities=tuple(
            MunicipalityShape(
                slug=item["slug"],
                name=item["name"],
                ags=item["ags"],
                path=item["path"],
                label=tuple(item["label"]),
                label_lines=tuple(item["label_lines"]),
                centre=tuple(item["centre"]),
            )
            for item in data["municipalities"]
        ),
    )


@dataclass(frozen=True)
class LabMarker:
    number: int
    title: str
    town: str
    url: str
    x: float
    y: float

    @property
    def place(self) -> str:
        """The town, where the lab's title does not already name it (for the list below the map)."""
        return "" if self.town.casefold() in self.title.casefold() else self.town


@dataclass(frozen=True)
class Area:
    """A municipality as the map shows it: its shape, its shade (a CSS class) and the value behind it."""

    shape: MunicipalityShape
    shade: str  # "" (not shaded), "1" … "5" (light to dark), "text" (a value that is not a number), "none"
    value: str  # as shown: "42", "< 5", "" where not shaded

    @property
    def label_x(self) -> float:
        return self.shape.label[0]

    @property
    def label_y(self) -> float:
        return self.shape.label[1]


@dataclass(frozen=True)
class LegendEntry:
    shade: str
    text: str


@dataclass(frozen=True)
class DistrictMap:
    geometry: DistrictGeometry
    areas: tuple[Area, ...]
    markers: tuple[LabMarker, ...]
    legend: tuple[LegendEntry, ...]

    @property
    def shaded(self) -> bool:
        return bool(self.legend)


def district_map(
    *, labs: Iterable = (), shading: Mapping[str, object] | None = None, url_of=None
) -> DistrictMap:
    """The map's data: a marker per lab in `labs` (numbered in their order) and the municipalities, shaded by
    `shading` ({municipality slug: value}) if given.

    `labs` are LabPages with their municipality selected (labs.selectors.labs_published); `url_of(lab)`
    gives a lab's address (default: `lab.url`). Numbers are shaded on a sequential palette; any other value
    ("< 5", which callers use where a small number must not be shown) is shown as it is, unshaded; a
    municipality missing from `shading` reads "keine Angabe".
    """
    geometry = district_geometry()
    areas, legend = _shade(geometry, shading) if shading is not None else (_plain(geometry), ())
    return DistrictMap(
        geometry=geometry,
        areas=areas,
        markers=tuple(_markers(geometry, list(labs), url_of=url_of or (lambda lab: lab.url))),
        legend=legend,
    )


def _plain(geometry: DistrictGeometry) -> tuple[Area, ...]:
    return tuple(Area(shape=shape, shade="", value="") for shape in geometry.municipalities)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value) -> str:
    return number_format(value) if _is_number(value) else str(value)


def shade_classes(values: Iterable[float], classes: int = SHADE_CLASSES) -> list[list[float]]:
    """The distinct values split into at most `classes` runs of about equal length, lowest first.

    Each class spans values that occur, so the legend names real values ("12 bis 17"), never made-up breaks;
    with fewer distinct values than classes each value is a class of its own.
    """
    distinct = sorted(set(values))
    count = min(classes, len(distinct))
    return [distinct[len(distinct) * i // count : len(distinct) * (i + 1) // count] for i in range(count)]


def _shade_names(count: int) -> list[str]:
    """Palette steps for `count` classes, spread over the whole palette (2 classes: light and dark)."""
    if count == 1:
        return [str(SHADE_CLASSES)]
    return [str(1 + round(i * (SHADE_CLASSES - 1) / (count - 1))) for i in range(count)]


def _shade(geometry: DistrictGeometry, shading: Mapping[str, object]) -> tuple[tuple[Area, ...], tuple]:
    numbers = [value for value in shading.values() if _is_number(value)]
    classes = shade_classes(numbers)
    names = _shade_names(len(classes)) if classes else []
    shade_of = {value: name for run, name in zip(classes, names, strict=True) for value in run}
    legend = [
        LegendEntry(
            shade=name,
            text=_shown(run[0])
            if run[0] == run[-1]
            else _("%(low)s bis %(high)s") % {"low": _shown(run[0]), "high": _shown(run[-1])},
        )
        for run, name in zip(classes, names, strict=True)
    ]
    areas = []
    for shape in geometry.municipalities:
        value = shading.get(shape.slug)
        if value is None:
            areas.append(Area(shape=shape, shade="none", value=_("keine Angabe")))
        elif _is_number(value):
            areas.append(Area(shape=shape, shade=shade_of[value], value=_shown(value)))
        else:
            areas.append(Area(shape=shape, shade="text", value=_shown(value)))
    texts = sorted({area.value for area in areas if area.shade == "text"})
    legend += [LegendEntry(shade="text", text=text) for text in texts]
    if any(area.shade == "none" for area in areas):
        legend.append(LegendEntry(shade="none", text=_("keine Angabe")))
    return tuple(areas), tuple(legend)


def _markers(geometry: DistrictGeometry, labs: list, *, url_of) -> list[LabMarker]:
    """A marker per lab at its coordinates, else at its municipality's centre; markers that would touch are
    moved apart around the first, so each keeps its own touch area."""
    markers: list[LabMarker] = []
    for number, lab in enumerate(labs, start=1):
        x, y = _position(geometry, lab)
        x, y = _free_spot(x, y, [(marker.x, marker.y) for marker in markers])
        x = min(max(x, MARKER_MARGIN), geometry.width - MARKER_MARGIN)
        y = min(max(y, MARKER_MARGIN), geometry.height - MARKER_MARGIN)
        markers.append(
            LabMarker(
                number=number,
                title=lab.title,
                town=lab.town or lab.municipality.name,
                url=url_of(lab),
                x=x,
                y=y,
            )
        )
    return markers


def _position(geometry: DistrictGeometry, lab) -> tuple[float, float]:
    if lab.latitude is not None and lab.longitude is not None:
        return geometry.projection.point(lab.latitude, lab.longitude)
    shape = geometry.municipality(lab.municipality.slug)
    if shape is not None:
        return shape.centre
    municipality = lab.municipality
    if municipality.latitude is not None and municipality.longitude is not None:
        return geometry.projection.point(municipality.latitude, municipality.longitude)
    return geometry.width / 2, geometry.height / 2


def _free_spot(x: float, y: float, taken: list[tuple[float, float]]) -> tuple[float, float]:
    """(x, y), or the nearest spot on rings around it that keeps MARKER_GAP from every taken one."""

    def free(px: float, py: float) -> bool:
        return all(math.hypot(px - tx, py - ty) >= MARKER_GAP for tx, ty in taken)

    if free(x, y):
        return x, y
    for ring in range(1, 6):
        steps = 6 * ring
        for step in range(steps):
            angle = 2 * math.pi * step / steps
            px = round(x + ring * MARKER_GAP * math.cos(angle), 1)
            py = round(y + ring * MARKER_GAP * math.sin(angle), 1)
            if free(px, py):
                return px, py
    return x, y
