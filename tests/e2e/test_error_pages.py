"""axe-core on the site's own 404 and 500 pages at 320, 375 and 1280 px, none of them wider than the window.

The 404 page comes from the live server (DEBUG is off in tests). The 500 page is rendered by its handler in
the test and shown in place of a page of the live server, so that its stylesheet loads as it would.
"""

import pytest
from django.test import RequestFactory

from cms.services import site_structure_ensure
from core.views import server_error

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _error_page_html(language: str) -> str:
    request = RequestFactory().get("/kaputt/", HTTP_ACCEPT_LANGUAGE=language)
    return server_error(request).content.decode()


def test_error_pages_have_no_serious_accessibility_violations(browser, live_server):
    from axe_playwright_python.sync_playwright import Axe

    site_structure_ensure()
    pages = {
        "404": ("/gibt-es-nicht/", None),
        "404 English": ("/en/gibt-es-nicht/", None),
        "500": ("/gibt-es-nicht/", _error_page_html("de")),
        "500 English": ("/en/gibt-es-nicht/", _error_page_html("en")),
    }
    found = []
    for width in (320, 375, 1280):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
        page = context.new_page()
        for name, (path, html) in pages.items():
            response = page.goto(path)
            assert response.status == 404, f"{name}: {response.status}"
            if html:
                page.set_content(html, wait_until="load")
                assert page.locator("link[rel=stylesheet]").evaluate("link => link.sheet !== null")
            for violation in Axe().run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]]
                    found.append(f"{name} at {width}px: {violation['id']} ({violation['impact']}) {targets}")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        context.close()

    assert found == []
