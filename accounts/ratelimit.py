"""Counting attempts in the cache, so that flooding enrolments, sign-ups and reset mails is slowed down.

Logins have their own limiter (`accounts.lockout`); the client's address comes from the same function.

A limit is checked before the action and counted after it; a refused attempt changes nothing. Counters live
in the shared cache (Redis in production), so every web process sees the same numbers.
"""

from django.conf import settings
from django.core.cache import cache

from .lockout import client_ip

_PREFIX = "ratelimit"


def _key(scope: str, ident: str) -> str:
    return f"{_PREFIX}:{scope}:{ident.lower()}"


def is_limited(*, scope: str, idents, limit: int) -> bool:
    """Whether any of the identities (an address, an email, a user id) has used up its attempts."""
    keys = [_key(scope, ident) for ident in idents if ident]
    counts = cache.get_many(keys)
    return any(count >= limit for count in counts.values())


def hit(*, scope: str, idents, window: int) -> None:
    """Count one attempt for each identity; a counter expires `window` seconds after its first attempt."""
    for ident in idents:
        if not ident:
            continue
        key = _key(scope, ident)
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:
            # The counter expired between add and incr: start again.
            cache.set(key, 1, timeout=window)


def _action_idents(request) -> list[str]:
    if request.user.is_authenticated:
        return [f"user:{request.user.pk}"]
    return [f"ip:{client_ip(request) or 'unknown'}"]


def action_limited(request, scope: str) -> bool:
    """Whether the person (before they have an account: their address) asked too often for this."""
    limit = getattr(settings, "ENROL_RATE_LIMIT", 30)
    return is_limited(scope=scope, idents=_action_idents(request), limit=limit)


def action_hit(request, scope: str) -> None:
    window = getattr(settings, "ENROL_RATE_WINDOW", 3600)
    hit(scope=scope, idents=_action_idents(request), window=window)
