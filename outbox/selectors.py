"""Read queries of the outbox."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from .models import OutboxItem

SWEEP_BATCH = 500


def outbox_owed() -> QuerySet[OutboxItem]:
    return OutboxItem.objects.filter(delivered_at__isnull=True)


def outbox_owed_count() -> int:
    """How many messages are still owed, for the admin."""
    return outbox_owed().count()


def outbox_due_ids(*, now: datetime, grace: timedelta, max_attempts: int) -> list[int]:
    """Owed items that nobody holds and that are older than the grace period, oldest first.

    The grace period leaves fresh items to the delivery queued with them; an item tried `max_attempts`
    times is left for a person to look at.
    """
    return list(
        outbox_owed()
        .filter(created_at__lte=now - grace, attempts__lt=max_attempts)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
