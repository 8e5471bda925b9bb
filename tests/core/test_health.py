"""`GET /healthz`: every part answers "ok" or what is wrong, and the status says whether all is well."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable

from core.health import HEARTBEAT_KEY, heartbeat_record
from core.tasks import heartbeat
from tests.integration.conftest import RedisBroker
from tests.outbox.broker import broker_down, using_broker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_heartbeat():
    cache.delete(HEARTBEAT_KEY)


@pytest.fixture
def live_broker(tmp_path):
    broker = RedisBroker(tmp_path / "redis")
    broker.start()
    try:
        with using_broker(broker.url):
            yield broker
    finally:
        broker.stop()


def test_with_tasks_inline_the_database_cache_and_storage_are_checked(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "broker": "inline",
        "cache": "ok",
        "database": "ok",
        "heartbeat": "inline",
        "storage": "ok",
        "worker": "inline",
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_database_that_does_not_answer_makes_it_503(client, monkeypatch):
    def refuse(self):
        raise ServiceUnavailable("connection refused")

    monkeypatch.setattr(Database, "run", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "connection refused"
    assert response.json()["cache"] == "ok"


@pytest.mark.usefixtures("broker_down")
def test_a_broker_that_is_down_makes_it_503(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "unreachable"
    assert body["database"] == "ok"


def test_without_a_worker_or_heartbeat_it_is_503_although_the_broker_answers(client, live_broker):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "ok"
    assert body["worker"] != "ok"
    assert body["heartbeat"] == "no heartbeat yet"


def test_a_stale_heartbeat_is_reported_with_its_age(client, live_broker, settings):
    settings.HEALTH_HEARTBEAT_MAX_AGE = 300
    cache.set(HEARTBEAT_KEY, (timezone.now() - timedelta(minutes=10)).isoformat())

    body = client.get("/healthz").json()

    assert body["heartbeat"].startswith("last heartbeat 6")
    assert body["heartbeat"].endswith(" s ago")


def test_a_recent_heartbeat_is_ok(client, live_broker):
    heartbeat_record()

    assert client.get("/healthz").json()["heartbeat"] == "ok"


def test_the_heartbeat_task_records_the_time(clock):
    heartbeat.delay()

    assert cache.get(HEARTBEAT_KEY) == timezone.now().isoformat()


def test_check_deploy_warns_about_a_cache_of_one_process(settings):
    from django.core.checks import run_checks

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "core.W001" in [message.id for message in run_checks(include_deployment_checks=True)]

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}
    }
    assert "core.W001" not in [message.id for message in run_checks(include_deployment_checks=True)]
