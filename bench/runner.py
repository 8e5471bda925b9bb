"""The benchmark cases. Imported by `bench.__main__` after Django is set up."""

import gc
import logging
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.enrolment_burst import run_burst
from courses.catalogue.selectors import courses_for_catalogue
from courses.models import CoursePage, CourseRun, Enrolment
from courses.selectors import run_list
from courses.services import enrolment_create
from outbox import queue
from tests.factories import CourseRunFactory, UserFactory, make_course, make_lab

N_COURSES = 200
N_RUNS = 500
N_ENROLMENTS = 200
ENROLMENT_RUNS = 10
LAB_MUNICIPALITIES = ["hameln", "bad-pyrmont", "aerzen", "emmerthal"]


@dataclass
class Result:
    name: str
    rows: int
    floor: float
    measured: float
    unit: str
    queries: int | None = None

    @property
    def ratio(self) -> float:
        return self.measured / self.floor if self.floor else float("inf")


# --- Database and data --------------------------------------------------------------------------------


@contextmanager
def bench_database(*, own_sqlite: bool):
    """A migrated, empty database that is thrown away afterwards."""
    if own_sqlite:
        call_command("migrate", verbosity=0, interactive=False)
        yield
        return
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def build_data() -> dict:
    """Labs, 200 published courses, 500 upcoming runs with two sessions each and a few seats taken."""
    labs = [make_lab(title=f"Regionallabor {slug}", municipality=slug) for slug in LAB_MUNICIPALITIES]
    courses = [
        make_course(lab=labs[i % len(labs)], title=f"Kurs {i:03d}", level=1 + i % 4) for i in range(N_COURSES)
    ]
    runs = [
        CourseRunFactory(course=courses[i % N_COURSES], capacity=12, starts_in=timedelta(days=3 + i % 60))
        for i in range(N_RUNS)
    ]
    regulars = UserFactory.create_batch(N_ENROLMENTS)
    # Three seats taken in every run, so the seat counts have rows to count.
    Enrolment.objects.bulk_create(
        Enrolment(run=run, user=regulars[(3 * i + k) % len(regulars)], status=Enrolment.Status.CONFIRMED)
        for i, run in enumerate(runs)
        for k in range(3)
    )
    enrolment_runs = [
        CourseRunFactory(course=courses[i], capacity=15, starts_in=timedelta(days=30))
        for i in range(ENROLMENT_RUNS)
    ]
    newcomers = UserFactory.create_batch(N_ENROLMENTS)
    return {"courses": courses, "runs": runs, "people": newcomers, "enrolment_runs": enrolment_runs}


# --- Measuring ----------------------------------------------------------------------------------------


def median_seconds(
    fn: Callable[[], object], *, repeat: int, reset: Callable[[], object] | None = None
) -> float:
    timings = []
    for _ in range(repeat):
        if reset:
            reset()
        gc.collect()
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def peak_bytes(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def count_queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def read_catalogue() -> int:
    """What a catalogue page reads of each course."""
    seen = 0
    for course in courses_for_catalogue():
        seen += len(course.title) + len(course.url_path) + len(course.competences.all())
        seen += bool(course.next_start) + (course.upcoming_runs or 0)
    return seen


def read_catalogue_floor() -> int:
    rows = CoursePage.objects.live().values_list("pk", "title", "url_path", "summary")
    return sum(len(title) for _pk, title, _path, _summary in rows)


def read_runs() -> int:
    """What a list of runs shows of each run."""
    seen = 0
    for run in run_list(include_past=True):
        seen += run.seats_left + run.waitlist_length + len(run.sessions.all())
        seen += len(run.course.title) + len(run.lab.title)
    return seen


def read_runs_floor() -> int:
    return sum(
        capacity for _pk, capacity, _course in CourseRun.objects.values_list("pk", "capacity", "course_id")
    )


@contextmanager
def mail_queued_not_sent():
    """In production the confirmation mail is delivered by the worker; the enrolment only records it."""
    original = queue.enqueue
    queue.enqueue = lambda *args, **kwargs: True
    try:
        yield
    finally:
        queue.enqueue = original


def case_catalogue(repeat: int) -> Result:
    measured = median_seconds(read_catalogue, repeat=repeat)
    floor = median_seconds(read_catalogue_floor, repeat=repeat)
    return Result(
        "Katalog: courses_for_catalogue", N_COURSES, floor, measured, "s", count_queries(read_catalogue)
    )


def case_run_list(repeat: int) -> Result:
    measured = median_seconds(read_runs, repeat=repeat)
    floor = median_seconds(read_runs_floor, repeat=repeat)
    return Result("Termine: run_list mit Plätzen", N_RUNS, floor, measured, "s", count_queries(read_runs))


def case_enrolment(repeat: int, data: dict) -> Result:
    runs, people = data["enrolment_runs"], data["people"]
    pairs = [(runs[i % len(runs)], person) for i, person in enumerate(people)]

    def reset():
        Enrolment.objects.filter(run__in=runs).delete()

    def with_service():
        for run, person in pairs:
            enrolment_create(run=run, user=person)

    def bare_inserts():
        for run, person in pairs:
            Enrolment.objects.create(run=run, user=person, status=Enrolment.Status.CONFIRMED)

    repeat = max(3, repeat // 2)
    with mail_queued_not_sent():
        measured = median_seconds(with_service, repeat=repeat, reset=reset)
        floor = median_seconds(bare_inserts, repeat=repeat, reset=reset)
        reset()
        per_enrolment = count_queries(lambda: enrolment_create(run=runs[0], user=people[0]))
        reset()
    waitlisted = N_ENROLMENTS - ENROLMENT_RUNS * 15
    name = f"Anmeldung: enrolment_create ({waitlisted} auf Warteliste)"
    return Result(name, N_ENROLMENTS, floor, measured, "s", per_enrolment)


def case_catalogue_memory() -> Result:
    measured = peak_bytes(read_catalogue)
    floor = peak_bytes(read_catalogue_floor)
    return Result("Katalog: Spitzenspeicher", N_COURSES, floor, measured, "B")


# --- Report -------------------------------------------------------------------------------------------


def _amount(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:9.1f} ms"
    return f"{value / 1024:9.0f} KiB"


def print_table(results: list[Result], *, vendor: str) -> None:
    header = f"{'Messung':<48} {'Zeilen':>6} {'Boden':>12} {'gemessen':>12} {'Faktor':>7} {'Abfragen':>8}"
    print()
    print(f"Benchmarks auf {vendor}; Faktor = gemessen / Boden (gleiche Daten, gleicher Lauf)")
    print(header)
    print("-" * len(header))
    for r in results:
        queries = "" if r.queries is None else str(r.queries)
        print(
            f"{r.name:<48} {r.rows:>6} {_amount(r.floor, r.unit):>12} {_amount(r.measured, r.unit):>12} "
            f"{r.ratio:>6.1f}x {queries:>8}"
        )
    print()
    print("Boden: Katalog und Termine = bloßes values_list über dieselben Zeilen; Anmeldung = bloßes INSERT")
    print("je Anmeldung (ohne Sperre, Prüfung und Warteliste). Abfragen: je Liste bzw. je Anmeldung.")


def run_benchmarks(*, repeat: int, own_sqlite: bool) -> int:
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    started = time.perf_counter()
    with bench_database(own_sqlite=own_sqlite):
        print("Datenbank bereit, baue Testdaten …", flush=True)
        data = build_data()
        print(
            f"{N_COURSES} Kurse, {N_RUNS + ENROLMENT_RUNS} Termine, {2 * N_ENROLMENTS} Personen; messe …",
            flush=True,
        )
        results = [
            case_catalogue(repeat),
            case_run_list(repeat),
            case_enrolment(repeat, data),
            case_catalogue_memory(),
        ]
        print_table(results, vendor=connection.vendor)
        held = True
        if connection.vendor == "postgresql":
            held = run_burst(course=data["courses"][0], rounds=max(3, repeat // 2))
        else:
            print()
            print("Anmelde-Ansturm über HTTP übersprungen: er braucht DATABASE_URL mit PostgreSQL.")
    print(f"Dauer insgesamt: {time.perf_counter() - started:.0f} s")
    return 0 if held else 1
