"""The enrolment burst: 200 people enrol in one run of 20 seats at the same moment, over HTTP.

A real gunicorn server (3 processes with 8 threads each, gthread) serves the platform from the benchmark's
throwaway PostgreSQL database. 64 client threads, released together, send `POST /api/v1/runs/{id}/enrol/`
with `Authorization: Token ...` for 200 people. The floor is the same server answering the same people at
`bench/floor/{id}/` (`bench.floor`): token authentication, one SELECT, one INSERT, no lock.

Afterwards exactly 20 people hold a seat and 180 wait at positions 1 to 180, in the database and in what
the answers told them. Each round takes a fresh run and 200 fresh people; floor and enrolment alternate, so
both see the same machine. Only on PostgreSQL: on SQLite three server processes would queue for one file,
which is not how the platform runs in production.
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from accounts.services import api_token_create
from bench.floor import CREATE_TABLE
from courses.models import CoursePage, CourseRun, Enrolment
from courses.selectors import waitlist_position_expression
from tests.factories import CourseRunFactory, UserFactory

PEOPLE = 200
CAPACITY = 20
CLIENT_THREADS = 64
SERVER_WORKERS = 3
SERVER_THREADS = 8
# Enough to open every server thread's database connection and load every code path before measuring.
WARM_UP_REQUESTS = 300
START_SECONDS = 60


@dataclass
class Round:
    """What one burst of requests came back with."""

    seconds: float
    latencies: list[float]
    statuses: Counter
    answers: list[dict] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds


@dataclass
class Outcome:
    """Whether the run ended as it must: the seats given exactly, the waiting list without gaps."""

    confirmed: int
    waitlisted: int
    positions_ok: bool
    told_ok: bool
    answered_ok: bool

    @property
    def held(self) -> bool:
        return (
            self.confirmed == CAPACITY
            and self.waitlisted == PEOPLE - CAPACITY
            and self.positions_ok
            and self.told_ok
            and self.answered_ok
        )


# --- Server -------------------------------------------------------------------------------------------


def database_url() -> str:
    """The URL of the benchmark's own database, for the server processes."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server(folder: Path):
    """A gunicorn on a free local port serving `bench.wsgi`; yields the port, stops the server after."""
    port = free_port()
    static_root = folder / "static"
    static_root.mkdir()
    log_path = folder / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(),
        "STATIC_ROOT": str(static_root),
        "DEBUG": "0",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "bench.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--worker-class=gthread",
        f"--workers={SERVER_WORKERS}",
        f"--threads={SERVER_THREADS}",
        "--timeout=120",
        "--log-level=warning",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield port
    except Exception:
        print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        wait_for_server_connections_closed()


def wait_for_server_connections_closed(seconds: float = 10) -> None:
    """The throwaway database can only be dropped once the server's connections have gone."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


class Client:
    """One keep-alive connection to the server, opened with the first request."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, token: str) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Authorization": f"Token {token}", "Accept": "application/json", "Content-Length": "0"}
        try:
            self.connection.request("POST", path, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, b""
        if response.will_close:
            self.close()
        return response.status, body

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def wait_until_serving(port: int, path: str, token: str) -> None:
    """Until the workers have loaded the platform and answer, or START_SECONDS have passed."""
    deadline = time.monotonic() + START_SECONDS
    client = Client(port)
    while time.monotonic() < deadline:
        status, _body = client.post(path, token)
        if status == 201:
            client.close()
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {START_SECONDS} s")


def fire(port: int, requests: list[tuple[str, str]]) -> Round:
    """Send the requests (path, token) from CLIENT_THREADS threads released together; each thread takes the
    next request as soon as its previous one is answered."""
    pending = iter(enumerate(requests))
    take = threading.Lock()
    latencies = [0.0] * len(requests)
    statuses = [0] * len(requests)
    bodies = [b""] * len(requests)
    barrier = threading.Barrier(CLIENT_THREADS + 1)

    def client_thread() -> None:
        client = Client(port)
        barrier.wait()
        while True:
            with take:
                item = next(pending, None)
            if item is None:
                break
            i, (path, token) = item
            started = time.perf_counter()
            statuses[i], bodies[i] = client.post(path, token)
            latencies[i] = time.perf_counter() - started
        client.close()

    threads = [threading.Thread(target=client_thread) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    answers = [
        json.loads(body) if status == 201 else {} for status, body in zip(statuses, bodies, strict=True)
    ]
    return Round(seconds=seconds, latencies=latencies, statuses=Counter(statuses), answers=answers)


# --- Data and checks ----------------------------------------------------------------------------------


def people_with_tokens(count: int) -> list[str]:
    """`count` new people and their API tokens (as `POST auth/token/` would give them)."""
    people = UserFactory.create_batch(count, password=None)
    return [api_token_create(user=person, name="Messung")[1] for person in people]


def new_run(course: CoursePage) -> CourseRun:
    return CourseRunFactory(course=course, capacity=CAPACITY, starts_in=timedelta(days=30))


def check(run: CourseRun, burst: Round) -> Outcome:
    places = Enrolment.objects.filter(run=run)
    waiting = places.filter(status=Enrolment.Status.WAITLISTED)
    positions = sorted(
        waiting.annotate(position=waitlist_position_expression()).values_list("position", flat=True)
    )
    told = sorted(a["waitlist_position"] for a in burst.answers if a.get("status") == "waitlisted")
    expected = list(range(1, PEOPLE - CAPACITY + 1))
    return Outcome(
        confirmed=places.filter(status=Enrolment.Status.CONFIRMED).count(),
        waitlisted=len(positions),
        positions_ok=positions == expected,
        told_ok=told == expected and sum(a.get("status") == "confirmed" for a in burst.answers) == CAPACITY,
        answered_ok=burst.statuses == Counter({201: PEOPLE}),
    )


# --- Report -------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _row(name: str, rounds: list[Round]) -> tuple[float, float, float]:
    latencies = [latency for burst in rounds for latency in burst.latencies]
    per_second = statistics.median(burst.per_second for burst in rounds)
    median, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(
        f"{name:<44} {PEOPLE:>8} {per_second:>9.0f} {median * 1000:>9.1f} ms {p95 * 1000:>9.1f} ms",
    )
    return per_second, median, p95


def print_report(floor: list[Round], enrolment: list[Round], outcomes: list[Outcome]) -> None:
    header = f"{'Messung':<44} {'Anfragen':>8} {'Anfr./s':>9} {'Median':>12} {'p95':>12}"
    print()
    print(
        f"Anmelde-Ansturm über HTTP: gunicorn {SERVER_WORKERS} Prozesse × {SERVER_THREADS} Threads "
        f"(gthread), {CLIENT_THREADS} Clients, {len(enrolment)} Runden; Anfr./s: Median der Runden"
    )
    print(header)
    print("-" * len(header))
    floor_rate, _floor_median, floor_p95 = _row("Boden: Token, ein SELECT, ein INSERT", floor)
    rate, _median, p95 = _row(f"Anmeldung: POST runs/{{id}}/enrol/ ({CAPACITY} Plätze)", enrolment)
    print()
    print(f"Durchsatz Anmeldung / Boden: {rate / floor_rate:.2f} (Ziel mindestens 0,5)")
    print(f"p95 Anmeldung / Boden:       {p95 / floor_p95:.2f} (Ziel höchstens 2)")
    for number, outcome in enumerate(outcomes, start=1):
        verdict = "eingehalten" if outcome.held else "VERLETZT"
        print(
            f"Runde {number}: {outcome.confirmed} bestätigt, {outcome.waitlisted} auf der Warteliste; "
            f"Plätze 1 bis {PEOPLE - CAPACITY} ohne Lücke: {'ja' if outcome.positions_ok else 'nein'}, "
            f"in den Antworten: {'ja' if outcome.told_ok else 'nein'}, "
            f"alle mit 201 beantwortet: {'ja' if outcome.answered_ok else 'nein'} – {verdict}"
        )
    print("Der Server nimmt Mails in den Ausgang auf, verschickt sie aber nicht (das tut im Betrieb der")
    print("Celery-Worker). Die API-Drosseln sind nur für den Server des Benchmarks hochgesetzt")
    print("(bench/settings.py), damit der Benchmark die Anmeldung misst und nie die Drossel.")


# --- The burst ----------------------------------------------------------------------------------------


def run_burst(*, course: CoursePage, rounds: int) -> bool:
    """Measure the floor and the enrolment burst `rounds` times each; print them. Returns whether every
    round ended with the seats and the waiting list exact."""
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    warm_up_run = new_run(course)
    warm_up_tokens = people_with_tokens(CLIENT_THREADS)
    floor_path = f"/bench/floor/{warm_up_run.pk}/"
    floor, enrolment, outcomes = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-burst-") as folder, gunicorn_server(Path(folder)) as port:
        wait_until_serving(port, floor_path, warm_up_tokens[0])
        fire(port, [(floor_path, warm_up_tokens[i % CLIENT_THREADS]) for i in range(WARM_UP_REQUESTS)])
        fire(port, [(f"/api/v1/runs/{warm_up_run.pk}/enrol/", token) for token in warm_up_tokens])
        for number in range(1, rounds + 1):
            run, tokens = new_run(course), people_with_tokens(PEOPLE)
            print(f"Runde {number} von {rounds} …", flush=True)
            floor.append(fire(port, [(f"/bench/floor/{run.pk}/", token) for token in tokens]))
            burst = fire(port, [(f"/api/v1/runs/{run.pk}/enrol/", token) for token in tokens])
            enrolment.append(burst)
            outcomes.append(check(run, burst))
    print_report(floor, enrolment, outcomes)
    return all(outcome.held for outcome in outcomes)
