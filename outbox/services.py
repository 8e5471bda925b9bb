"""Recording and delivering owed messages: each item is sent at most once, however often it is queued."""

import enum
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import queue
from .models import OutboxItem
from .registry import handler_for

logger = logging.getLogger(__name__)


class Delivery(enum.Enum):
    DELIVERED = "delivered"
    FAILED = "failed"
    # Delivered already, or another worker holds it right now.
    SKIPPED = "skipped"


def outbox_add(*, kind: str, object_id: int, key: str = "") -> OutboxItem:
    """Record that a message is owed, in the caller's transaction, and queue its delivery after the commit.

    Recording the same kind for the same object (and key) twice gives one item, so it is delivered once.
    """
    (item,) = outbox_add_many(kind=kind, items=[(object_id, key)])
    return item


def outbox_add_many(*, kind: str, items: list[tuple[int, str]]) -> list[OutboxItem]:
    """Record several owed messages of one kind, as `(object_id, key)` pairs, in one statement."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_add must run inside the transaction that causes the message.")
    handler_for(kind)  # an unknown kind fails here, in the cause's transaction, not later in the worker
    if not items:
        return []
    # One statement (INSERT ... ON CONFLICT): enrolling pays one query for its mail, not a savepoint dance.
    # An item recorded before keeps its state; queueing it again is harmless, the claim skips what is done.
    recorded = OutboxItem.objects.bulk_create(
        [OutboxItem(kind=kind, object_id=object_id, key=key) for object_id, key in items],
        update_conflicts=True,
        unique_fields=["kind", "object_id", "key"],
        update_fields=["kind"],
    )
    for item in recorded:
        transaction.on_commit(lambda pk=item.pk: queue_delivery(pk))
    return recorded


def queue_delivery(item_id: int) -> bool:
    """Queue the delivery of one item; a broker that is down leaves it owed for the sweep."""
    from .tasks import deliver

    return queue.enqueue(deliver, item_id)


def _lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def outbox_deliver(*, item_id: int) -> Delivery:
    """Deliver an owed item once: claim it, call its kind's handler, mark it delivered.

    The claim and the mark are conditional updates, so a second worker or a repeated task sends nothing.
    A failure frees the claim and keeps the item owed, with the error, for a retry.
    """
    now = timezone.now()
    claimed_until = now + _lease()
    claimed = (
        OutboxItem.objects.filter(pk=item_id, delivered_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=claimed_until, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Delivery.SKIPPED
    item = OutboxItem.objects.get(pk=item_id)
    ours = OutboxItem.objects.filter(pk=item_id, delivered_at__isnull=True, claimed_until=claimed_until)
    try:
        handler_for(item.kind)(item.object_id, item.key)
    except Exception as error:
        ours.update(claimed_until=None, last_error=f"{type(error).__name__}: {error}"[:2000])
        logger.warning("Delivering outbox item %s (%s) failed: %s", item.pk, item, error)
        return Delivery.FAILED
    if not ours.update(delivered_at=timezone.now(), claimed_until=None, last_error=""):
        logger.warning("Outbox item %s was delivered after its claim ran out", item.pk)
    return Delivery.DELIVERED
