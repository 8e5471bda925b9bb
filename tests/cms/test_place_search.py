"""Finding courses from a village, a postcode or an everyday word, in one search box."""

import pytest
from django.db import connection

from courses.models import SearchSynonym
from tests.factories import CourseRunFactory, make_course, make_lab

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [course.title for course in response.context["results"].object_list]


@pytest.fixture
def labs(db):
    """Three labs: Hameln in the middle, Aerzen 9 km south-west, Bad Pyrmont 15 km south-west."""
    return {
        "hameln": make_lab("Regionallabor Hameln", municipality="hameln"),
        "aerzen": make_lab("Regionallabor Aerzen", municipality="aerzen"),
        "pyrmont": make_lab("Regionallabor Bad Pyrmont", municipality="bad-pyrmont"),
    }


@pytest.fixture
def courses(labs):
    made = {
        "hameln": make_course(labs["hameln"], "Smartphone in Hameln"),
        "aerzen": make_course(labs["aerzen"], "Smartphone in Aerzen"),
        "pyrmont": make_course(labs["pyrmont"], "Online-Banking in Bad Pyrmont"),
    }
    for course in made.values():
        CourseRunFactory(course=course)
    return made


@pytest.mark.parametrize("typed", ["Aerzen", "aerzen", "31855", "Groß Berkel", "gross berkel"])
def test_a_place_in_the_search_box_sorts_by_distance(client, catalogue, courses, typed):
    response = client.get("/kurse/", {"q": typed})
    assert titles(response)[0] == "Smartphone in Aerzen"
    distances = [course.distance_km for course in response.context["results"].object_list]
    assert distances == sorted(distances)
    assert distances[0] < 7


def test_from_aerzen_pyrmont_is_nearer_than_hameln(client, catalogue, courses):
    assert titles(client.get("/kurse/", {"q": "Aerzen"})) == [
        "Smartphone in Aerzen",
        "Online-Banking in Bad Pyrmont",
        "Smartphone in Hameln",
    ]


def test_the_place_box_works_the_same(client, catalogue, courses):
    response = client.get("/kurse/", {"near": "Bad Pyrmont"})
    assert titles(response)[0] == "Online-Banking in Bad Pyrmont"
    assert "Die nächsten Angebote zuerst, gemessen von Bad Pyrmont." in response.content.decode()


def test_topic_and_place_together(client, catalogue, courses):
    assert titles(client.get("/kurse/", {"q": "Smartphone Aerzen"})) == [
        "Smartphone in Aerzen",
        "Smartphone in Hameln",
    ]


def test_an_everyday_word_finds_courses_through_the_editors_synonyms(client, catalogue, courses):
    # "Handy" ships with the synonyms Smartphone and Mobiltelefon (courses/migrations/0008).
    assert sorted(titles(client.get("/kurse/", {"q": "Handy"}))) == [
        "Smartphone in Aerzen",
        "Smartphone in Hameln",
    ]


def test_a_synonym_added_by_an_editor_counts_at_once(client, catalogue, courses):
    assert titles(client.get("/kurse/", {"q": "Geldgeschäfte"})) == []
    SearchSynonym.objects.create(term="Geldgeschäfte", synonyms="Online-Banking")
    assert titles(client.get("/kurse/", {"q": "geldgeschäfte"})) == ["Online-Banking in Bad Pyrmont"]


def test_search_reads_the_description_topic_and_competences(client, catalogue, labs):
    course = make_course(
        labs["hameln"], "Sicher unterwegs", topic="safety", body="<p>Wir üben Passwörter.</p>"
    )
    CourseRunFactory(course=course)
    assert titles(client.get("/kurse/", {"q": "Passwörter"})) == ["Sicher unterwegs"]
    assert titles(client.get("/kurse/", {"q": "Datenschutz"})) == ["Sicher unterwegs"]  # the topic's name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="German stemming needs PostgreSQL's full text")
def test_german_stemming_finds_other_word_forms(client, catalogue, labs):
    CourseRunFactory(course=make_course(labs["hameln"], "Fotos vom Smartphone auf den Computer"))
    assert titles(client.get("/kurse/", {"q": "Smartphones"})) == ["Fotos vom Smartphone auf den Computer"]
    assert titles(client.get("/kurse/", {"q": "Computers"})) == ["Fotos vom Smartphone auf den Computer"]


def test_an_unknown_place_is_named_with_suggestions_and_changes_nothing_else(client, catalogue, courses):
    response = client.get("/kurse/", {"near": "Atlantis"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Den Ort „Atlantis“ kennen wir leider nicht." in html
    # With no look-alike, the district's municipalities are offered as links to the same search near them.
    assert "?near=Aerzen" in html.replace("&amp;", "&") or "near=Aerzen" in html
    assert len(titles(response)) == 3


def test_a_misspelt_place_is_suggested(client, catalogue, courses):
    html = client.get("/kurse/", {"near": "Aerzn"}).content.decode()
    assert "Den Ort „Aerzn“ kennen wir leider nicht." in html
    assert ">Aerzen</a>" in html


def test_a_word_that_finds_nothing_but_looks_like_a_place_is_offered_as_one(client, catalogue, courses):
    response = client.get("/kurse/", {"q": "Hamlen"})
    assert titles(response) == []
    assert ">Hameln</a>" in response.content.decode()


def test_a_postcode_outside_the_district_is_an_unknown_place(client, catalogue, courses):
    response = client.get("/kurse/", {"q": "10115"})
    assert "Den Ort „10115“ kennen wir leider nicht." in response.content.decode()
    assert len(titles(response)) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"page": "-1"},
        {"page": "999999"},
        {"page": "abc"},
        {"q": "x" * 5000},
        {"near": "y" * 5000},
        {"q": "<script>alert(1)</script>"},
        {"q": "'; DROP TABLE wagtailcore_page; --"},
        {"q": "%%% ___ \\\\ ( ) & | ! : *"},
        {"q": "😀 Smartphone"},
        {"q": "\x00"},
        {"near": "<b>"},
        {"level": "-5", "format": "x" * 300, "competence": "9.9", "audience": "aliens", "topic": "?"},
    ],
)
def test_odd_input_gives_a_normal_page(client, catalogue, courses, params):
    response = client.get("/kurse/", params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_overlong_search_text_is_refused_with_a_message(client, catalogue, courses):
    response = client.get("/kurse/", {"q": "Smartphone " * 50})
    assert response.status_code == 200
    assert "q" in response.context["form"].errors
    assert len(titles(response)) == 3  # the refused text narrows nothing
