"""More processes on the same database and broker: two web processes and two workers, started by the one
command production uses (`honcho start` with the Procfile), serve one enrolment flow correctly.

A person's token, made by one web process, works on the other; a browser session made on one is known to the
other; seats are counted once across both; each mail is sent exactly once although two workers take tasks;
`/healthz` on each web process sees a worker and the heartbeat that beat queues; every log line is one JSON
object, and the worker's lines carry the id of the request that queued their task.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.conf import settings

from courses.models import Enrolment
from tests.factories import CourseRunFactory, UserFactory
from tests.integration.conftest import RedisBroker, _free_port, mails_in, worker_database_url
from tests.outbox.broker import using_broker

HONCHO = Path(sys.executable).with_name("honcho")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL"),
]

HTTPS = {"X-Forwarded-Proto": "https"}  # as the proxy in front of the web processes says


class Platform:
    """`honcho start -c web=2,worker=2,beat=1` against the test database and a Redis of its own."""

    def __init__(self, folder: Path, redis_url: str):
        self.folder = folder
        self.mail = folder / "mail"
        self.mail.mkdir(parents=True)
        self.log_path = folder / "honcho.log"
        self.port = _free_port()
        base = redis_url.rsplit("/", 1)[0]
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "scale-out-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": f"{base}/0",
            "CELERY_RESULT_BACKEND": "",
            "CACHE_URL": f"{base}/1",
            "EMAIL_URL": f"filemail:///{self.mail}",
            "PRIVATE_STORAGE_ROOT": str(folder / "private"),
            "MEDIA_ROOT": str(folder / "media"),
            "BEAT_SCHEDULE_FILE": str(folder / "beat-schedule"),
            "WEB_CONCURRENCY": "1",
            "WORKER_CONCURRENCY": "1",
            "OUTBOX_SWEEP_SECONDS": "2",
            "OUTBOX_GRACE_SECONDS": "1",
            "LOG_FORMAT": "json",
            "LOG_REQUESTS": "1",
            "CONN_MAX_AGE": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "MFA_REQUIRED": "0",
            "PYTHONUNBUFFERED": "1",
        }
        # `make serve` collects the static files first; the pages here need only their names, not the files.
        env["STATIC_MANIFEST"] = "0"
        env["STATIC_ROOT"] = str(folder / "static")
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(HONCHO), "start", "-f", "Procfile", "-p", str(self.port), "-c", "web=2,worker=2,beat=1"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.web = [f"http://127.0.0.1:{self.port}", f"http://127.0.0.1:{self.port + 1}"]

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def lines_of(self, process: str) -> list[dict]:
        """The JSON log lines a process (`web.1`, `worker.2`, ...) wrote."""
        found = []
        for line in self.output().splitlines():
            match = re.match(rf"^\S+ {re.escape(process)}\s+\| (\{{.*\}})$", line)
            if match:
                found.append(json.loads(match.group(1)))
        return found

    def plain_lines_of(self, process: str) -> list[str]:
        return [
            line
            for line in self.output().splitlines()
            if re.match(rf"^\S+ {re.escape(process)}\s+\| ", line)
            and not line.split("| ", 1)[1].startswith("{")
        ]

    def mails(self) -> Counter:
        return Counter(mails_in(self.mail))

    def wait(self, condition, *, seconds: float, what: str):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"honcho stopped:\n{self.output()[-6000:]}"
            try:
                result = condition()
            except requests.RequestException:
                result = None
            if result:
                return result
            time.sleep(0.5)
        raise AssertionError(f"{what}: not after {seconds} s.\n{self.output()[-8000:]}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def platform(tmp_path):
    broker = RedisBroker(tmp_path / "redis")
    broker.start()
    platform = Platform(tmp_path / "platform", broker.url)
    try:
        # What the test process itself queues (its factories' signals) goes to the same broker.
        with using_broker(f"{broker.url.rsplit('/', 1)[0]}/0"):
            yield platform
    finally:
        platform.stop()
        broker.stop()


def _healthy(url: str):
    response = requests.get(f"{url}/healthz", timeout=5)  # plain HTTP: monitoring is exempt from the redirect
    return response.status_code == 200 and response.json()


def _token(url: str, email: str) -> str:
    response = requests.post(
        f"{url}/api/v1/auth/token/",
        json={"email": email, "password": "geheim-1234"},
        headers=HTTPS,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def _api(method: str, url: str, token: str, request_id: str = "", **kwargs):
    headers = {**HTTPS, "Authorization": f"Token {token}"}
    if request_id:
        headers["X-Request-ID"] = request_id
    return requests.request(method, url, headers=headers, timeout=10, **kwargs)


def test_two_web_processes_and_two_workers_serve_one_enrolment_flow(platform):
    run = CourseRunFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    web1, web2 = platform.web

    for url in platform.web:
        health = platform.wait(lambda url=url: _healthy(url), seconds=120, what=f"{url}/healthz")
        assert health == {
            "broker": "ok",
            "cache": "ok",
            "database": "ok",
            "heartbeat": "ok",
            "storage": "ok",
            "worker": "ok",
        }

    # A token made by one web process works on the other.
    first_token, second_token = _token(web1, first.email), _token(web2, second.email)
    taken = _api("post", f"{web2}/api/v1/runs/{run.pk}/enrol/", first_token, request_id="scale-out-enrol-1")
    assert taken.status_code == 201, taken.text
    assert taken.json()["status"] == "confirmed"
    waiting = _api("post", f"{web1}/api/v1/runs/{run.pk}/enrol/", second_token)
    assert waiting.json() == {**waiting.json(), "status": "waitlisted", "waitlist_position": 1}
    again = _api("post", f"{web1}/api/v1/runs/{run.pk}/enrol/", first_token)
    assert again.status_code == 409

    # A browser session made by one web process is known to the other.
    browser = requests.Session()
    browser.headers.update(HTTPS)
    login_page = browser.get(f"{web1}/konto/einloggen/", timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    logged_in = browser.post(
        f"{web1}/konto/einloggen/",
        data={"csrfmiddlewaretoken": csrf, "email": second.email, "password": "geheim-1234"},
        headers={"Referer": f"{web1.replace('http:', 'https:')}/konto/einloggen/"},
        timeout=10,
        allow_redirects=False,
    )
    assert logged_in.status_code == 302, logged_in.text[:2000]
    account = browser.get(f"{web2}/konto/", timeout=10)
    assert account.status_code == 200
    assert second.email in account.text

    # The first person gives the seat back on the other process; the person waiting gets it.
    enrolment = Enrolment.objects.get(run=run, user=first)
    cancelled = _api("post", f"{web1}/api/v1/enrolments/{enrolment.pk}/cancel/", first_token)
    assert cancelled.status_code == 200, cancelled.text
    mine = _api("get", f"{web2}/api/v1/me/enrolments/", second_token).json()["results"]
    assert [(row["run"], row["status"]) for row in mine] == [(run.pk, "confirmed")]
    assert Enrolment.objects.filter(run=run, status__in=Enrolment.SEAT_HOLDING).count() == 1

    # Each mail once, although two workers (and the sweep) take the tasks.
    expected = 4  # first: confirmation, cancellation; second: waiting list, promotion
    platform.wait(lambda: sum(platform.mails().values()) >= expected, seconds=90, what="four mails")
    time.sleep(4)  # two more sweeps: nothing is sent twice
    sent = platform.mails()
    assert sum(sent.values()) == expected, sent
    assert {to for to, _subject in sent} == {first.email, second.email}
    assert set(sent.values()) == {1}

    # Both workers and both web processes ran; every line of the web processes and the workers is JSON.
    assert platform.lines_of("worker.1") and platform.lines_of("worker.2")
    assert platform.lines_of("web.1") and platform.lines_of("web.2")
    for process in ("web.1", "web.2", "worker.1", "worker.2", "beat.1"):
        assert platform.plain_lines_of(process) == [], platform.plain_lines_of(process)
    enrol_lines = [
        line for line in platform.lines_of("web.2") if line.get("request_id") == "scale-out-enrol-1"
    ]
    assert any("status=201" in line["message"] for line in enrol_lines)
    task_lines = [
        line
        for process in ("worker.1", "worker.2")
        for line in platform.lines_of(process)
        if line.get("request_id") == "scale-out-enrol-1"
    ]
    assert task_lines, "the confirmation mail's task logs with the id of the request that queued it"
