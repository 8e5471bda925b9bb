import pytest

from cms.models import StandardPage
from tests.factories import home_page, make_course, make_lab

pytestmark = pytest.mark.django_db


def result_titles(response) -> list[str]:
    return [page.title for page in response.context["results"].object_list]


def test_search_finds_courses_and_pages_by_word(client):
    make_course(make_lab("Regionallabor Hameln"), title="Online-Banking ohne Angst")
    home_page().add_child(instance=StandardPage(title="Über die Labore", slug="ueber"))
    response = client.get("/suche/", {"q": "Banking"})
    assert response.status_code == 200
    assert result_titles(response) == ["Online-Banking ohne Angst"]
    assert "1 Ergebnis" in response.content.decode()


def test_search_results_link_to_the_pages(client):
    course = make_course(title="Sicher im Internet")
    html = client.get("/suche/", {"q": "Internet"}).content.decode()
    assert f'href="{course.url}"' in html


def test_search_leaves_out_unpublished_pages(client):
    make_course(title="Geheimer Kurs").unpublish()
    assert result_titles(client.get("/suche/", {"q": "Geheimer"})) == []


def test_search_without_words_asks_for_them(client):
    response = client.get("/suche/", {"q": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert "results" in response.context and response.context["query"] == ""


def test_search_form_shows_without_query(client):
    response = client.get("/suche/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert not response.context["form"].is_bound


def test_search_is_paginated(client):
    lab = make_lab()
    for i in range(13):
        make_course(lab, title=f"Tablet Kurs {i:02d}")
    first = client.get("/suche/", {"q": "Tablet"})
    assert len(result_titles(first)) == 10
    second = client.get("/suche/", {"q": "Tablet", "page": 2})
    assert len(result_titles(second)) == 3


def test_search_with_too_long_query_gives_message(client):
    response = client.get("/suche/", {"q": "x" * 500})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
