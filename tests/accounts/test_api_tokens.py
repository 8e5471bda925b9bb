"""A person's API tokens: listed, named, revoked, noted when used; through the API and on "Mein Konto"."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken
from accounts.services import api_token_create
from accounts.tasks import prune_api_tokens
from tests.api.conftest import field_errors
from tests.conftest import CLOCK_START
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/me/tokens/"
PAGE = "/konto/api-zugaenge/"


@pytest.fixture
def person():
    return UserFactory(email="erika@example.org", full_name="Erika Mustermann")


@pytest.fixture
def other():
    return UserFactory(email="otto@example.org")


def _client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


# The API: me/tokens/


def test_the_list_shows_own_tokens_and_marks_the_one_in_use(person, other):
    website, website_secret = api_token_create(user=person, name="Website der Gemeinde")
    sheet, _secret = api_token_create(user=person, name="Tabelle")
    api_token_create(user=other, name="Ottos Programm")

    body = _client(website_secret).get(TOKENS).json()

    assert body["count"] == 2
    rows = {row["name"]: row for row in body["results"]}
    assert set(rows) == {"Website der Gemeinde", "Tabelle"}
    assert rows["Website der Gemeinde"]["current"] is True
    assert rows["Tabelle"]["current"] is False
    assert rows["Tabelle"]["id"] == sheet.pk
    assert set(rows["Tabelle"]) == {"id", "name", "created", "expiry", "last_used_at", "current"}


def test_the_list_shows_when_each_token_was_last_used(person, clock):
    _used, secret = api_token_create(user=person, name="Website")
    api_token_create(user=person, name="Tabelle")

    rows = _client(secret).get(TOKENS).json()["results"]

    last_used = {row["name"]: row["last_used_at"] for row in rows}
    assert last_used == {"Website": "2026-12-01T10:00:00+01:00", "Tabelle": None}


def test_with_a_session_no_token_is_current(person):
    api_token_create(user=person, name="Website")
    client = APIClient()
    client.force_login(person)

    rows = client.get(TOKENS).json()["results"]

    assert [row["current"] for row in rows] == [False]


def test_listing_deletes_expired_tokens(person, clock):
    api_token_create(user=person, name="Alt")
    clock.shift(timedelta(days=60))
    _new, secret = api_token_create(user=person, name="Neu")
    clock.shift(timedelta(days=31))

    rows = _client(secret).get(TOKENS).json()["results"]

    assert [row["name"] for row in rows] == ["Neu"]
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Neu"]


def test_the_daily_task_deletes_everyones_expired_tokens_and_keeps_the_rest(person, other, clock):
    api_token_create(user=person, name="Alt")
    api_token_create(user=other, name="Auch alt")
    clock.shift(timedelta(days=60))
    api_token_create(user=other, name="Neu")
    clock.shift(timedelta(days=31))

    assert prune_api_tokens.delay().get() == 2
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Neu"]
    assert prune_api_tokens.delay().get() == 0


def test_the_list_takes_as_many_queries_for_eight_tokens_as_for_two(person):
    client = APIClient()
    client.force_login(person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TOKENS).status_code == 200
        return len(captured)

    for name in ("A", "B"):
        api_token_create(user=person, name=name)
    two = queries()
    for name in "CDEFGH":
        api_token_create(user=person, name=name)

    assert queries() == two


def test_the_list_needs_a_login():
    response = APIClient().get(TOKENS)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_revoking_one_token_by_id(person):
    _kept, secret = api_token_create(user=person, name="Website")
    gone, gone_secret = api_token_create(user=person, name="Tabelle")
    client = _client(secret)

    response = client.delete(f"{TOKENS}{gone.pk}/")

    assert response.status_code == 204
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Website"]
    assert _client(gone_secret).get(TOKENS).status_code == 401
    assert client.get(TOKENS).status_code == 200


def test_revoking_another_persons_token_is_404_and_changes_nothing(person, other):
    _mine, secret = api_token_create(user=person, name="Website")
    ottos, ottos_secret = api_token_create(user=other, name="Ottos Programm")

    response = _client(secret).delete(f"{TOKENS}{ottos.pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert field_errors(response) == {}
    assert ApiToken.objects.count() == 2
    assert _client(ottos_secret).get(TOKENS).status_code == 200


def test_revoking_an_unknown_id_is_404(person):
    _mine, secret = api_token_create(user=person, name="Website")

    assert _client(secret).delete(f"{TOKENS}999999/").status_code == 404


def test_revoke_all_revokes_every_own_token_the_current_one_included(person, other):
    _first, secret = api_token_create(user=person, name="Website")
    api_token_create(user=person, name="Tabelle")
    ottos, _secret = api_token_create(user=other, name="Ottos Programm")
    client = _client(secret)

    response = client.post(f"{TOKENS}revoke-all/")

    assert response.status_code == 204
    assert list(ApiToken.objects.all()) == [ottos]
    assert client.get(TOKENS).status_code == 401


# Noting when a token was used


class _Probe(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"token": request.auth.pk})


def _use(secret: str):
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {secret}")
    return _Probe.as_view()(request)


def test_a_token_notes_its_first_use(person, clock):
    token, secret = api_token_create(user=person, name="Website")

    assert _use(secret).status_code == 200

    token.refresh_from_db()
    assert token.last_used_at == CLOCK_START


def test_a_token_notes_its_use_at_most_once_an_hour(person, clock):
    token, secret = api_token_create(user=person, name="Website")
    _use(secret)
    token.refresh_from_db()
    first_use = token.last_used_at

    clock.shift(timedelta(minutes=59))
    with CaptureQueriesContext(connection) as quiet:
        _use(secret)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    assert not [query for query in quiet if query["sql"].startswith("UPDATE")]

    clock.shift(timedelta(minutes=2))
    _use(secret)
    token.refresh_from_db()
    assert token.last_used_at == first_use + timedelta(minutes=61)


def test_an_unknown_token_is_refused_and_notes_nothing(person):
    token, _secret = api_token_create(user=person, name="Website")

    assert _use("0" * 64).status_code == 401

    token.refresh_from_db()
    assert token.last_used_at is None


# The site: Mein Konto, Zugänge für andere Programme


@pytest.fixture
def logged_in(client, person):
    client.force_login(person)
    return client


def test_the_account_page_links_to_the_tokens(logged_in, person):
    api_token_create(user=person, name="Website")

    page = logged_in.get("/konto/").content.decode()

    assert "Zugänge für andere Programme (API)" in page
    assert f'href="{PAGE}"' in page
    assert "Sie haben zurzeit 1 Zugang." in page


def test_the_page_lists_own_tokens_in_german_dates(logged_in, person, other, clock):
    token, _secret = api_token_create(user=person, name="Website der Gemeinde")
    api_token_create(user=other, name="Ottos Programm")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.created + timedelta(hours=3))

    page = logged_in.get(PAGE).content.decode()

    assert "Website der Gemeinde" in page
    assert "Ottos Programm" not in page
    assert "1. Dezember 2026" in page
    assert "1. März 2027" in page
    assert "1. Dezember 2026, gegen 13:00 Uhr" in page
    assert f'href="/konto/api-zugaenge/{token.pk}/widerrufen/"' in page


def test_creating_a_token_shows_it_once(logged_in, person):
    response = logged_in.post(PAGE, {"name": "Website der Gemeinde"})

    page = response.content.decode()
    secret = re.search(r'id="neuer-token" type="text" readonly value="([0-9a-f]+)"', page).group(1)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Ihr neuer Zugang: Website der Gemeinde" in page
    assert "Authorization: Token &lt;Ihr Token&gt;" in page
    assert _client(secret).get(TOKENS).status_code == 200
    assert ApiToken.objects.get().name == "Website der Gemeinde"
    assert secret not in logged_in.get(PAGE).content.decode()


def test_a_token_needs_a_name_on_the_site(logged_in):
    response = logged_in.post(PAGE, {"name": "   "})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert "Bitte geben Sie dem Zugang einen Namen" in page
    assert not ApiToken.objects.exists()


def test_the_limit_is_explained_on_the_site(logged_in, person, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 1}
    api_token_create(user=person, name="Website")

    response = logged_in.post(PAGE, {"name": "Tabelle"})

    assert response.context["form"].non_field_errors() == [
        "Sie haben schon 1 Zugang für andere Programme. Bitte widerrufen Sie zuerst einen, den Sie nicht "
        "mehr brauchen."
    ]
    assert 'class="error-summary"' in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_revoking_asks_first_and_then_revokes(logged_in, person):
    token, secret = api_token_create(user=person, name="Website der Gemeinde")
    url = f"/konto/api-zugaenge/{token.pk}/widerrufen/"

    question = logged_in.get(url)
    assert question.status_code == 200
    assert "Zugang „Website der Gemeinde“ widerrufen?" in question.content.decode()
    assert ApiToken.objects.exists()

    response = logged_in.post(url)

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert not ApiToken.objects.exists()
    assert _client(secret).get(TOKENS).status_code == 401
    assert "ist widerrufen" in logged_in.get(PAGE).content.decode()


def test_another_persons_token_cannot_be_revoked_on_the_site(logged_in, other):
    ottos, _secret = api_token_create(user=other, name="Ottos Programm")
    url = f"/konto/api-zugaenge/{ottos.pk}/widerrufen/"

    assert logged_in.get(url).status_code == 404
    assert logged_in.post(url).status_code == 404
    assert ApiToken.objects.filter(pk=ottos.pk).exists()


def test_revoking_all_on_the_site(logged_in, person, other):
    api_token_create(user=person, name="Website")
    api_token_create(user=person, name="Tabelle")
    ottos, _secret = api_token_create(user=other, name="Ottos Programm")
    url = "/konto/api-zugaenge/alle-widerrufen/"

    question = logged_in.get(url).content.decode()
    assert "Website" in question and "Tabelle" in question

    assert logged_in.post(url)["Location"] == PAGE
    assert list(ApiToken.objects.all()) == [ottos]


def test_revoking_needs_the_csrf_token(person):
    token, _secret = api_token_create(user=person, name="Website")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)

    assert client.post(f"/konto/api-zugaenge/{token.pk}/widerrufen/").status_code == 403
    assert ApiToken.objects.exists()


def test_the_token_pages_need_a_login(client):
    for url in (PAGE, "/konto/api-zugaenge/alle-widerrufen/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/konto/einloggen/" in response["Location"]


def test_the_token_pages_render_in_english(logged_in, person):
    token, _secret = api_token_create(user=person, name="Website")
    for url in (PAGE, f"/konto/api-zugaenge/{token.pk}/widerrufen/", "/konto/api-zugaenge/alle-widerrufen/"):
        response = logged_in.get(f"/en{url}")
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()


# The admin


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(email="admin@example.org", is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_tokens_without_their_secret_and_revokes_one(superuser_client, person):
    token, secret = api_token_create(user=person, name="Website der Gemeinde")

    listing = superuser_client.get(reverse("admin:accounts_apitoken_changelist"), {"q": "erika"})
    assert "Website der Gemeinde" in listing.content.decode()
    detail = superuser_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert secret not in detail and token.digest not in detail
    assert superuser_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403

    superuser_client.post(reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"})

    assert not ApiToken.objects.exists()
