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
    # Well inside the claim's lease, so a hanging mail server never lets a second worker send the same mail.
    soft_time_limit=120,
    time_limit=150,
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
    due = outbox_due_ids(
        now=timezone.now(),
        grace=timedelta(seconds=settings.OUTBOX_GRACE_SECONDS),
        max_attempts=settings.OUTBOX_MAX_ATTEMPTS,
    )
    return sum(enqueue(deliver, item_id, expires=sweep_expiry()) for item_id in due)


def sweep_expiry() -> float:
    """Seconds after which a message queued by a sweep is dropped: while no worker runs, the sweeps would
    otherwise pile up copies; the next sweep queues whatever is still owed."""
    return 2 * settings.OUTBOX_SWEEP_SECONDS
