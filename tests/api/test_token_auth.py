import hashlib
import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from rest_framework.authtoken.models import Token as OldToken
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import ApiToken
from tests.api.conftest import field_errors
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ENROLMENTS = "/api/v1/me/enrolments/"
CREDENTIALS = {"email": "erika@example.org", "password": "geheim-1234"}


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _refused(response) -> bool:
    """Whether the API refused the token sent: 401, asking for a token."""
    return (
        response.status_code == 401
        and response.json()["code"] == "authentication_failed"
        and response["WWW-Authenticate"] == "Token"
    )


def _token(api, **extra) -> dict:
    response = api.post(TOKEN, {**CREDENTIALS, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def test_token_round_trip(api):
    person = UserFactory(email="erika@example.org")
    run = CourseRunFactory()

    response = api.post(TOKEN, {"email": "Erika@example.org", "password": "geheim-1234"})

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry", "id"}
    client = _client(response.json()["token"])
    assert client.post(f"/api/v1/runs/{run.pk}/enrol/").status_code == 201
    assert client.get(ENROLMENTS).json()["results"][0]["run"] == run.pk
    assert person.enrolments.count() == 1


def test_each_request_gives_a_new_token_and_both_work(api):
    UserFactory(email="erika@example.org")

    first, second = _token(api), _token(api)

    assert first["token"] != second["token"]
    assert first["id"] != second["id"]
    assert _client(first["token"]).get(ENROLMENTS).status_code == 200
    assert _client(second["token"]).get(ENROLMENTS).status_code == 200


def test_the_database_keeps_only_a_hash_of_the_token(api):
    UserFactory(email="erika@example.org")

    token = _token(api)["token"]

    row = ApiToken.objects.values().get()
    assert token not in {str(value) for value in row.values()}
    assert row["digest"] == hashlib.sha512(token.encode()).hexdigest()


def test_the_token_carries_the_name_given(api):
    UserFactory(email="erika@example.org")

    _token(api, name="  Website   der Gemeinde ")

    assert ApiToken.objects.get().name == "Website der Gemeinde"


def test_a_token_without_a_name_is_named_for_its_day(api, clock):
    UserFactory(email="erika@example.org")

    _token(api)

    assert ApiToken.objects.get().name == "Zugang vom 1. Dezember 2026"


def test_a_too_long_name_is_refused_and_no_token_made(api):
    UserFactory(email="erika@example.org")

    response = api.post(TOKEN, {**CREDENTIALS, "name": "x" * 101})

    assert response.status_code == 400
    assert list(field_errors(response)) == ["name"]
    assert not ApiToken.objects.exists()


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

    response = api.post(TOKEN, data)

    assert response.status_code == 400
    assert field_errors(response)
    assert not ApiToken.objects.exists()


def test_a_wrong_password_is_one_error_for_the_whole_request(api):
    UserFactory(email="erika@example.org")

    response = api.post(TOKEN, {"email": "erika@example.org", "password": "falsch"})

    assert response.json()["code"] == "authorization"
    assert field_errors(response) == {None: ["E-Mail-Adresse oder Passwort stimmen nicht."]}


def test_inactive_person_gets_no_token(api):
    UserFactory(email="erika@example.org", is_active=False)

    response = api.post(TOKEN, CREDENTIALS)

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_bad_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token nicht-echt")

    response = api.get(ENROLMENTS)

    assert _refused(response)
    assert field_errors(response) == {}


def test_a_token_request_ignores_a_stale_token_sent_along(api):
    UserFactory(email="erika@example.org")
    api.credentials(HTTP_AUTHORIZATION="Token nicht-mehr-gueltig")

    assert api.post(TOKEN, CREDENTIALS).status_code == 200


# Expiry


def test_a_token_works_for_90_days_and_then_is_refused(api, clock):
    UserFactory(email="erika@example.org")
    created = _token(api)
    client = _client(created["token"])

    clock.shift(timedelta(days=90) - timedelta(minutes=1))
    assert client.get(ENROLMENTS).status_code == 200

    clock.shift(timedelta(minutes=2))
    response = client.get(ENROLMENTS)

    assert _refused(response)
    assert not ApiToken.objects.exists()


def test_the_answer_names_when_the_token_expires(api, clock):
    UserFactory(email="erika@example.org")

    expiry = _token(api)["expiry"]

    assert expiry == "2027-03-01T10:00:00+01:00"


def test_the_lifetime_follows_the_settings(api, clock, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(days=7)}
    UserFactory(email="erika@example.org")
    client = _client(_token(api)["token"])

    clock.shift(timedelta(days=7, seconds=1))

    assert _refused(client.get(ENROLMENTS))


# Revoking the token sent


def test_delete_revokes_the_token_sent_and_only_that_one(api):
    UserFactory(email="erika@example.org")
    first, second = _client(_token(api)["token"]), _client(_token(api)["token"])

    response = first.delete(TOKEN)

    assert response.status_code == 204
    assert _refused(first.get(ENROLMENTS))
    assert second.get(ENROLMENTS).status_code == 200
    assert ApiToken.objects.count() == 1


def test_delete_with_a_browser_session_says_there_is_no_token(api):
    person = UserFactory(email="erika@example.org")
    _token(api)
    session = APIClient(enforce_csrf_checks=False)
    session.force_login(person)

    response = session.delete(TOKEN)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "no_token"
    assert "nicht mit einem Token angemeldet" in body["detail"]
    assert body["errors"] == []
    assert ApiToken.objects.count() == 1


def test_delete_without_credentials_is_refused(api):
    response = api.delete(TOKEN)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# The limit per person


@pytest.fixture
def two_tokens_each(settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}


def test_a_third_token_is_refused_with_a_reason(api, two_tokens_each):
    UserFactory(email="erika@example.org")
    kept = [_token(api), _token(api)]

    response = api.post(TOKEN, CREDENTIALS)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "token_limit"
    assert "schon 2 Zugänge" in body["detail"]
    assert body["errors"] == []
    assert sorted(ApiToken.objects.values_list("pk", flat=True)) == sorted(token["id"] for token in kept)


def test_a_revoked_token_frees_its_place(api, two_tokens_each):
    UserFactory(email="erika@example.org")
    first = _token(api)
    _token(api)

    _client(first["token"]).delete(TOKEN)

    assert api.post(TOKEN, CREDENTIALS).status_code == 200


def test_expired_tokens_do_not_count_and_are_deleted(api, two_tokens_each, clock):
    UserFactory(email="erika@example.org")
    _token(api)
    _token(api)

    clock.shift(timedelta(days=91))

    assert api.post(TOKEN, CREDENTIALS).status_code == 200
    assert ApiToken.objects.count() == 1


def test_the_limit_is_per_person(api, two_tokens_each):
    UserFactory(email="erika@example.org")
    other = UserFactory()
    _token(api)
    _token(api)

    assert api.post(TOKEN, {"email": other.email, "password": "geheim-1234"}).status_code == 200


# Tokens from before knox


def _carry_over():
    migration = importlib.import_module("accounts.migrations.0005_apitoken_from_authtoken")
    migration.carry_over(apps, schema_editor=None)


def test_an_old_token_keeps_working_after_the_migration(clock):
    person = UserFactory()
    old = OldToken.objects.create(user=person)
    other_old = OldToken.objects.create(user=UserFactory())

    _carry_over()

    assert not OldToken.objects.exists()
    assert _client(old.key).get(ENROLMENTS).status_code == 200
    assert _client(other_old.key).get(ENROLMENTS).status_code == 200
    token = ApiToken.objects.get(user=person)
    assert token.name == "Bisheriger Zugang"
    assert token.created == old.created
    assert token.digest != old.key


def test_an_old_token_expires_one_lifetime_after_the_migration(clock):
    old = OldToken.objects.create(user=UserFactory())
    _carry_over()

    clock.shift(timedelta(days=90, seconds=1))

    assert _refused(_client(old.key).get(ENROLMENTS))


# Throttling


@pytest.fixture
def two_tokens_an_hour(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"enrol": "30/hour", "token": "2/hour"})


def test_token_requests_are_throttled(api, two_tokens_an_hour):
    UserFactory(email="erika@example.org")
    data = {"email": "erika@example.org", "password": "falsch"}

    codes = [api.post(TOKEN, data).status_code for _ in range(3)]

    assert codes == [400, 400, 429]


def test_revoking_a_token_is_not_throttled_with_token_requests(api, two_tokens_an_hour):
    UserFactory(email="erika@example.org")
    clients = [_client(_token(api)["token"]), _client(_token(api)["token"])]

    assert [client.delete(TOKEN).status_code for client in clients] == [204, 204]


def test_token_throttle_ignores_a_spoofed_forwarded_for_without_proxies(api, two_tokens_an_hour):
    people = [UserFactory() for _ in range(3)]

    codes = [
        api.post(
            TOKEN,
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
        return api.post(TOKEN, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    codes = [token(person, f"10.9.9.{n}, 198.51.100.7").status_code for n, person in enumerate(people[:3])]

    assert codes == [200, 200, 429]
    assert token(people[3], "198.51.100.8").status_code == 200
