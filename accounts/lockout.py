"""One login limiter for every way in: the site's login, /cms/, /django-admin/ and the API token.

django-axes does the counting (settings: AXES_*). It records each failed password per account and per
address, and once either has LOGIN_RATE_LIMIT failures within LOGIN_RATE_WINDOW seconds, refuses every
login for it, a correct password included, until the window after the last counted failure has passed.
Attempts during a lock are not counted, so nobody can keep an account locked by trying on and on.
This module gives axes the project's rules: which address a request comes from, which account an
attempt is for, and what a locked-out person is told.
"""

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PASSWORD_HINT = gettext_lazy("Haben Sie Ihr Passwort vergessen? Dann können Sie ein neues festlegen.")


def client_ip(request) -> str | None:
    """The client's address, for the login limiter, the other rate limits and DRF's throttles alike.

    Behind `RATE_LIMIT_PROXY_COUNT` trusted proxies it is the X-Forwarded-For entry the outermost of them
    wrote (counted from the right, as DRF's NUM_PROXIES does); with no proxy the header is ignored, since
    anyone can send it. An entry that is no address falls back to the peer's address.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies = settings.RATE_LIMIT_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = forwarded.split(",")
        return _address(hops[-min(proxies, len(hops))]) or remote
    return remote


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def login_username(request, credentials: dict | None = None) -> str | None:
    """The account an attempt is for, spelled one way: "Anna@X.org" and "anna@x.org " are one account."""
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if value is None and request is not None:
        data = getattr(request, "data", None)
        data = data if hasattr(data, "get") else request.POST
        value = data.get("email") or data.get("username")
    if not isinstance(value, str):
        return None
    return value.strip().lower() or None


def failure_limit(request=None, credentials: dict | None = None) -> int:
    """How many failed logins lock an account or an address (AXES_FAILURE_LIMIT)."""
    return settings.LOGIN_RATE_LIMIT


def cool_off(request=None) -> timedelta:
    """How long a lock lasts after the last counted failure (AXES_COOLOFF_TIME)."""
    return timedelta(seconds=settings.LOGIN_RATE_WINDOW)


def is_locked_out(request) -> bool:
    """Whether the login attempt just made on this request was refused (or counted) into a lock."""
    return bool(getattr(request, "axes_locked_out", False))


@dataclass(frozen=True)
class Lock:
    """A lock on an account or address, and when it ends."""

    ends_at: datetime

    @property
    def retry_after(self) -> int:
        """Seconds until the lock ends, for the Retry-After header."""
        return max(1, math.ceil((self.ends_at - timezone.now()).total_seconds()))

    @property
    def message(self) -> str:
        """ "Zu viele Anmeldeversuche. Bitte versuchen Sie es ab 14:35 Uhr noch einmal." in local time."""
        ends = timezone.localtime(self.ends_at)
        if ends.second or ends.microsecond:
            # Never name a minute at which the lock still holds.
            ends = ends.replace(second=0, microsecond=0) + timedelta(minutes=1)
        time = ends.strftime("%H:%M")
        if ends.date() == timezone.localdate():
            return _("Zu viele Anmeldeversuche. Bitte versuchen Sie es ab %(time)s Uhr noch einmal.") % {
                "time": time
            }
        return _(
            "Zu viele Anmeldeversuche. Bitte versuchen Sie es am %(day)s ab %(time)s Uhr noch einmal."
        ) % {
            # Translators: PHP-style date format for a date written out, e.g. "Dienstag, 8. Dezember 2026".
            "day": date_format(ends, _("l, j. F Y")),
            "time": time,
        }


def current_lock(request, credentials: dict | None = None) -> Lock:
    """The lock that refused this request's login: of its account or its address, whichever ends later.

    A lock ends a cool-off after the failure that reached the limit went out of the window: counting the
    failures from the newest back, the one at which they add up to the limit.
    """
    AxesProxyHandler.update_request(request)
    credentials = credentials or getattr(request, "axes_credentials", None)
    handler = AxesProxyHandler.get_implementation()
    limit, window = failure_limit(), cool_off()
    ends = []
    for attempts in handler.get_user_attempts(request, credentials):
        total = 0
        for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            total += failures
            if total >= limit:
                ends.append(attempt_time + window)
                break
    return Lock(ends_at=max(ends, default=timezone.now() + window))


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): our page with status 429.

    A view that showed the lock itself (the site's login page, status 429) keeps its own answer.
    """
    if original_response is not None and original_response.status_code == 429:
        return original_response
    lock = current_lock(request, credentials)
    response = render(
        request,
        "accounts/login_locked.html",
        {"lock_message": lock.message, "password_hint": PASSWORD_HINT},
        status=429,
    )
    response["Retry-After"] = str(lock.retry_after)
    return response


def account_failures_clear(*, email: str) -> None:
    """A correct password clears the account's failed attempts; those of its address stay (shared by many
    in a lab, and clearing them would let anyone with an account of their own guess on without end)."""
    username = login_username(None, {"email": email})
    if username:
        AxesProxyHandler.reset_attempts(username=username)
