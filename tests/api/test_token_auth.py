import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_token_round_trip(api):
    person = UserFactory(email="erika@example.org")
    run = CourseRunFactory()

    response = api.post("/api/v1/auth/token/", {"email": "Erika@example.org", "password": "geheim-1234"})

    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.post(f"/api/v1/runs/{run.pk}/enrol/").status_code == 201
    assert client.get("/api/v1/me/enrolments/").json()["results"][0]["run"] == run.pk
    assert person.enrolments.count() == 1


def test_the_same_token_comes_back_each_time(api):
    UserFactory(email="erika@example.org")
    data = {"email": "erika@example.org", "password": "geheim-1234"}

    assert api.post("/api/v1/auth/token/", data).json() == api.post("/api/v1/auth/token/", data).json()


@pytest.mark.parametrize(
    "data",
    [
        {"email": "erika@example.org", "password": "falsch"},
        {"email": "niemand@example.org", "password": "geheim-1234"},
        {"email": "erika@example.org"},
        {"email": "keine-adresse", "password": "geheim-1234"},
    ],
)
def test_wrong_credentials_get_400_and_no_token(api, data):
    UserFactory(email="erika@example.org")

    response = api.post("/api/v1/auth/token/", data)

    assert response.status_code == 400
    assert "token" not in response.json()


def test_inactive_person_gets_no_token(api):
    UserFactory(email="erika@example.org", is_active=False)

    response = api.post("/api/v1/auth/token/", {"email": "erika@example.org", "password": "geheim-1234"})

    assert response.status_code == 400


def test_bad_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token nicht-echt")

    assert api.get("/api/v1/me/enrolments/").status_code in (401, 403)


@pytest.fixture
def two_tokens_an_hour(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"enrol": "30/hour", "token": "2/hour"})


def test_token_requests_are_throttled(api, two_tokens_an_hour):
    UserFactory(email="erika@example.org")
    data = {"email": "erika@example.org", "password": "falsch"}

    codes = [api.post("/api/v1/auth/token/", data).status_code for _ in range(3)]

    assert codes == [400, 400, 429]


def test_token_throttle_ignores_a_spoofed_forwarded_for_without_proxies(api, two_tokens_an_hour):
    people = [UserFactory() for _ in range(3)]

    codes = [
        api.post(
            "/api/v1/auth/token/",
            {"email": person.email, "password": "geheim-1234"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        ).status_code
        for n, person in enumerate(people)
    ]

    assert codes == [200, 200, 429]


def test_token_throttle_behind_one_proxy_counts_the_last_forwarded_hop(api, two_tokens_an_hour, settings):
    settings.RATE_LIMIT_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    people = [UserFactory() for _ in range(4)]

    def token(person, forwarded):
        data = {"email": person.email, "password": "geheim-1234"}
        return api.post("/api/v1/auth/token/", data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    codes = [token(person, f"10.9.9.{n}, 198.51.100.7").status_code for n, person in enumerate(people[:3])]

    assert codes == [200, 200, 429]
    assert token(people[3], "198.51.100.8").status_code == 200
