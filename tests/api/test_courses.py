import pytest

from courses.models import Competence
from tests.api.conftest import field_errors
from tests.factories import CourseRunFactory, make_course, make_lab

pytestmark = pytest.mark.django_db


def _titles(response):
    assert response.status_code == 200, response.content
    return sorted(course["title"] for course in response.json()["results"])


def test_course_list_fields_and_lab(api):
    lab = make_lab("Regionallabor Hameln")
    course = make_course(lab, "Smartphone Grundlagen", level=2)
    course.competences.set([Competence.objects.get(code="2.1")])
    course.save()
    CourseRunFactory(course=course)

    body = api.get("/api/v1/courses/").json()

    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == course.pk
    assert item["slug"] == "smartphone-grundlagen"
    assert item["lab"] == "regionallabor-hameln"
    assert item["lab_title"] == "Regionallabor Hameln"
    assert item["municipality"] == "hameln"
    assert item["competences"] == ["2.1"]
    assert item["level"] == 2
    assert item["upcoming_runs"] == 1
    assert item["next_start"].endswith(("+01:00", "+02:00"))
    assert item["url"].startswith("http") and item["url"].endswith("/smartphone-grundlagen/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("audience=businesses", ["KI im Betrieb"]),
        ("topic=safety", ["Sicher online"]),
        ("level=3", ["KI im Betrieb"]),
        ("format=online", ["Sicher online"]),
        ("competence=4.1", ["Sicher online"]),
        ("q=betrieb", ["KI im Betrieb"]),
        ("lab=regionallabor-aerzen", ["KI im Betrieb"]),
        ("municipality=hameln", ["Sicher online"]),
    ],
)
def test_course_list_filters(api, query, expected):
    hameln = make_lab("Regionallabor Hameln")
    aerzen = make_lab("Regionallabor Aerzen", municipality="aerzen")
    safe = make_course(hameln, "Sicher online", topic="safety", format="online")
    safe.competences.set([Competence.objects.get(code="4.1")])
    safe.save()
    make_course(aerzen, "KI im Betrieb", audience="businesses", topic="ai", level=3)

    assert _titles(api.get(f"/api/v1/courses/?{query}")) == expected


@pytest.mark.parametrize("query", ["audience=aliens", "level=9", "format=telepathie"])
def test_course_list_rejects_unknown_filter_values_and_names_the_parameter(api, query):
    make_course()
    name, value = query.split("=")

    response = api.get(f"/api/v1/courses/?{query}")

    assert response.status_code == 400
    assert list(field_errors(response)) == [name]
    assert value in field_errors(response)[name][0]


def test_course_detail_by_slug(api):
    course = make_course(title="Online-Banking", prerequisites="Ein eigenes Konto")

    response = api.get("/api/v1/courses/online-banking/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == course.pk
    assert body["prerequisites"] == "Ein eigenes Konto"
    assert body["attendance_rule_percent"] == 80


def test_unpublished_course_is_hidden(api):
    course = make_course(title="Entwurf")
    course.unpublish()

    assert api.get("/api/v1/courses/").json()["count"] == 0
    assert api.get("/api/v1/courses/entwurf/").status_code == 404


def test_page_size_is_capped_at_100(api):
    lab = make_lab()
    for i in range(3):
        make_course(lab, f"Kurs {i}")

    body = api.get("/api/v1/courses/?page_size=2").json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert api.get("/api/v1/courses/?page_size=100").status_code == 200
    assert api.get("/api/v1/courses/?page_size=1000").status_code == 400
