"""`GET /healthz` for monitoring: each part of the platform answers "ok" or what is wrong, 503 if any is down.

The checks are django-health-check's (database, cache, storage, Celery ping) plus two of ours: the broker
connection and the worker heartbeat, a beat task that a worker carries out every minute
(`core.tasks.heartbeat`), so a stale heartbeat means beat or every worker has stopped. Without a broker
(`make run`: tasks run inline) the broker, worker and heartbeat are reported as "inline" and count as healthy.
"""

import asyncio
import dataclasses
import datetime

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

HEARTBEAT_KEY = "health:worker-heartbeat"
INLINE = "inline"


def heartbeat_record() -> None:
    """Note that a worker is alive now (the heartbeat task calls this)."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=2), repr=False)

    def run(self):
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:
            raise ServiceUnavailable("unreachable") from error


@dataclasses.dataclass
class Heartbeat(HealthCheck):
    """A worker carried out the heartbeat task recently."""

    max_age: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(seconds=settings.HEALTH_HEARTBEAT_MAX_AGE), repr=False
    )

    async def run(self):
        value = await cache.aget(HEARTBEAT_KEY)
        if value is None:
            raise ServiceUnavailable("no heartbeat yet")
        age = timezone.now() - datetime.datetime.fromisoformat(value)
        if age > self.max_age:
            raise ServiceUnavailable(f"last heartbeat {int(age.total_seconds())} s ago")


def _checks() -> dict[str, HealthCheck | None]:
    """The parts by the name the answer gives them; None: not used in this setup (tasks run inline)."""
    inline = bool(current_app.conf.task_always_eager)
    return {
        "database": Database(),
        "cache": Cache(),
        "storage": Storage(),
        "broker": None if inline else Broker(),
        "worker": None if inline else Ping(limit=1, timeout=datetime.timedelta(seconds=2)),
        "heartbeat": None if inline else Heartbeat(),
    }


class HealthzView(HealthCheckView):
    """Always JSON (DESIGN.md contract): `{"database": "ok", "broker": "ok", ...}`, 200 or 503."""

    async def get(self, request, *args, **kwargs):
        checks = _checks()
        running = {name: check for name, check in checks.items() if check is not None}
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in running.values()))
        answer = {name: INLINE for name, check in checks.items() if check is None}
        for name, result in zip(running, results, strict=True):
            answer[name] = "ok" if result.error is None else str(result.error.message)
        healthy = all(result.error is None for result in results)
        return JsonResponse(dict(sorted(answer.items())), status=200 if healthy else 503)


healthz = HealthzView.as_view()
