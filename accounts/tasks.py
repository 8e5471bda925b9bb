from celery import shared_task

from . import services


@shared_task
def prune_api_tokens() -> int:
    """Daily: delete every expired API token. Idempotent."""
    return services.api_tokens_prune_expired()


@shared_task
def apply_retention_rule(key: str) -> int:
    """Daily, one per rule (CELERY_BEAT_SCHEDULE): delete or anonymise what is due. Idempotent."""
    from .privacy.retention import retention_apply

    return retention_apply(key=key)
