"""Two optional figures for the labs' anonymous reports (age band, place of residence): asked on the
confirmation page, never in the enrolment form; given, changed and removed only by the person; accepted
optionally in the API's enrol body."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.exceptions import NotFound
from courses.models import Enrolment
from courses.selectors import MUNICIPALITY_OUTSIDE
from courses.services import enrolment_create, enrolment_statistics_set
from labs.models import Municipality
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(clock, lab):
    return CourseRunFactory(capacity=5)


@pytest.fixture
def person():
    return UserFactory()


@pytest.fixture
def enrolment(run, person):
    return enrolment_create(run=run, user=person)


def a_municipality() -> str:
    return Municipality.objects.order_by("name").first().slug


def test_the_person_gives_both_figures(enrolment, person):
    enrolment_statistics_set(enrolment=enrolment, by=person, age_band="65-74", municipality=a_municipality())
    enrolment.refresh_from_db()
    assert (enrolment.age_band, enrolment.municipality) == ("65-74", a_municipality())


def test_outside_the_district_is_a_valid_answer(enrolment, person):
    enrolment_statistics_set(enrolment=enrolment, by=person, age_band="", municipality=MUNICIPALITY_OUTSIDE)
    enrolment.refresh_from_db()
    assert enrolment.municipality == MUNICIPALITY_OUTSIDE


def test_the_person_removes_what_they_gave(enrolment, person):
    enrolment_statistics_set(enrolment=enrolment, by=person, age_band="18-29", municipality=a_municipality())
    enrolment_statistics_set(enrolment=enrolment, by=person, age_band="", municipality="")
    enrolment.refresh_from_db()
    assert (enrolment.age_band, enrolment.municipality) == ("", "")


def test_someone_else_cannot_set_them(enrolment):
    with pytest.raises(NotFound):
        enrolment_statistics_set(enrolment=enrolment, by=UserFactory(), age_band="18-29", municipality="")
    enrolment.refresh_from_db()
    assert enrolment.age_band == ""


@pytest.mark.parametrize(("age_band", "municipality"), [("99+", ""), ("", "Atlantis")])
def test_a_value_not_offered_is_refused_and_nothing_changes(enrolment, person, age_band, municipality):
    with pytest.raises(ValidationError):
        enrolment_statistics_set(enrolment=enrolment, by=person, age_band=age_band, municipality=municipality)
    enrolment.refresh_from_db()
    assert (enrolment.age_band, enrolment.municipality) == ("", "")


def test_the_confirmation_page_asks_for_them_with_the_reason(client, run, enrolment, person):
    client.force_login(person)
    html = client.get(reverse("courses:enrol", args=[run.pk])).content.decode()
    assert "Zwei freiwillige Angaben" in html
    assert "öffentlich gefördert" in html
    assert reverse("courses:enrolment_statistics", args=[enrolment.pk]) in html


def test_the_enrolment_form_itself_has_no_statistics_fields(client, run):
    html = client.get(reverse("courses:enrol", args=[run.pk])).content.decode()
    assert 'name="age_band"' not in html
    assert 'name="municipality"' not in html


def test_the_form_saves_and_leads_to_my_courses(client, enrolment, person):
    client.force_login(person)
    response = client.post(
        reverse("courses:enrolment_statistics", args=[enrolment.pk]),
        {"age_band": "50-64", "municipality": a_municipality()},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:my_courses")
    enrolment.refresh_from_db()
    assert enrolment.age_band == "50-64"


def test_the_form_shows_a_bad_choice_beside_the_field(client, enrolment, person):
    client.force_login(person)
    response = client.post(
        reverse("courses:enrolment_statistics", args=[enrolment.pk]), {"age_band": "99+", "municipality": ""}
    )
    assert response.status_code == 200
    assert "„99+“ gehört nicht dazu." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.age_band == ""


def test_my_courses_links_to_changing_them(client, enrolment, person):
    client.force_login(person)
    html = client.get(reverse("courses:my_courses")).content.decode()
    assert reverse("courses:enrolment_statistics", args=[enrolment.pk]) in html


def test_another_persons_form_is_not_found(client, enrolment):
    client.force_login(UserFactory())
    url = reverse("courses:enrolment_statistics", args=[enrolment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"age_band": "18-29"}).status_code == 404


def test_the_api_enrols_with_the_figures(client, run, person):
    client.force_login(person)
    response = client.post(
        f"/api/v1/runs/{run.pk}/enrol/",
        {"age_band": "30-49", "municipality": MUNICIPALITY_OUTSIDE},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    enrolment = Enrolment.objects.get(run=run, user=person)
    assert (enrolment.age_band, enrolment.municipality) == ("30-49", MUNICIPALITY_OUTSIDE)


def test_the_api_enrols_without_a_body(client, run, person):
    client.force_login(person)
    response = client.post(f"/api/v1/runs/{run.pk}/enrol/", content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_api_refuses_a_bad_figure_before_enrolling(client, run, person):
    client.force_login(person)
    response = client.post(
        f"/api/v1/runs/{run.pk}/enrol/", {"age_band": "99+"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "age_band"
    assert not Enrolment.objects.filter(run=run).exists()
