"""What the apps hold about a person, contributed by each app without accounts importing it.

Accounts sits below the apps that keep data about people (labs, courses, certificates), so they register
here in their `AppConfig.ready`:

- `register_section(key, title, export=fn(user) -> data, erase=fn(user, options) -> None, mails=fn(user))`:
  one part of the person's export and of their erasure; `mails` names the outbox items about them.
  `export` returns JSON-serialisable data (ISO dates, never secrets); `erase` runs inside
  `person_erase`'s transaction and removes or anonymises what the app holds.
- `register_retention_rule(key, title, period, apply=fn(now) -> int)`: a rule that deletes or anonymises data
  after its time; the privacy page lists them and a daily task applies each.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EraseOptions:
    """What the person chose when erasing: whether their certificates are revoked (else they stay
    verifiable as issued to a deleted account). `by` is who erases (the person, or staff)."""

    by: Any = None
    revoke_certificates: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    export: Callable[[Any], Any]
    erase: Callable[[Any, EraseOptions], None] | None = None
    # The outbox items about the person's objects: {kind: [object ids]}, for the export and the erasure.
    mails: Callable[[Any], dict[str, list[int]]] | None = None
    order: int = 100


@dataclass(frozen=True)
class RetentionRule:
    key: str
    title: Any  # what is deleted, a lazy translation
    period: Any  # how long it is kept, a lazy translation
    apply: Callable[[Any], int]
    order: int = 100
    details: dict = field(default_factory=dict)


_sections: dict[str, Section] = {}
_rules: dict[str, RetentionRule] = {}


def register_section(key: str, title, *, export, erase=None, mails=None, order: int = 100) -> None:
    known = _sections.get(key)
    if known is not None and (known.export is not export or known.erase is not erase):
        raise ValueError(f"The privacy section {key!r} is registered already.")
    _sections[key] = Section(key=key, title=title, export=export, erase=erase, mails=mails, order=order)


def _load_own() -> None:
    """The accounts app's own sections and rules, registered when first asked for (accounts cannot
    register them in its `ready`: these modules read the models)."""
    from . import retention, sections  # noqa: F401


def sections() -> list[Section]:
    _load_own()
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def register_retention_rule(key: str, title, *, period, apply, order: int = 100) -> None:
    known = _rules.get(key)
    if known is not None and known.apply is not apply:
        raise ValueError(f"The retention rule {key!r} is registered already.")
    _rules[key] = RetentionRule(key=key, title=title, period=period, apply=apply, order=order)


def retention_rules() -> list[RetentionRule]:
    _load_own()
    return sorted(_rules.values(), key=lambda rule: (rule.order, rule.key))


def retention_rule(key: str) -> RetentionRule:
    _load_own()
    try:
        return _rules[key]
    except KeyError:
        raise LookupError(f"No retention rule {key!r} is registered.") from None
