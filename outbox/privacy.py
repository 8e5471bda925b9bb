"""The outbox's part in a person's privacy: which mails were owed or sent about their objects, dropping the
ones still owed when they are erased, and deleting the log of delivered mails after its time.

The outbox knows kinds and object numbers, not people; the apps above name the objects
(`accounts.privacy.registry`).
"""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from .mail import mail_get
from .models import OutboxItem

# Delivered items are the log of mails sent; kept this long, then deleted.
DELIVERED_RETENTION = timedelta(days=90)


def _about(objects: dict[str, list[int]]) -> Q | None:
    condition = None
    for kind, ids in objects.items():
        if ids:
            part = Q(kind=kind, object_id__in=list(ids))
            condition = part if condition is None else condition | part
    return condition


def outbox_add_for_sweep(*, kind: str, object_id: int, key: str = "") -> OutboxItem:
    """Record an owed message in the caller's transaction without queueing it: the next sweep delivers it,
    a minute or two later (OUTBOX_GRACE_SECONDS). For a mail that should come after the others its cause
    sends at once, such as the address confirmation after the enrolment confirmation of a new account."""
    from django.db import transaction

    from .registry import handler_for

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_add_for_sweep must run inside the transaction that causes the message.")
    handler_for(kind)
    item, _created = OutboxItem.objects.get_or_create(kind=kind, object_id=object_id, key=key)
    return item


def outbox_items_about(*, objects: dict[str, list[int]]) -> QuerySet[OutboxItem]:
    condition = _about(objects)
    if condition is None:
        return OutboxItem.objects.none()
    return OutboxItem.objects.filter(condition).order_by("created_at", "pk")


def outbox_items_export(*, objects: dict[str, list[int]]) -> list[dict]:
    """The mails as the person reads them: which mail, when recorded, when sent (or still owed)."""
    rows = []
    for item in outbox_items_about(objects=objects):
        try:
            label = str(mail_get(item.kind).label)
        except LookupError:
            label = item.kind
        rows.append(
            {
                "mail": label,
                "created_at": item.created_at.isoformat(),
                "delivered_at": item.delivered_at.isoformat() if item.delivered_at else None,
            }
        )
    return rows


def outbox_owed_discard(*, objects: dict[str, list[int]]) -> int:
    """Drop the mails still owed about these objects (their recipient is erased); delivered ones stay in
    the log until `outbox_delivered_delete` removes them."""
    deleted, _by_model = outbox_items_about(objects=objects).filter(delivered_at__isnull=True).delete()
    return deleted


def outbox_delivered_delete(*, now: datetime) -> int:
    """Delete the log of mails delivered more than DELIVERED_RETENTION ago."""
    deleted, _by_model = OutboxItem.objects.filter(
        delivered_at__isnull=False, delivered_at__lte=now - DELIVERED_RETENTION
    ).delete()
    return deleted
