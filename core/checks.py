"""Deployment checks of our own (`manage.py check --deploy`): what more web processes need to share."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Rate limits, lockouts of the API throttle and the worker heartbeat live in the cache: every web process
    must see the same one."""
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        return [
            Warning(
                "The default cache is kept per process or per machine.",
                hint="Set CACHE_URL to Redis (redis://host:6379/2) so that rate limits and /healthz's "
                "heartbeat hold across web processes and workers.",
                id="core.W001",
            )
        ]
    return []
