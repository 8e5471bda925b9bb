"""Generate labs/data/district-map.json, the district map's geometry, from labs/data/district-places.json.

Run once when the places change (it needs shapely, a development dependency); the result is committed and the
site reads it without any geo library.

The shipped data has places, no boundaries, so the boundaries are an honest approximation:
1. every place with coordinates (a municipality's centre and its villages) is a point, on a plane in km;
2. the district's outline is a concave hull around all points, widened until it covers the district's area
   (about 796 km²) and rounded;
3. each point gets its Voronoi cell (the land nearer to it than to any other place); the cells of a
   municipality's places together are that municipality, cut to the outline;
4. the shared boundaries are simplified together, so neighbours keep meeting without gaps.
"""

import json
import math
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from labs.map import KM_PER_DEGREE, MAP_DATA, Projection
from labs.places import DATA as PLACES_DATA

DISTRICT_AREA_KM2 = 796  # Landkreis Hameln-Pyrmont
HULL_RATIO = 0.5  # 0 hugs the points, 1 is the convex hull
SIMPLIFY_KM = 0.25
WIDTH = 1000  # map units
MARGIN = 12  # map units around the outline
# Names are set in LABEL_FONT map units (as `.district-map__name` in site.css), inside their municipality with
# LABEL_INSET to spare, and clear of its centre, where a lab's marker sits (LABEL_CLEARANCE).
LABEL_FONT = 38
LABEL_CHAR_WIDTH = 0.63  # of the font size: DejaVu Sans, the widest of the site's fonts, at weight 600
LABEL_LINE_HEIGHT = 1.15
LABEL_INSET = 10
LABEL_CLEARANCE = 48
LABEL_GRID = 4
LINE_BREAK_AT = 11  # characters: longer names are split into two lines


class Command(BaseCommand):
    help = (
        "Erzeugt labs/data/district-map.json (Gemeindeflächen der Karte) aus labs/data/district-places.json."
    )
    requires_system_checks = []  # reads and writes two files; needs no database

    def handle(self, *args, **options):
        try:
            import shapely  # noqa: F401
        except ImportError as error:
            raise CommandError(_("shapely fehlt: pip install -e '.[dev]'")) from error
        data = json.loads(PLACES_DATA.read_text(encoding="utf-8"))
        result = build(data["municipalities"])
        text = json.dumps(result, ensure_ascii=False, indent=1)
        text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m[1]) + "]", text)
        MAP_DATA.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            f"{MAP_DATA}: {len(result['municipalities'])} Gemeinden, {result['width']}×{result['height']}"
        )


def municipality_slug(name: str) -> str:
    """The slug labs.Municipality gets for `name` (migration 0002)."""
    return slugify(name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))


def label_lines(name: str) -> list[str]:
    """A long name on two lines, split at the space nearest its middle: "Bad Münder" / "am Deister"."""
    if len(name) <= LINE_BREAK_AT or " " not in name:
        return [name]
    spaces = [match.start() for match in re.finditer(" ", name)]
    cut = min(spaces, key=lambda index: abs(index - len(name) / 2))
    return [name[:cut], name[cut + 1 :]]


def build(municipalities: list[dict]) -> dict:
    import shapely
    import shapely.affinity
    from shapely.geometry import MultiPoint, Point
    from shapely.ops import unary_union

    lat0 = round(sum(item["lat"] for item in municipalities) / len(municipalities), 4)
    lon0 = round(sum(item["lon"] for item in municipalities) / len(municipalities), 4)

    def plane(latitude: float, longitude: float) -> tuple[float, float]:
        x = (longitude - lon0) * KM_PER_DEGREE * math.cos(math.radians(lat0))
        y = (lat0 - latitude) * KM_PER_DEGREE
        return x, y

    points: list[tuple[float, float]] = []
    owners: list[int] = []
    for index, item in enumerate(municipalities):
        coordinates = [(item["lat"], item["lon"])]
        coordinates += [(place["lat"], place["lon"]) for place in item["places"] if place["lat"] is not None]
        for latitude, longitude in coordinates:
            point = plane(latitude, longitude)
            if all(math.dist(point, seen) > 0.01 for seen in points):  # a place listed twice counts once
                points.append(point)
                owners.append(index)
    cloud = MultiPoint(points)
    outline = _outline(shapely.concave_hull(cloud, ratio=HULL_RATIO))

    cells = shapely.voronoi_polygons(cloud, extend_to=outline.envelope.buffer(10), ordered=True)
    parts: dict[int, list] = {}
    for owner, cell in zip(owners, cells.geoms, strict=True):
        parts.setdefault(owner, []).append(cell)
    shapes = [unary_union(parts[index]).intersection(outline) for index in range(len(municipalities))]
    shapes = list(shapely.coverage_simplify(shapes, SIMPLIFY_KM))
    district = unary_union(shapes)

    minx, miny, maxx, maxy = district.bounds
    units_per_km = (WIDTH - 2 * MARGIN) / (maxx - minx)
    height = math.ceil((maxy - miny) * units_per_km + 2 * MARGIN)
    projection = Projection(
        lat0=lat0,
        lon0=lon0,
        x0=round(MARGIN - minx * units_per_km, 3),
        y0=round(MARGIN - miny * units_per_km, 3),
        units_per_km=round(units_per_km, 4),
    )

    def to_map(x: float, y: float) -> tuple[float, float]:
        return (
            round(projection.x0 + x * projection.units_per_km, 1),
            round(projection.y0 + y * projection.units_per_km, 1),
        )

    result = []
    for item, shape in zip(municipalities, shapes, strict=True):
        area = shapely.affinity.affine_transform(
            shape, [units_per_km, 0, 0, units_per_km, projection.x0, projection.y0]
        )
        centre = to_map(*plane(item["lat"], item["lon"]))
        lines = label_lines(item["name"])
        result.append(
            {
                "slug": municipality_slug(item["name"]),
                "name": item["name"],
                "ags": item["ags"],
                "path": _path(shape, to_map),
                "label": list(_label_spot(area, Point(centre), lines)),
                "label_lines": lines,
                "centre": list(centre),
            }
        )
    return {
        "note": "Generated by `manage.py district_map_build` from district-places.json; do not edit. "
        "Municipality boundaries are approximate: Voronoi cells of the places, merged per municipality.",
        "width": WIDTH,
        "height": height,
        "projection": {
            "lat0": projection.lat0,
            "lon0": projection.lon0,
            "x0": projection.x0,
            "y0": projection.y0,
            "units_per_km": projection.units_per_km,
        },
        "outline": _path(district, to_map),
        "municipalities": result,
    }


def _label_spot(area, centre, lines: list[str]) -> tuple[float, float]:
    """Where the name's first line is centred: the box of the name (and a line for a value on a shaded
    map) inside the municipality, clear of its centre; of those spots the one nearest the centre, else the
    roomiest."""
    from shapely.geometry import box

    width = max(len(line) for line in lines) * LABEL_CHAR_WIDTH * LABEL_FONT
    height = (len(lines) + 1) * LABEL_LINE_HEIGHT * LABEL_FONT
    inner = area.buffer(-LABEL_INSET)
    minx, miny, maxx, maxy = area.bounds
    best, best_score = None, None
    for x in range(int(minx), int(maxx) + 1, LABEL_GRID):
        for y in range(int(miny), int(maxy) + 1, LABEL_GRID):
            # y is the first line's baseline; the box reaches a cap height above it.
            top = y - 0.75 * LABEL_FONT
            candidate = box(x - width / 2, top, x + width / 2, top + height)
            if candidate.distance(centre) < LABEL_CLEARANCE:
                continue
            fits = candidate.within(inner)
            score = (fits, -candidate.distance(centre) if fits else inner.intersection(candidate).area)
            if best_score is None or score > best_score:
                best, best_score = (float(x), float(y)), score
    return best


def _outline(hull):
    """The hull widened until it covers the district's area, then rounded (bisection on the widening)."""
    low, high = 0.0, 20.0
    for _step in range(40):
        middle = (low + high) / 2
        if hull.buffer(middle, quad_segs=16).area < DISTRICT_AREA_KM2:
            low = middle
        else:
            high = middle
    return hull.buffer(high, quad_segs=16)


def _path(geometry, to_map) -> str:
    """SVG path data of a polygon or multipolygon (holes included), in map units."""
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            coordinates = [to_map(x, y) for x, y in ring.coords[:-1]]
            rings.append("M" + "L".join(f"{_number(x)} {_number(y)}" for x, y in coordinates) + "Z")
    return "".join(rings)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
