import os

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def browser(_django_db_helper):
    """Debian's headless Chromium driven by Playwright; the browser never reaches outside hosts.

    Started per test, after the test database is set up: while Playwright's event loop runs, Django hands
    out other connection objects, and the restore of migration data (serialized rollback) would miss them.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make sysdeps).")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
        # The test's own queries ran on connections bound to Playwright's event loop; close them here,
        # where they are still reachable, so the test database can be dropped at the end.
        connections.close_all()


def _page(browser, live_server, width: int, height: int):
    """A German page of its own browser context, against the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        locale="de-DE",
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


@pytest.fixture
def phone(browser, live_server):
    """A small phone's screen."""
    page = _page(browser, live_server, 375, 740)
    yield page
    page.context.close()


@pytest.fixture
def desktop(browser, live_server):
    page = _page(browser, live_server, 1280, 900)
    yield page
    page.context.close()
