"""axe-core on the public reading pages, in headless Chromium at phone width."""

import os

import pytest

from tests.factories import CourseRunFactory, EnrolmentFactory, make_course, make_lab

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def site(catalogue):
    lab = make_lab(
        "Regionallabor Hameln",
        intro="Mitten in der Altstadt.",
        opening_hours="Dienstag 10:00 bis 18:00 Uhr",
        accessibility="Stufenloser Eingang.",
        contact_email="hameln@example.org",
    )
    course = make_course(lab, title="Smartphone für Einsteiger", body="<p>In Ruhe erklärt.</p>")
    CourseRunFactory(course=course, capacity=8, sessions=3)
    full = CourseRunFactory(course=course, capacity=1)
    EnrolmentFactory(run=full)
    return {"home": "/", "catalogue": "/kurse/", "lab": lab.url, "course": course.url}


@pytest.fixture
def browser(site):
    """A browser per test, started after the test database is set up: Playwright's event loop in this
    thread would otherwise hide the serialized rows that transactional tests restore."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def serious_violations(browser, url: str, width: int) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # The live server's middleware was set up with the production default of redirecting to HTTPS;
    # the proxy header tells it the request arrived over HTTPS.
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        locale="de-DE",
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    page = context.new_page()
    try:
        page.goto(url)
        result = Axe().run(page)
    finally:
        context.close()
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("name", ["home", "catalogue", "lab", "course"])
def test_page_has_no_serious_accessibility_violations(browser, live_server, site, name):
    for width in (375, 1280):
        assert serious_violations(browser, live_server.url + site[name], width) == []
