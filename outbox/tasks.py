"""Delivering owed messages, and the sweep that queues again whatever is still owed."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .queue import enqueue
from .selectors import outbox_due_ids
from .services import Delivery, outbox_deliver


class DeliveryFailed(Exception):
    """The handler failed; the item stays owed and the task is retried later."""


@shared_task(
    bind=True,
    autoretry_for=(DeliveryFailed,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def deliver(self, item_id: int) -> str:
    outcome = outbox_deliver(item_id=item_id)
    # Inline (no broker) there is nobody to retry later: the item stays owed for the sweep.
    if outcome is Delivery.FAILED and not self.request.is_eager:
        raise DeliveryFailed(f"Outbox item {item_id} could not be delivered.")
    return outcome.value


@shared_task
def sweep() -> int:
    """Queue every owed item that nobody holds; returns how many were queued."""
    due = outbox_due_ids(now=timezone.now(), grace=timedelta(seconds=settings.OUTBOX_GRACE_SECONDS))
    return sum(enqueue(deliver, item_id) for item_id in due)
