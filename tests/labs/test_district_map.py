import json
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from labs.map import MAP_DATA, MARKER_GAP, district_geometry, district_map, shade_classes
from labs.models import Municipality
from labs.places import DATA as PLACES_DATA
from labs.selectors import labs_published
from tests.factories import lab_index_page, make_lab

pytestmark = pytest.mark.django_db

HAMELN = (52.10306, 9.3668)


def polygons(path: str) -> list[list[tuple[float, float]]]:
    """The rings of an SVG path made of M, L and Z commands, as the generator writes them."""
    rings = []
    for ring in re.findall(r"M([^MZ]+)Z", path):
        rings.append([tuple(map(float, pair.split())) for pair in ring.split("L")])
    return rings


def inside(point: tuple[float, float], path: str) -> bool:
    """Even-odd ray casting over every ring of the path."""
    x, y = point
    crossings = 0
    for ring in polygons(path):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


def lab_in(title: str, municipality: str, town: str, **fields):
    """A published lab in another municipality than the factory's Hameln."""
    lab = make_lab(title, municipality=municipality, **fields)
    lab.town = town
    lab.save()
    return lab


def svg_of(html: str) -> str:
    return html[html.index("<svg") : html.index("</svg>")]


def render(template: str, **context) -> str:
    return Template("{% load district_map %}" + template).render(Context(context))


# --- Geometry -----------------------------------------------------------------------------------------------


def test_geometry_has_the_eight_municipalities_of_the_district_by_their_slugs():
    shapes = district_geometry().municipalities
    assert len(shapes) == 8
    assert {shape.slug for shape in shapes} == set(Municipality.objects.values_list("slug", flat=True))
    assert all(shape.name and shape.path.startswith("M") for shape in shapes)


def test_projection_puts_hamelns_centre_inside_the_hameln_area():
    geometry = district_geometry()
    hameln = geometry.municipality("hameln")
    point = geometry.projection.point(*HAMELN)
    assert point == pytest.approx(hameln.centre, abs=0.2)
    assert inside(point, hameln.path)
    assert not any(inside(point, shape.path) for shape in geometry.municipalities if shape.slug != "hameln")


def test_every_place_with_coordinates_lies_in_its_own_municipality():
    geometry = district_geometry()
    for item in json.loads(PLACES_DATA.read_text(encoding="utf-8"))["municipalities"]:
        shape = next(shape for shape in geometry.municipalities if shape.ags == item["ags"])
        for place in [item, *[p for p in item["places"] if p["lat"] is not None]]:
            point = geometry.projection.point(place["lat"], place["lon"])
            assert inside(point, shape.path), (item["name"], place["name"])


def test_the_map_lies_within_its_view_box():
    geometry = district_geometry()
    for x, y in (pair for ring in polygons(geometry.outline) for pair in ring):
        assert 0 <= x <= geometry.width and 0 <= y <= geometry.height


def test_names_stand_inside_their_area_and_clear_of_its_centre():
    for shape in district_geometry().municipalities:
        assert inside(shape.label, shape.path), shape.name
        assert shape.label != shape.centre


def test_committed_geometry_is_what_the_generator_makes():
    pytest.importorskip("shapely")
    from labs.management.commands.district_map_build import build

    places = json.loads(PLACES_DATA.read_text(encoding="utf-8"))["municipalities"]
    assert build(places) == json.loads(MAP_DATA.read_text(encoding="utf-8"))


# --- Labs on the map ----------------------------------------------------------------------------------------


def test_lab_index_shows_the_municipalities_with_their_names(client):
    make_lab("Regionallabor Hameln")
    svg = svg_of(client.get(lab_index_page().url).content.decode())
    areas = re.findall(r'<g class="district-map__area"[^>]*>\s*<title>([^<]+)</title>\s*<path d="M', svg)
    assert sorted(areas) == sorted(Municipality.objects.values_list("name", flat=True))
    assert "<title" in svg and "<desc" in svg and "angenähert" in svg


def test_each_live_lab_is_one_link_to_its_page_and_drafts_are_left_out(client):
    hameln = make_lab("Regionallabor Hameln")
    aerzen = lab_in("Regionallabor Aerzen", "aerzen", "Aerzen")
    lab_in("Geplantes Labor", "emmerthal", "Emmerthal", live=False)
    html = client.get("/").content.decode()
    svg = svg_of(html)
    links = re.findall(r'<a class="district-map__marker" href="([^"]+)" aria-label="([^"]+)"', svg)
    assert links == [
        (aerzen.url, "1 Regionallabor Aerzen, Aerzen"),
        (hameln.url, "2 Regionallabor Hameln, Hameln"),
    ]
    assert "Geplantes Labor" not in html


def test_labs_are_also_listed_in_the_map_legend_with_their_numbers(client):
    lab = lab_in("Labor am Markt", "aerzen", "Aerzen")
    html = client.get(lab_index_page().url).content.decode()
    legend = html[html.index('<ol class="district-map__labs">') :]
    assert f'<a href="{lab.url}">Labor am Markt</a> <span class="district-map__town">Aerzen</span>' in legend


def test_a_lab_with_coordinates_stands_there_else_at_its_municipalitys_centre():
    placed = make_lab("Labor Tündern", latitude=52.06472, longitude=9.37639)
    unplaced = lab_in("Labor Coppenbrügge", "coppenbruegge", "Coppenbrügge")
    geometry = district_geometry()
    markers = {marker.title: marker for marker in district_map(labs=[placed, unplaced]).markers}
    assert (markers["Labor Tündern"].x, markers["Labor Tündern"].y) == geometry.projection.point(
        52.06472, 9.37639
    )
    coppenbruegge = geometry.municipality("coppenbruegge")
    assert (markers["Labor Coppenbrügge"].x, markers["Labor Coppenbrügge"].y) == coppenbruegge.centre


def test_labs_at_the_same_place_get_markers_apart():
    labs = [make_lab(f"Labor {n}") for n in range(4)]
    markers = district_map(labs=labs).markers
    for index, one in enumerate(markers):
        for other in markers[index + 1 :]:
            assert ((one.x - other.x) ** 2 + (one.y - other.y) ** 2) ** 0.5 >= MARKER_GAP - 0.2


def test_map_has_no_inline_styles_or_scripts(client):
    make_lab("Regionallabor Hameln")
    html = client.get(lab_index_page().url).content.decode()
    figure = html[html.index('<figure class="district-map') : html.index("</figure>")]
    assert "style=" not in figure and "<script" not in figure


def test_coordinates_are_written_with_a_point_in_german_too(client):
    make_lab("Regionallabor Hameln", latitude=52.10306, longitude=9.3668)
    svg = svg_of(client.get(lab_index_page().url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert re.search(r'cx="\d+\.\d"', svg) and not re.search(r'c[xy]="\d+,\d', svg)


# --- Query count --------------------------------------------------------------------------------------------


def test_map_selects_its_labs_in_a_fixed_number_of_queries(django_assert_num_queries):
    make_lab("Regionallabor Hameln")
    render("{% district_map %}")  # Wagtail caches the site's root paths that page addresses start from
    with CaptureQueriesContext(connection) as one_lab:
        render("{% district_map %}")
    assert len(one_lab) == 2  # Wagtail's view restrictions (labs_published is public only) and the labs
    for n in range(9):
        lab_in(f"Labor {n}", "aerzen", "Aerzen")
    with django_assert_num_queries(len(one_lab)):
        html = render("{% district_map %}")
    assert html.count('class="district-map__marker"') == 10


def test_map_of_labs_the_page_selected_runs_no_query(django_assert_num_queries):
    for n in range(5):
        make_lab(f"Labor {n}")
    labs = list(labs_published())
    render("{% district_map labs=labs %}", labs=labs)  # Wagtail caches the site's root paths
    with django_assert_num_queries(0):
        render("{% district_map labs=labs %}", labs=labs)


def test_lab_index_query_count_does_not_grow_with_labs(client):
    make_lab("Regionallabor Hameln")
    url = lab_index_page().url
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        lab_in(f"Labor {n}", "salzhemmendorf", "Salzhemmendorf")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count('class="district-map__marker"') == 13
    assert len(many) == len(few)


# --- Shading ------------------------------------------------------------------------------------------------


def test_shading_fills_municipalities_by_value_with_a_legend():
    shading = {"hameln": 120, "aerzen": 40, "bad-pyrmont": 80, "emmerthal": 12, "coppenbruegge": 3}
    html = render(
        "{% district_map markers=False shading=shading shading_title='Teilnehmende 2026' %}", shading=shading
    )
    fills = {slug: shade for shade, slug in re.findall(r'--shade-(\w+)" data-municipality="([\w-]+)"', html)}
    assert len({fills[slug] for slug in shading}) == 5
    assert fills["coppenbruegge"] == "1" and fills["hameln"] == "5"
    assert fills["salzhemmendorf"] == "none"
    assert '<p class="district-map__legend-title" id="district-map-legend">Teilnehmende 2026</p>' in html
    legend = re.findall(r'district-map__swatch--shade-(\w+)"></span>([^<]+)</li>', html)
    assert legend == [
        ("1", "3"),
        ("2", "12"),
        ("3", "40"),
        ("4", "80"),
        ("5", "120"),
        ("none", "keine Angabe"),
    ]
    assert "<title>Hameln: 120</title>" in html
    assert '<tspan class="district-map__value" x="' in html and ">120</tspan>" in html
    assert "district-map__marker" not in html


def test_values_that_are_not_numbers_are_shown_as_given():
    html = render("{% district_map markers=False shading=shading %}", shading={"hameln": 30, "aerzen": "< 5"})
    assert "<title>Aerzen: &lt; 5</title>" in html
    assert "district-map__area--shade-text" in html
    assert re.search(r'--shade-text"></span>&lt; 5</li>', html)


def test_shade_classes_span_values_that_occur():
    assert shade_classes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]
    assert shade_classes([7, 7, 3]) == [[3], [7]]
    assert shade_classes([]) == []


def test_two_maps_on_one_page_have_their_own_ids():
    html = render("{% district_map markers=False %}{% district_map markers=False %}")
    assert 'id="district-map-title"' in html and 'id="district-map-2-title"' in html
