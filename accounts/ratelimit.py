"""Counting attempts in the cache, so that guessing passwords or flooding enrolments is slowed down.

A limit is checked before the action and counted after it; a refused attempt changes nothing. Counters live
in the shared cache (Redis in production), so every web process sees the same numbers.
"""

from django.conf import settings
from django.core.cache import cache

_PREFIX = "ratelimit"


def client_ip(request) -> str:
    """The client's address; behind `RATE_LIMIT_PROXY_COUNT` trusted proxies, from X-Forwarded-For."""
    proxies = getattr(settings, "RATE_LIMIT_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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


def reset(*, scope: str, idents) -> None:
    cache.delete_many([_key(scope, ident) for ident in idents if ident])


def login_idents(request, email: str) -> list[str]:
    return [f"ip:{client_ip(request)}", f"email:{email.strip().lower()}" if email else ""]


def login_limited(request, email: str) -> bool:
    return is_limited(scope="login", idents=login_idents(request, email), limit=settings.LOGIN_RATE_LIMIT)


def login_failed(request, email: str) -> None:
    hit(scope="login", idents=login_idents(request, email), window=settings.LOGIN_RATE_WINDOW)


def login_succeeded(request, email: str) -> None:
    """A correct password clears the account's counter (not the address's, shared by many in a lab)."""
    reset(scope="login", idents=[f"email:{email.strip().lower()}"])


def _action_idents(request) -> list[str]:
    if request.user.is_authenticated:
        return [f"user:{request.user.pk}"]
    return [f"ip:{client_ip(request)}"]


def action_limited(request, scope: str) -> bool:
    """Whether the person (before they have an account: their address) asked too often for this."""
    limit = getattr(settings, "ENROL_RATE_LIMIT", 30)
    return is_limited(scope=scope, idents=_action_idents(request), limit=limit)


def action_hit(request, scope: str) -> None:
    window = getattr(settings, "ENROL_RATE_WINDOW", 3600)
    hit(scope=scope, idents=_action_idents(request), window=window)
