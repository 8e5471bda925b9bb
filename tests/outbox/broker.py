"""Pointing the Celery app of the test process at a broker that is down (or at another one)."""

import socket

import pytest

from config.celery import app as celery_app


def _closed_port() -> int:
    """A local port that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_broker(url: str, *, eager: bool) -> None:
    """Point this process's Celery app at another broker, dropping connections made to the old one."""
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks are queued for real, to a broker that cannot be reached."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    use_broker(f"redis://127.0.0.1:{_closed_port()}/0", eager=False)
    yield
    use_broker(previous[0], eager=previous[1])
