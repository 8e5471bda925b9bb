"""`python -m bench.api`: the API's lists of runs and course offers at district scale, each against a floor
measured in the same run.

A throwaway database gets the district of the catalogue benchmark (`bench.catalogue.build_data`): 8 labs,
500 published course offers and 5,000 runs with two or three sessions each (one run in ten already over),
seats taken in every upcoming run, some runs full with a waiting list.

Each case is one GET of the API as a client that is not logged in sends it, through Django's handler and the
platform's middleware: `runs/?page_size=100`, `courses/` (20 a page) and `courses/?page_size=100`. Its floor
is a bare Django view (`bench.api_floor`) that answers the same JSON (same fields, same number of items,
same `count`, `next` and `previous`) from one `.values()` query plus the count; before timing, the floor's
JSON is checked to equal the API's (else the run ends with 1). API and floor are requested in turn,
`--repeat` times each after a warm-up; the medians count and the factor is API / floor (goal: at most 2.5).
Queries per request are counted for both.

`--profile` adds a CPU-time profile of each list over a few requests. Without DATABASE_URL the benchmark
runs on a fresh SQLite file; with it on a throwaway database next to the one named (PostgreSQL:
`test_<name>`), never on it. The figures are also written to var/bench/api.json.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
import warnings
from dataclasses import asdict
from pathlib import Path

from bench.catalogue import (
    N_COURSES,
    N_LABS,
    ROOT,
    Result,
    build_data,
    get,
    measure,
    prepare_environment,
    profile,
)

GOAL_RATIO = 2.5
CASES = [
    ("GET runs/?page_size=100", "/api/v1/runs/?page_size=100", "/bench/floor/api/runs/?page_size=100"),
    ("GET courses/ (20 je Seite)", "/api/v1/courses/", "/bench/floor/api/courses/"),
    (
        "GET courses/?page_size=100",
        "/api/v1/courses/?page_size=100",
        "/bench/floor/api/courses/?page_size=100",
    ),
]


def same_json(client, name: str, url: str, floor_url: str) -> bool:
    """Whether the floor answers what the API answers (its own links pointing to its own address)."""
    api = json.loads(get(client, url))
    floor_path, api_path = floor_url.split("?")[0], url.split("?")[0]
    floor = json.loads(get(client, floor_url).replace(floor_path, api_path))
    if api["results"] and api == floor:
        return True
    print(
        f"{name}: the floor's JSON differs from the API's ({len(floor['results'])} against "
        f"{len(api['results'])} items)."
    )
    for key in ("count", "next", "previous"):
        if api[key] != floor[key]:
            print(f"  {key}: API {api[key]!r}, floor {floor[key]!r}")
    for mine, theirs in zip(api["results"], floor["results"], strict=False):
        if mine != theirs:
            for field in mine.keys() | theirs.keys():
                if mine.get(field) != theirs.get(field):
                    print(f"  {field}: API {mine.get(field)!r}, floor {theirs.get(field)!r}")
            break
    return False


def print_table(results: list[Result], *, vendor: str, data: dict) -> None:
    header = f"{'Messung':<32} {'Boden':>10} {'API':>10} {'Faktor':>7} {'Abfragen':>9}"
    print()
    print(
        f"API-Benchmark auf {vendor}: {N_LABS} Labore, {N_COURSES} Kurse, {data['runs']} Termine, "
        f"{data['sessions']} Treffen, {data['enrolments']} Anmeldungen"
    )
    print("Faktor = API / Boden (Median, gleiche Daten, gleicher Lauf); Abfragen = API (Boden)")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<32} {r.floor_ms:>7.1f} ms {r.page_ms:>7.1f} ms {r.ratio:>6.1f}x "
            f"{r.page_queries:>4} ({r.floor_queries})"
        )
    print()
    print("Boden: eine bloße Django-View, die dasselbe JSON aus einer .values()-Abfrage und der Zählung")
    print(f"schreibt (bench/api_floor.py). Ziel: Faktor höchstens {GOAL_RATIO:g}.")


def write_json(results: list[Result], *, vendor: str, repeat: int) -> Path:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "api.json"
    payload = {
        "vendor": vendor,
        "repeat": repeat,
        "goal_ratio": GOAL_RATIO,
        "cases": [{**asdict(r), "ratio": round(r.ratio, 2)} for r in results],
    }
    target.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=15, help="requests per list and floor; the median counts"
    )
    parser.add_argument("--profile", action="store_true", help="add a CPU-time profile of each list")
    args = parser.parse_args(argv)

    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="bench-api-", dir=scratch) as tmp:
        own_sqlite = prepare_environment(Path(tmp))
        # Anonymous clients are throttled per address; the benchmark's one client must never be refused. The
        # throttle still runs on every request, as it does in service.
        os.environ["API_ANON_RATE"] = "1000/second"

        import django

        django.setup()

        import logging

        from django.db import connection, transaction
        from django.test import Client
        from django.test.utils import override_settings

        from bench.runner import bench_database

        logging.getLogger("wagtail").setLevel(logging.WARNING)
        logging.getLogger("django_tasks").setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
        started = time.perf_counter()
        with bench_database(own_sqlite=own_sqlite), override_settings(ROOT_URLCONF="bench.api_floor"):
            print("Datenbank bereit, baue den Landkreis …", flush=True)
            with transaction.atomic():
                data = build_data(random.Random(8))
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # the planner's statistics, as a database in service has them
            print(f"Daten in {time.perf_counter() - started:.0f} s; messe …", flush=True)
            client = Client()
            checked = [same_json(client, name, url, floor) for name, url, floor in CASES]
            honest = all(checked)
            results = [measure(client, name, url, floor, args.repeat) for name, url, floor in CASES]
            print_table(results, vendor=connection.vendor, data=data)
            if not honest:
                print("Ein Boden antwortet nicht dasselbe JSON wie seine Liste: die Faktoren gelten nicht.")
            if args.profile:
                for name, url, _floor in CASES:
                    profile(client, name, url)
            print(f"Zahlen in {write_json(results, vendor=connection.vendor, repeat=args.repeat)}")
        print(f"Dauer insgesamt: {time.perf_counter() - started:.0f} s")
    return 0 if honest else 1


if __name__ == "__main__":
    sys.exit(main())
