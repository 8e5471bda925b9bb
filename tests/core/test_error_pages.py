"""The site's own 404 and 500 pages, as visitors see them in production (DEBUG off)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Page

import config.urls
from cms.models import CatalogPage
from tests.factories import home_page

NOT_FOUND_HEADING = "Diese Seite gibt es nicht"
ERROR_HEADING = "Etwas ist schiefgegangen"


def broken_view(request):
    raise RuntimeError("a bug in a view")


def database_view(request):
    return HttpResponse(str(Page.objects.count()))


# The project's URLs plus two views that fail, so that the 500 page comes through the real handler500.
urlpatterns = [path("kaputt/", broken_view), path("datenbank/", database_view), *config.urls.urlpatterns]
handler500 = config.urls.handler500


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


@pytest.fixture
def site(db):
    """Home and the course catalogue, enough for the menu, the footer and Wagtail's page lookup."""
    return home_page().add_child(instance=CatalogPage(title="Kurse", slug="kurse"))


@pytest.fixture
def broken_site(production, settings):
    settings.ROOT_URLCONF = __name__


def in_english(text: str) -> str:
    with translation.override("en"):
        return gettext(text)


def test_unknown_address_shows_the_german_not_found_page(client, production, site):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert f"<h1>{NOT_FOUND_HEADING}</h1>" in html
    assert "<title>Seite nicht gefunden – Regionallabore</title>" in html
    assert 'action="/suche/" method="get"' in html
    assert 'name="q"' in html
    assert 'href="/kurse/"' in html
    assert 'href="/"' in html
    # The normal layout: the menu and the footer are there.
    assert 'class="site-nav"' in html
    assert 'class="site-footer"' in html


def test_unknown_page_below_a_catalogue_shows_the_not_found_page(client, production, site):
    response = client.get("/kurse/gibt-es-nicht/")

    assert response.status_code == 404
    assert f"<h1>{NOT_FOUND_HEADING}</h1>" in response.content.decode()


def test_english_visitor_gets_the_not_found_page_in_english(client, production, site):
    client.cookies["django_language"] = "en"

    response = client.get("/en/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert f"<h1>{in_english(NOT_FOUND_HEADING)}</h1>" in html
    assert 'action="/en/suche/"' in html
    assert 'href="/en/kurse/"' in html


def test_failing_view_shows_the_error_page(production, broken_site, site):
    client = Client(raise_request_exception=False)

    response = client.get("/kaputt/")

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert f"<h1>{ERROR_HEADING}</h1>" in html
    assert 'action="/suche/" method="get"' in html
    assert 'href="/kurse/"' in html
    assert "/static/css/site.css" in html
    assert "a bug in a view" not in html


def test_error_page_is_in_english_for_an_english_visitor(production, broken_site, site):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"

    response = client.get("/kaputt/")

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert f"<h1>{in_english(ERROR_HEADING)}</h1>" in html


def test_error_page_renders_while_the_database_is_down(production, broken_site, site):
    client = Client(raise_request_exception=False)

    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", database_down),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", database_down),
    ):
        response = client.get("/datenbank/")

    assert response.status_code == 500
    assert f"<h1>{ERROR_HEADING}</h1>" in response.content.decode()


def test_error_page_itself_reads_nothing_from_the_database(rf, production):
    """Without the db fixture pytest-django refuses every query, so a query here would fail the test."""
    from core.views import server_error

    response = server_error(rf.get("/kaputt/"))

    assert response.status_code == 500
    assert f"<h1>{ERROR_HEADING}</h1>" in response.content.decode()


def test_error_page_falls_back_to_a_bare_page_when_it_cannot_render(rf, production):
    from core.views import server_error

    with mock.patch("core.views.loader.get_template", side_effect=ValueError("Missing staticfiles manifest")):
        response = server_error(rf.get("/kaputt/"))

    assert response.status_code == 500
    assert f"<h1>{ERROR_HEADING}</h1>" in response.content.decode()
