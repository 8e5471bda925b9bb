"""An API token acts with the person's staff rights: people with duties make one only with their second
factor, in the API (`otp`) and on the site (the token page is a staff page)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from labs.models import LabRole
from tests.accounts.test_mfa import code_for, set_up
from tests.api.conftest import field_errors
from tests.factories import LabRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-1234"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def manager(lab):
    return LabRoleFactory(lab=lab, role=LabRole.Role.MANAGER).user


def _ask(client, user, **extra):
    body = {"email": user.email, "password": PASSWORD, **extra}
    return client.post(TOKEN, body, content_type="application/json")


def test_a_participant_gets_a_token_with_email_and_password(client):
    response = _ask(client, UserFactory())

    assert response.status_code == 200
    assert response.json()["token"]


def test_a_manager_without_two_factor_login_is_told_to_set_it_up_first(client, manager):
    response = _ask(client, manager, otp="123456")

    assert response.status_code == 400
    assert "Zwei-Faktor-Anmeldung ein" in field_errors(response)["otp"][0]
    assert not ApiToken.objects.filter(user=manager).exists()


def test_a_manager_without_a_code_is_asked_for_it(client, manager):
    set_up(manager)

    response = _ask(client, manager)

    assert response.status_code == 400
    assert "Code" in field_errors(response)["otp"][0]
    assert not ApiToken.objects.exists()


def test_a_manager_gets_a_token_with_a_fresh_code_but_not_with_it_again(client, manager, clock):
    device, _codes = set_up(manager)
    clock.shift(timedelta(seconds=31))
    code = code_for(device)

    first = _ask(client, manager, otp=code)
    again = _ask(client, manager, otp=code)

    assert first.status_code == 200
    assert again.status_code == 400
    assert again.json()["code"] == "code_refused"
    assert ApiToken.objects.filter(user=manager).count() == 1


def test_a_recovery_code_serves_once(client, manager):
    _device, codes = set_up(manager)

    assert _ask(client, manager, otp=codes[0]).status_code == 200
    assert _ask(client, manager, otp=codes[0]).status_code == 400


def test_forged_codes_are_refused_and_then_slowed_down(client, manager, clock):
    device, _codes = set_up(manager)
    clock.shift(timedelta(seconds=31))

    forged = _ask(client, manager, otp="000000")
    right_but_too_soon = _ask(client, manager, otp=code_for(device))

    assert forged.status_code == 400
    assert forged.json()["code"] == "code_refused"
    assert right_but_too_soon.status_code == 429
    assert not ApiToken.objects.exists()


def test_the_token_page_asks_an_unverified_manager_for_the_code(client, manager):
    set_up(manager)
    client.force_login(manager)

    response = client.get(reverse("accounts:api_tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_the_token_page_stays_open_to_participants(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:api_tokens")).status_code == 200
