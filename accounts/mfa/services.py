"""Setting up, checking and replacing the second factor of a person."""

import math
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import ratelimit

from .exceptions import AlreadySetUp, CodeRefused, TooManyCodes, WrongPassword
from .selectors import (
    RECOVERY_DEVICE_NAME,
    recovery_device,
    totp_device_confirmed,
    totp_device_unconfirmed,
)

RECOVERY_CODE_COUNT = 10
_SCOPE = "mfa"
_TOTP_CODE = re.compile(r"^\d{6}$")


def totp_setup_device(*, user) -> TOTPDevice:
    """The person's new authenticator, not yet confirmed (made on first call); refused once one is set up."""
    if totp_device_confirmed(user=user) is not None:
        raise AlreadySetUp()
    device = totp_device_unconfirmed(user=user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=False)
    return device


def totp_setup_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the new authenticator with its first code; returns it and the person's new recovery codes."""
    device = totp_setup_device(user=user)
    _check_limits(user=user, devices=[device])
    if not device.verify_token(_normalise(code)):
        _count_failure(user=user)
        raise CodeRefused()
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _recovery_codes_replace(user=user)
    return device, codes


def recovery_codes_regenerate(*, user) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Only for a person with a confirmed authenticator."""
    if totp_device_confirmed(user=user) is None:
        raise CodeRefused()
    with transaction.atomic():
        return _recovery_codes_replace(user=user)


def _recovery_codes_replace(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify_code(*, user, code: str):
    """The device that accepts the code: the authenticator for six digits, else a recovery code (used up).

    Wrong, forged and reused codes raise CodeRefused and count against the person's limit; a person over the
    limit, or whose device waits after wrong codes, gets TooManyCodes without the code being checked.
    """
    code = _normalise(code)
    totp_device, recovery = totp_device_confirmed(user=user), recovery_device(user=user)
    device = totp_device if _TOTP_CODE.match(code) else recovery
    devices = [d for d in (totp_device, recovery) if d is not None]
    _check_limits(user=user, devices=devices)
    if device is None or not code or not device.verify_token(code):
        _count_failure(user=user)
        raise CodeRefused()
    # A good code clears the waiting of the person's other device as well.
    for other in devices:
        if (type(other), other.pk) != (type(device), device.pk):
            other.throttle_reset()
    return device


def device_replace(*, user, password: str) -> TOTPDevice:
    """Remove the authenticator and the recovery codes after the password is confirmed, and start a new
    authenticator: until its first code confirms it (with new recovery codes), the session is no longer
    verified."""
    if not user.check_password(password):
        raise WrongPassword()
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=False)


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _idents(user) -> list[str]:
    return [f"user:{user.pk}"]


def _check_limits(*, user, devices) -> None:
    window = settings.MFA_RATE_WINDOW
    if ratelimit.is_limited(scope=_SCOPE, idents=_idents(user), limit=settings.MFA_RATE_LIMIT):
        minutes = math.ceil(window / 60)
        raise TooManyCodes(
            ngettext(
                "Zu viele falsche Codes. Bitte versuchen Sie es in %(minutes)d Minute noch einmal.",
                "Zu viele falsche Codes. Bitte versuchen Sie es in %(minutes)d Minuten noch einmal.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=window,
        )
    waits = []
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append((data["locked_until"] - timezone.now()).total_seconds())
    if waits:
        seconds = max(1, math.ceil(max(waits)))
        raise TooManyCodes(
            ngettext(
                "Zu viele falsche Codes. Bitte warten Sie %(seconds)d Sekunde und versuchen Sie es dann "
                "noch einmal.",
                "Zu viele falsche Codes. Bitte warten Sie %(seconds)d Sekunden und versuchen Sie es dann "
                "noch einmal.",
                seconds,
            )
            % {"seconds": seconds},
            retry_after=seconds,
        )


def _count_failure(*, user) -> None:
    ratelimit.hit(scope=_SCOPE, idents=_idents(user), window=settings.MFA_RATE_WINDOW)


def second_factor_remove(*, user) -> None:
    """Remove the person's authenticator and recovery codes (their account is being erased)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
