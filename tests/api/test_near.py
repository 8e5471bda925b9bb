"""`near` on the course and run lists: sorted by distance, with `distance_km`; an unknown place is a 400."""

import pytest

from tests.api.conftest import field_errors
from tests.factories import CourseRunFactory, make_course, make_lab

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers(db):
    hameln = make_lab("Regionallabor Hameln", municipality="hameln")
    aerzen = make_lab("Regionallabor Aerzen", municipality="aerzen")
    pyrmont = make_lab("Regionallabor Bad Pyrmont", municipality="bad-pyrmont")
    for lab, title in ((hameln, "In Hameln"), (aerzen, "In Aerzen"), (pyrmont, "In Bad Pyrmont")):
        CourseRunFactory(course=make_course(lab, title))


@pytest.mark.parametrize("near", ["Aerzen", "aerzen", "AERZEN", "31855", "Groß Berkel", "Gross Berkel"])
def test_courses_near_a_place_come_nearest_first_with_their_distance(api, offers, near):
    response = api.get("/api/v1/courses/", {"near": near})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["title"] == "In Aerzen"
    distances = [course["distance_km"] for course in results]
    assert distances == sorted(distances)
    assert all(isinstance(distance, float) for distance in distances)


def test_runs_near_a_place_come_nearest_first_with_their_distance(api, offers):
    results = api.get("/api/v1/runs/", {"near": "Bad Pyrmont"}).json()["results"]
    assert [run["course_title"] for run in results] == ["In Bad Pyrmont", "In Aerzen", "In Hameln"]
    assert results[0]["distance_km"] < 1
    assert 13 < results[2]["distance_km"] < 17


def test_without_near_the_distance_is_null(api, offers):
    assert {course["distance_km"] for course in api.get("/api/v1/courses/").json()["results"]} == {None}
    assert {run["distance_km"] for run in api.get("/api/v1/runs/").json()["results"]} == {None}


@pytest.mark.parametrize("path", ["/api/v1/courses/", "/api/v1/runs/"])
def test_an_unknown_place_is_a_400_that_says_so(api, offers, path):
    response = api.get(path, {"near": "Aerzn"}, headers={"accept-language": "de"})
    assert response.status_code == 400
    message = str(field_errors(response)["near"])
    assert "Den Ort „Aerzn“ kennen wir nicht." in message
    assert "Aerzen" in message  # the suggestion


def test_an_unknown_place_is_explained_in_english(api, offers):
    response = api.get("/api/v1/courses/", {"near": "Atlantis"}, headers={"accept-language": "en"})
    assert response.status_code == 400


def test_near_combines_with_other_filters(api, offers):
    results = api.get("/api/v1/courses/", {"near": "Hameln", "q": "Aerzen"}).json()["results"]
    assert [course["title"] for course in results] == ["In Aerzen"]


@pytest.mark.parametrize("near", ["x" * 500, "<script>", "%00", "😀"])
def test_odd_places_are_a_400_never_a_500(api, offers, near):
    assert api.get("/api/v1/courses/", {"near": near}).status_code == 400
