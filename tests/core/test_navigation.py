"""The main menu leads to the sections in the visitor's language and marks the one in view."""

import pytest

from cms.models import CatalogPage
from core.templatetags.navigation import is_within
from tests.factories import home_page


@pytest.fixture
def catalogue(db):
    return home_page().add_child(instance=CatalogPage(title="Kurse", slug="kurse"))


def test_address_is_within_its_section_and_below():
    assert is_within("/kurse/", "/kurse/")
    assert is_within("/labore/hameln/smartphone/", "/labore/")


def test_address_of_another_language_or_section_is_not_within():
    assert not is_within("/en/kurse/", "/kurse/")
    assert not is_within("/meine-kurse/", "/kurse/")
    assert not is_within("/kurse/", "")


def test_menu_links_to_german_sections_on_german_pages(client, catalogue):
    html = client.get("/kurse/").content.decode()

    assert '<a class="site-name" href="/">' in html
    assert '<a href="/kurse/" aria-current="page">' in html
    assert '<a href="/innovationsworkshops/">' in html
    assert '<a href="/labore/">' in html


def test_menu_links_to_english_sections_on_english_pages(client, catalogue):
    html = client.get("/en/kurse/").content.decode()

    assert '<a class="site-name" href="/en/">' in html
    assert '<a href="/en/kurse/" aria-current="page">' in html
    assert '<a href="/en/innovationsworkshops/">' in html
    assert '<a href="/en/labore/">' in html
