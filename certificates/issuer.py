"""Who issues the certificates, as printed on them.

The name is kept by the site's settings, which belong to an app above this one; that app registers how to
read it (`register_issuer_name` in its AppConfig.ready), so certificates never name it.
"""

from collections.abc import Callable

_issuer_name: Callable[[], str] = lambda: ""  # noqa: E731 - nothing registered: no name printed


def register_issuer_name(provider: Callable[[], str]) -> None:
    global _issuer_name
    _issuer_name = provider


def issuer_name() -> str:
    return _issuer_name()
