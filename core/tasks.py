from celery import shared_task

from .health import heartbeat_record


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat queues this every minute; `/healthz` reports when no worker has carried it out lately."""
    heartbeat_record()
