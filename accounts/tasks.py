from celery import shared_task

from . import services


@shared_task
def prune_api_tokens() -> int:
    """Daily: delete every expired API token. Idempotent."""
    return services.api_tokens_prune_expired()
