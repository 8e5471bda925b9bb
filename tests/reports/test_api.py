import pytest
from rest_framework.test import APIClient

from reports.disclosure import SMALL

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
YEAR = {"start": "2026-01-01", "end": "2026-12-31"}


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_manager_gets_the_figures_of_their_lab(district):
    response = _client(district.manager).get(URL, {"lab": district.lab.slug, **YEAR})

    assert response.status_code == 200
    data = response.json()
    assert data["lab"] == district.lab.slug
    assert data["totals"]["enrolments"] == 10
    assert data["totals"]["people"] == 8
    assert data["totals"]["completion_rate"] == 0.875
    assert data["totals"]["attendance_rate"] == 0.75
    assert data["totals"]["certificates"] == 6


def test_small_counts_are_the_string_less_than_five(district):
    data = _client(district.manager).get(URL, {"lab": district.lab.slug, **YEAR}).json()

    assert data["totals"]["waitlist_unmet"] == SMALL
    municipality = next(item for item in data["breakdowns"] if item["name"] == "municipality")
    rows = {row["key"]: row["figures"] for row in municipality["rows"]}
    assert rows["bad-pyrmont"]["enrolments"] == SMALL
    assert rows["hameln"]["enrolments"] == 8
    may = next(month for month in data["months"] if month["month"] == "2026-05-01")
    assert may["seats_taken"] == SMALL
    assert may["fill_rate"] is None
    assert may["fill_rate_note"]


def test_without_a_lab_a_manager_gets_all_their_labs_only(district):
    data = _client(district.manager).get(URL, YEAR).json()

    assert data["lab"] is None
    labs = next(item for item in data["breakdowns"] if item["name"] == "lab")
    assert [row["label"] for row in labs["rows"]] == [district.lab.title]


def test_an_admin_gets_the_district(district):
    data = _client(district.admin).get(URL, YEAR).json()

    assert data["totals"]["enrolments"] == 15


def test_a_manager_asking_for_another_lab_is_forbidden(district):
    response = _client(district.manager).get(URL, {"lab": district.other_lab.slug, **YEAR})

    assert response.status_code == 403
    assert set(response.json()) == {"code", "detail", "errors"}


@pytest.mark.parametrize("who", ["trainer", "participant"])
def test_trainers_and_participants_are_forbidden(district, who):
    assert _client(getattr(district, who)).get(URL, YEAR).status_code == 403


def test_anonymous_is_asked_to_sign_in(district):
    assert _client().get(URL, YEAR).status_code == 401


@pytest.mark.parametrize(
    ("params", "attr", "words"),
    [
        ({"start": "2026-12-31", "end": "2026-01-01"}, "end", "vor seinem Anfang"),
        ({"start": "2010-01-01", "end": "2026-01-01"}, "end", "höchstens 10 Jahre"),
        ({"start": "31/12/2026", "end": "2027-01-01"}, "start", "Datum"),
        ({"start": "2026-01-01"}, "end", "bis zu welchem Tag"),
        ({"lab": "gibt-es-nicht", **YEAR}, "lab", "gibt es nicht"),
        ({"start": "2026-01-01", "end": "9999-12-31"}, "end", "zwischen den Jahren 2000 und 2099"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(district, params, attr, words):
    response = _client(district.manager).get(URL, params)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["attr"] for error in errors] == [attr]
    assert words in errors[0]["detail"]


def test_without_dates_the_current_calendar_year(district):
    data = _client(district.manager).get(URL).json()

    assert (data["start"], data["end"]) == ("2026-01-01", "2026-12-31")
