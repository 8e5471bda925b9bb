"""One login limiter for every login path: the site, /cms/, /django-admin/ and the API token."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-1234"  # the factories' password
WRONG = "falsch-falsch"
LIMIT = 3
WINDOW = 900
# A quarter past two in the afternoon, Berlin time: a lock from then ends at 14:35.
LOCKED_AT = datetime(2026, 3, 10, 14, 20, tzinfo=ZoneInfo("Europe/Berlin"))

# Each login path: its address and the name of its login field.
PATHS = {
    "site": (reverse("accounts:login"), "email"),
    "cms": ("/cms/login/", "username"),
    "django-admin": ("/django-admin/login/", "username"),
    "api": ("/api/v1/auth/token/", "email"),
}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_RATE_LIMIT = LIMIT
    settings.LOGIN_RATE_WINDOW = WINDOW
    settings.RATE_LIMIT_PROXY_COUNT = 0


@pytest.fixture
def anna():
    """An account that may use every login path, the admin ones included."""
    return UserFactory(email="Anna@X.org", full_name="Anna Beispiel", is_staff=True, is_superuser=True)


def attempt(client, path: str, email: str, password: str, **extra):
    url, field = PATHS[path]
    return client.post(url, {field: email, "password": password}, **extra)


def logged_in(client, path: str, response) -> bool:
    if path == "api":
        return response.status_code == 200 and "token" in response.json()
    return "_auth_user_id" in client.session


def fail(client, path: str, email: str, times: int = LIMIT, **extra):
    return [attempt(client, path, email, WRONG, **extra) for _ in range(times)]


@pytest.mark.parametrize("path", PATHS)
def test_each_login_path_locks_the_account_after_the_limit(client, anna, path):
    fail(client, path, "anna@x.org")

    response = attempt(client, path, "anna@x.org", PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client, path, response)


@pytest.mark.parametrize("path", PATHS)
def test_each_login_path_counts_failures_from_every_address_for_the_account(client, anna, path):
    for n in range(LIMIT):
        attempt(client, path, "anna@x.org", WRONG, REMOTE_ADDR=f"198.51.100.{n + 1}")

    response = attempt(client, path, "anna@x.org", PASSWORD, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert not logged_in(client, path, response)


@pytest.mark.parametrize("path", PATHS)
def test_spoofed_forwarded_for_does_not_escape_the_lock_without_proxies(client, anna, path):
    for n in range(LIMIT):
        attempt(client, path, "anna@x.org", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")

    response = attempt(client, path, "anna@x.org", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.200")

    assert response.status_code == 429
    assert not logged_in(client, path, response)


@pytest.mark.parametrize("path", PATHS)
def test_without_proxies_forwarded_for_cannot_spread_one_address_over_many(client, path):
    accounts = [UserFactory(is_staff=True, is_superuser=True) for _ in range(LIMIT + 1)]
    for n, account in enumerate(accounts[:LIMIT]):
        attempt(client, path, account.email, WRONG, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")

    response = attempt(client, path, accounts[-1].email, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.200")

    assert response.status_code == 429
    assert not logged_in(client, path, response)


@pytest.mark.parametrize("path", PATHS)
def test_behind_one_proxy_the_last_forwarded_hop_is_the_address(client, settings, path):
    settings.RATE_LIMIT_PROXY_COUNT = 1
    accounts = [UserFactory(is_staff=True, is_superuser=True) for _ in range(LIMIT + 2)]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n, account in enumerate(accounts[:LIMIT]):
        forwarded = f"10.9.9.{n}, 198.51.100.7"  # the first entry is the client's word, the last the proxy's
        attempt(client, path, account.email, WRONG, HTTP_X_FORWARDED_FOR=forwarded, **proxy)

    locked = attempt(client, path, accounts[-2].email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    other_client = attempt(
        client, path, accounts[-1].email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy
    )

    assert locked.status_code == 429
    assert other_client.status_code in (200, 302)
    assert logged_in(client, path, other_client)


def test_one_address_is_limited_across_many_accounts(client):
    accounts = [UserFactory() for _ in range(LIMIT + 1)]
    for account in accounts[:LIMIT]:
        attempt(client, "site", account.email, WRONG)

    response = attempt(client, "site", accounts[-1].email, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client, "site", response)


def test_the_address_lock_leaves_other_addresses_alone(client):
    accounts = [UserFactory() for _ in range(LIMIT + 1)]
    for account in accounts[:LIMIT]:
        attempt(client, "site", account.email, WRONG, REMOTE_ADDR="198.51.100.1")

    response = attempt(client, "site", accounts[-1].email, PASSWORD, REMOTE_ADDR="198.51.100.2")

    assert response.status_code == 302


def test_successful_logins_from_one_address_are_not_limited(client):
    """Many people log in from the same lab network; only failures count."""
    for account in [UserFactory() for _ in range(LIMIT + 2)]:
        assert attempt(client, "site", account.email, PASSWORD).status_code == 302
        client.logout()


def test_the_account_is_one_whatever_the_case_of_the_email(client, anna):
    for email in ("Anna@X.org", "anna@x.org", " ANNA@x.ORG"):
        attempt(client, "api", email, WRONG)

    response = attempt(client, "api", "anna@x.org", PASSWORD)

    assert response.status_code == 429


def test_failures_on_one_path_count_on_the_others(client, anna):
    attempt(client, "site", "anna@x.org", WRONG)
    attempt(client, "cms", "anna@x.org", WRONG)
    attempt(client, "django-admin", "anna@x.org", WRONG)

    response = attempt(client, "api", "anna@x.org", PASSWORD)

    assert response.status_code == 429


def test_fewer_failures_than_the_limit_do_not_lock(client, anna):
    fail(client, "site", "anna@x.org", times=LIMIT - 1)

    response = attempt(client, "site", "anna@x.org", PASSWORD)

    assert response.status_code == 302


def test_a_correct_password_during_the_lock_does_not_log_in(client, anna):
    with time_machine.travel(LOCKED_AT, tick=False) as clock:
        fail(client, "site", "anna@x.org")
        clock.shift(timedelta(minutes=10))

        response = attempt(client, "site", "anna@x.org", PASSWORD)
        assert not logged_in(client, "site", response)

    assert response.status_code == 429


@pytest.mark.parametrize("path", PATHS)
def test_the_lock_ends_by_itself_after_the_cool_off(client, anna, path):
    with time_machine.travel(LOCKED_AT, tick=False) as clock:
        fail(client, path, "anna@x.org")
        clock.shift(timedelta(seconds=WINDOW + 1))

        response = attempt(client, path, "anna@x.org", PASSWORD)
        # The session is read while it is still young: it ends two weeks after the travelled-to day.
        assert logged_in(client, path, response)

    assert response.status_code in (200, 302)


def test_attempts_during_the_lock_do_not_stretch_it(client, anna):
    with time_machine.travel(LOCKED_AT, tick=False) as clock:
        fail(client, "site", "anna@x.org")
        for _ in range(4):
            clock.shift(timedelta(minutes=3))
            assert attempt(client, "site", "anna@x.org", WRONG).status_code == 429
        clock.shift(timedelta(minutes=3, seconds=1))  # 15 minutes and a second after the lock

        response = attempt(client, "site", "anna@x.org", PASSWORD)

    assert response.status_code == 302


def test_a_success_clears_the_accounts_failures(client, anna):
    fail(client, "site", "anna@x.org", times=LIMIT - 1)
    attempt(client, "site", "anna@x.org", PASSWORD)
    client.logout()
    fail(client, "site", "anna@x.org", times=LIMIT - 1)

    response = attempt(client, "site", "anna@x.org", PASSWORD)

    assert response.status_code == 302


def test_a_success_does_not_clear_the_failures_of_its_address(client, anna):
    """Else anyone with an account of their own could guess others' passwords without end."""
    mine = UserFactory(email="mallory@example.org")
    fail(client, "site", "anna@x.org", times=LIMIT - 1)
    attempt(client, "site", mine.email, PASSWORD)
    client.logout()
    attempt(client, "site", "anna@x.org", WRONG)

    response = attempt(client, "site", "anna@x.org", PASSWORD, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429


def test_site_login_page_names_the_time_the_lock_ends(client, anna):
    with time_machine.travel(LOCKED_AT, tick=False):
        fail(client, "site", "anna@x.org")
        response = attempt(client, "site", "anna@x.org", PASSWORD)

    html = response.content.decode()
    assert response.status_code == 429
    assert "Zu viele Anmeldeversuche. Bitte versuchen Sie es ab 14:35 Uhr noch einmal." in html
    assert reverse("accounts:password_reset") in html
    assert 'name="email"' in html
    assert response["Retry-After"] == str(WINDOW)


def test_the_named_time_is_rounded_up_to_the_next_minute(client, anna):
    with time_machine.travel(LOCKED_AT + timedelta(seconds=20), tick=False):
        fail(client, "site", "anna@x.org")
        response = attempt(client, "site", "anna@x.org", PASSWORD)

    assert "ab 14:36 Uhr" in response.content.decode()


def test_the_named_time_counts_from_the_failure_that_reached_the_limit(client, anna):
    with time_machine.travel(LOCKED_AT, tick=False) as clock:
        attempt(client, "site", "anna@x.org", WRONG)
        clock.shift(timedelta(minutes=5))
        fail(client, "site", "anna@x.org", times=LIMIT - 1)  # locked at 14:25
        clock.shift(timedelta(minutes=1))
        response = attempt(client, "site", "anna@x.org", PASSWORD)

    assert "ab 14:40 Uhr" in response.content.decode()
    assert response["Retry-After"] == str(WINDOW - 60)


def test_site_login_page_tells_the_lock_in_english(client, anna):
    english_login = "/en" + PATHS["site"][0]  # English pages live under /en/
    with time_machine.travel(LOCKED_AT, tick=False):
        for _ in range(LIMIT):
            client.post(english_login, {"email": "anna@x.org", "password": WRONG})
        response = client.post(english_login, {"email": "anna@x.org", "password": PASSWORD})

    html = response.content.decode()
    assert "Too many login attempts. Please try again from 14:35." in html
    assert "Zu viele" not in html


@pytest.mark.parametrize("path", ["cms", "django-admin"])
def test_admin_logins_show_our_lock_page(client, anna, path):
    with time_machine.travel(LOCKED_AT, tick=False):
        fail(client, path, "anna@x.org")
        response = attempt(client, path, "anna@x.org", PASSWORD)

    html = response.content.decode()
    assert response.status_code == 429
    assert "Zu viele Anmeldeversuche. Bitte versuchen Sie es ab 14:35 Uhr noch einmal." in html
    assert reverse("accounts:password_reset") in html
    assert response["Retry-After"] == str(WINDOW)


def test_api_lock_answers_429_with_a_code_and_retry_after(client, anna):
    with time_machine.travel(LOCKED_AT, tick=False):
        fail(client, "api", "anna@x.org")
        response = attempt(client, "api", "anna@x.org", PASSWORD)

    body = response.json()
    assert response.status_code == 429
    assert set(body) == {"code", "detail", "errors"}
    assert body["code"] == "login_locked" and body["errors"] == []
    assert "ab 14:35 Uhr" in body["detail"]
    assert response["Retry-After"] == str(WINDOW)


def test_the_failure_that_reaches_the_limit_already_answers_with_the_lock(client, anna):
    responses = fail(client, "api", "anna@x.org")

    assert [r.status_code for r in responses] == [400] * (LIMIT - 1) + [429]


def test_a_lock_across_midnight_names_the_day(client, anna):
    late = datetime(2026, 3, 10, 23, 50, tzinfo=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(late, tick=False):
        fail(client, "site", "anna@x.org")
        response = attempt(client, "site", "anna@x.org", PASSWORD)

    assert "am Mittwoch, 11. März 2026 ab 00:05 Uhr" in response.content.decode()
