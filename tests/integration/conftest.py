"""What the worker tests share: the test database's URL, a Redis broker of their own, a worker process,
and the mails the worker wrote to files."""

import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.outbox.broker import using_broker

CELERY = Path(sys.executable).with_name("celery")
REDIS_SERVER = shutil.which("redis-server")


def worker_database_url() -> str:
    """The URL of the database pytest-django created, so the worker sees the committed test data."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def mails_in(folder: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every mail Django's file backend wrote into the folder, sorted."""
    separator = "\n" + "-" * 79 + "\n"
    sent = []
    for path in folder.iterdir():
        for raw in path.read_text().split(separator):
            if raw.strip():
                message = email.message_from_string(raw)
                sent.append((message["To"], str(make_header(decode_header(message["Subject"])))))
    return sorted(sent)


class RedisBroker:
    """A redis-server on a free local port that a test can stop and start again."""

    def __init__(self, folder: Path):
        self.port = _free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


@pytest.fixture
def redis_broker(tmp_path):
    """A broker of this test's own; the test process's Celery app publishes to it."""
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server")
    broker = RedisBroker(tmp_path / "redis")
    broker.start()
    try:
        with using_broker(broker.url):
            yield broker
    finally:
        broker.stop()


class Worker:
    """A Celery worker process against the test database, writing files and mails to its own folders."""

    def __init__(self, *, folder: Path, broker_url: str, arguments: list[str], environment: dict):
        self.folder = folder
        self.private = folder / "private"
        self.mail = folder / "mail"
        self.log_path = folder / "worker.log"
        self.mail.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": "",
            "PRIVATE_STORAGE_ROOT": str(self.private),
            # django-environ drops the first slash of the path: four slashes give an absolute folder.
            "EMAIL_URL": f"filemail:///{self.mail}",
            "CONN_MAX_AGE": "0",
            **environment,
        }
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(CELERY), "-A", "config", "worker", "--loglevel=INFO", *arguments],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def mails(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every mail the worker sent, in no particular order."""
        return mails_in(self.mail)

    def pdf_files(self) -> list[Path]:
        folder = self.private / "certificates"
        return sorted(folder.iterdir()) if folder.exists() else []

    def stop(self) -> None:
        _stop(self.process)


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Starts workers for the test and stops them after it."""
    workers = []

    def start(*, broker_url: str, arguments: list[str], environment: dict | None = None) -> Worker:
        worker = Worker(
            folder=tmp_path / f"worker-{len(workers)}",
            broker_url=broker_url,
            arguments=arguments,
            environment=environment or {},
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until(condition, *, seconds: float, worker: Worker) -> None:
    """Poll until `condition()` holds; fail with the worker's log when time is up or the worker died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.alive(), f"The worker stopped early:\n{worker.log()}"
        time.sleep(0.3)
    raise AssertionError(f"Not done after {seconds} s. Worker log:\n{worker.log()}")
