"""Pointing the Celery app of the test process at a broker that is down (or at another one)."""

import socket
from contextlib import contextmanager

import pytest

from config.celery import app as celery_app

SETTINGS = ("broker_url", "broker_write_url", "broker_read_url", "task_always_eager")


def _closed_port() -> int:
    """A local port that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _drop_connections() -> None:
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


@contextmanager
def using_broker(url: str):
    """Tasks are published for real (not run inline) to the broker at `url` until the block ends."""
    previous = {name: celery_app.conf[name] for name in SETTINGS}
    celery_app.conf.update(broker_url=url, broker_write_url=url, broker_read_url=url, task_always_eager=False)
    _drop_connections()
    try:
        yield
    finally:
        celery_app.conf.update(previous)
        _drop_connections()


@pytest.fixture
def broker_down():
    """Tasks are queued for real, to a broker that cannot be reached."""
    with using_broker(f"redis://127.0.0.1:{_closed_port()}/0"):
        yield
