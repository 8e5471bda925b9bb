"""The audit log of staff actions: `audit_record` writes one entry, `audit_entries` reads them.

Call `audit_record` inside the service's transaction, after the change, so that the entry and the change
are committed together or not at all. Name objects, not people: `target` is any model instance (its type
and number are kept), `summary` is a short plain sentence without names or email addresses.
"""

from django.db.models import Model, QuerySet

from .models import AuditEntry

Action = AuditEntry.Action


def audit_record(
    *,
    actor,
    action: str,
    summary: str,
    lab_id: int | None = None,
    target: Model | None = None,
    details: dict | None = None,
) -> AuditEntry:
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor_id=actor_id,
        action=action,
        lab_id=lab_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=str(summary)[:300],
        details=details or {},
    )


def audit_entries(*, lab_ids=None, actions=None, start=None, end=None) -> QuerySet[AuditEntry]:
    """Entries, newest first; `lab_ids` limits them to those labs (None: all, for administrators)."""
    entries = AuditEntry.objects.select_related("actor", "lab")
    if lab_ids is not None:
        entries = entries.filter(lab_id__in=list(lab_ids))
    if actions:
        entries = entries.filter(action__in=list(actions))
    if start is not None:
        entries = entries.filter(at__gte=start)
    if end is not None:
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-pk")
