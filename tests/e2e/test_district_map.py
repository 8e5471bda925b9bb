"""The district map in a real browser: axe at phone and desktop width, touch targets, reflow and keyboard."""

import pytest

from cms.services import site_structure_ensure
from tests.factories import make_lab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LABS = [
    ("Regionallabor Hameln", "hameln", "Hameln"),
    ("Regionallabor Aerzen", "aerzen", "Aerzen"),
    ("Regionallabor Bad Pyrmont", "bad-pyrmont", "Bad Pyrmont"),
    ("Regionallabor Emmerthal", "emmerthal", "Emmerthal"),
    ("Regionallabor Hessisch Oldendorf", "hessisch-oldendorf", "Hessisch Oldendorf"),
    ("Regionallabor Salzhemmendorf", "salzhemmendorf", "Salzhemmendorf"),
]


@pytest.fixture
def labs():
    site_structure_ensure()
    labs = []
    for title, municipality, town in LABS:
        lab = make_lab(title, municipality=municipality)
        lab.town = town
        lab.save()
        labs.append(lab)
    return labs


def open_page(browser, base_url: str, path: str, width: int, height: int = 800):
    viewport = {"width": width, "height": height}
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(20000)
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    return page


@pytest.mark.parametrize("path", ["/", "/labore/"])
@pytest.mark.parametrize("width", [375, 1280])
def test_map_has_no_serious_accessibility_violations(browser, live_server, labs, path, width):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, live_server.url, path, width)
    assert page.locator(".district-map__marker").count() == len(labs)
    results = Axe().run(page, context=".district-map").response
    serious = [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
    page.context.close()


def test_map_fits_a_320_px_screen_and_markers_stay_44_px_wide(browser, live_server, labs):
    page = open_page(browser, live_server.url, "/labore/", 320, 640)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    svg = page.locator(".district-map__svg").bounding_box()
    assert svg["x"] >= 0 and svg["x"] + svg["width"] <= 320
    for index in range(len(labs)):
        target = page.locator(".district-map__hit").nth(index).bounding_box()
        assert target["width"] >= 44 and target["height"] >= 44
    page.context.close()


def test_tapping_a_marker_opens_the_labs_page(browser, live_server, labs):
    page = open_page(browser, live_server.url, "/labore/", 375, 667)
    page.get_by_role("link", name="Regionallabor Aerzen, Aerzen").click()
    page.wait_for_url(f"**{labs[1].url}")
    assert page.locator("h1").inner_text() == "Regionallabor Aerzen"
    page.context.close()


def test_markers_show_focus_when_reached_by_keyboard(browser, live_server, labs):
    page = open_page(browser, live_server.url, "/labore/", 1280)
    marker = page.locator(".district-map__marker").first
    marker.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = marker.locator(".district-map__ring")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "1 Regionallabor Aerzen, Aerzen"
    assert ring.evaluate("ring => getComputedStyle(ring).fill") == "rgb(255, 191, 71)"
    page.context.close()
