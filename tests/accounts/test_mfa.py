"""Two-factor login: setting up the authenticator, confirming codes at login, recovery codes, replacing."""

from base64 import b32encode
from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import services
from labs.models import LabRole
from tests.factories import LabRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-1234"  # the factories' password
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:mfa_verify")
SETUP = reverse("accounts:mfa_setup")
DASHBOARD = "/kursleitung/"


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def trainer(lab):
    return LabRoleFactory(lab=lab, role=LabRole.Role.TRAINER).user


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def set_up(user) -> tuple[TOTPDevice, list[str]]:
    device = services.totp_setup_device(user=user)
    return services.totp_setup_confirm(user=user, code=code_for(device))


def log_in(client, user, next_url=""):
    data = {"email": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_login_of_trainer_without_device_continues_to_setup(client, trainer):
    response = log_in(client, trainer, next_url=DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fkursleitung%2F"


def test_login_of_trainer_with_device_continues_to_code(client, trainer):
    set_up(trainer)
    response = log_in(client, trainer)
    assert response["Location"] == VERIFY


def test_login_of_participant_is_not_asked_for_code(client):
    person = UserFactory()
    response = log_in(client, person)
    assert response["Location"] == reverse("courses:landing")


def test_setup_page_shows_qr_code_and_secret_in_groups(client, trainer):
    client.force_login(trainer)
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'role="img"' in html
    assert "data:" not in html
    device = TOTPDevice.objects.get(user=trainer, confirmed=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert f"{secret[:4]} {secret[4:8]}" in html


def test_setup_with_first_code_confirms_device_and_shows_ten_recovery_codes_once(client, trainer, clock):
    client.force_login(trainer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=trainer)
    response = client.post(SETUP, {"code": code_for(device), "next": DASHBOARD})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(response["Location"])
    codes = list(StaticToken.objects.filter(device__user=trainer).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in page.content.decode() for code in codes)
    download = client.get(reverse("accounts:mfa_recovery_codes_download"))
    assert all(code in download.content.decode() for code in codes)
    done = client.post(reverse("accounts:mfa_recovery_codes"), {"next": DASHBOARD})
    assert done["Location"] == DASHBOARD
    again = client.get(reverse("accounts:mfa_recovery_codes"))
    assert again.status_code == 302
    assert codes[0] not in client.get(again["Location"]).content.decode()


def test_setup_with_wrong_code_is_refused_and_changes_nothing(client, trainer, clock):
    client.force_login(trainer)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "stimmt nicht" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=trainer, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=trainer).exists()


def test_setup_is_refused_once_a_device_is_confirmed(client, trainer, clock):
    device, _codes = set_up(trainer)
    client.force_login(trainer)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=trainer).count() == 1
    assert TOTPDevice.objects.get(user=trainer).key == device.key


def test_code_from_app_verifies_the_session_and_follows_next(client, trainer, clock):
    device, _codes = set_up(trainer)
    clock.shift(timedelta(seconds=30))
    log_in(client, trainer)
    response = client.post(VERIFY, {"code": code_for(device), "next": DASHBOARD})
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_replayed_code_is_refused(client, trainer, clock):
    device, _codes = set_up(trainer)
    # The code that confirmed the setup, used again in the same 30 seconds.
    code = code_for(device)
    log_in(client, trainer)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "schon benutzt" in response.content.decode()
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


@pytest.mark.parametrize("code", ["123456", "abcdefgh", "12 34", "<script>"])
def test_forged_code_is_refused(client, trainer, clock, code):
    set_up(trainer)
    log_in(client, trainer)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


def test_recovery_code_verifies_once(client, trainer, clock):
    _device, codes = set_up(trainer)
    log_in(client, trainer)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": DASHBOARD})
    assert response["Location"] == DASHBOARD
    assert StaticToken.objects.filter(device__user=trainer).count() == 9
    client.post(reverse("accounts:logout"))
    clock.shift(timedelta(seconds=5))
    log_in(client, trainer)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400


def test_wrong_codes_make_the_device_wait_with_message_in_seconds(client, trainer, clock):
    set_up(trainer)
    log_in(client, trainer)
    client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 429
    assert "Bitte warten Sie 1 Sekunde" in response.content.decode()
    assert response["Retry-After"] == "1"


def test_too_many_wrong_codes_lock_verification_with_minutes_to_wait(client, trainer, clock, settings):
    settings.MFA_RATE_LIMIT = 3
    device, _codes = set_up(trainer)
    log_in(client, trainer)
    for _ in range(3):
        clock.shift(timedelta(minutes=1))
        client.post(VERIFY, {"code": "abcdefgh"})
    clock.shift(timedelta(minutes=1))
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 429
    assert "in 15 Minuten noch einmal" in response.content.decode()
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


def test_logging_out_ends_verification(client, trainer, clock):
    device, _codes = set_up(trainer)
    clock.shift(timedelta(seconds=30))
    log_in(client, trainer)
    client.post(VERIFY, {"code": code_for(device)})
    client.post(reverse("accounts:logout"))
    log_in(client, trainer)
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


def test_manage_page_shows_recovery_codes_left(client, trainer, clock):
    device, codes = set_up(trainer)
    clock.shift(timedelta(seconds=30))
    log_in(client, trainer)
    client.post(VERIFY, {"code": codes[0]})
    response = client.get(reverse("accounts:mfa_manage"))
    assert "noch 9 unbenutzte Codes" in response.content.decode()


def test_manage_page_needs_the_second_factor(client, trainer, clock):
    set_up(trainer)
    log_in(client, trainer)
    response = client.get(reverse("accounts:mfa_manage"))
    assert response["Location"].startswith(VERIFY)


def test_regenerating_recovery_codes_replaces_the_old_ones(client, trainer, clock):
    _device, codes = set_up(trainer)
    log_in(client, trainer)
    client.post(VERIFY, {"code": codes[0]})
    response = client.post(reverse("accounts:mfa_recovery_codes_regenerate"))
    assert response["Location"] == reverse("accounts:mfa_recovery_codes")
    new = set(StaticToken.objects.filter(device__user=trainer).values_list("token", flat=True))
    assert len(new) == 10
    assert not new & set(codes)


def test_replacing_the_device_needs_the_password(client, trainer, clock):
    device, codes = set_up(trainer)
    log_in(client, trainer)
    client.post(VERIFY, {"code": codes[0]})
    url = reverse("accounts:mfa_device_replace")
    refused = client.post(url, {"password": "falsch-falsch"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.get(user=trainer, confirmed=True).pk == device.pk
    response = client.post(url, {"password": PASSWORD})
    assert response["Location"] == SETUP
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get(DASHBOARD)["Location"].startswith(SETUP)


def test_participant_has_no_setup_page(client):
    client.force_login(UserFactory())
    assert client.get(SETUP).status_code == 404
