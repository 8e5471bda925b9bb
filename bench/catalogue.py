"""`python -m bench.catalogue`: the public catalogue, a lab page and a course page at district scale, each
against a floor measured in the same run.

A throwaway database gets the district as it will be: 8 labs (one in each municipality, two rooms each),
500 published course offers and 5,000 runs with two or three sessions each (one run in ten already over),
seats taken in every upcoming run, some runs full with a waiting list, some at an outside venue. One course
has 20 upcoming runs; that is the course page measured.

Each case is a whole page as a visitor who is not logged in gets it, through Django's handler and the
platform's middleware: the catalogue unfiltered, with three filters (audience, topic, level), sorted by
distance from a place (`near`), the lab page and the course page with 20 runs. Its floor is a bare Django view
(`bench.catalogue_floor`) that renders the same cards in the same frame from one `.values()` query; before
timing, the floor's cards are checked to read word for word as the page's (else the run ends with 1). Page
and floor are requested in turn, `--repeat` times each after a warm-up; the medians count and the factor is
page / floor (goal: at most 2). Queries per request are counted for both.

`--profile` adds a CPU-time profile of each page over a few requests. Without DATABASE_URL the benchmark
runs on a fresh SQLite file; with it on a throwaway database next to the one named (PostgreSQL:
`test_<name>`), never on it. The figures are also written to var/bench/catalogue.json.
"""

import argparse
import cProfile
import gc
import html
import io
import json
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_LABS = 8
N_COURSES = 500
N_RUNS = 5000
COURSE_PAGE_RUNS = 20
PAST_EVERY = 10  # one run in ten is over
PEOPLE = 60
GOAL_RATIO = 2.0
WARM_UP = 3
NEAR = "Aerzen"


@dataclass
class Result:
    name: str
    url: str
    floor_ms: float
    page_ms: float
    floor_queries: int
    page_queries: int

    @property
    def ratio(self) -> float:
        return self.page_ms / self.floor_ms if self.floor_ms else float("inf")


# --- Environment --------------------------------------------------------------------------------------


def prepare_environment(folder: Path) -> bool:
    """Settings as in production where they matter for speed (no DEBUG, cached templates); returns whether
    the benchmark brings its own SQLite file."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("MEDIA_ROOT", str(folder / "media"))
    os.environ.setdefault("PRIVATE_STORAGE_ROOT", str(folder / "private"))
    own_sqlite = "DATABASE_URL" not in os.environ
    if own_sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'catalogue.sqlite3'}"
    return own_sqlite


# --- Data ---------------------------------------------------------------------------------------------

BODY = (
    "<p>In diesem Kurs lernen Sie Schritt für Schritt, was Sie im Alltag brauchen. Wir üben mit Ihrem "
    "eigenen Gerät, in kleinen Gruppen und in Ruhe.</p>"
    "<ul><li>Grundlagen</li><li>Übungen</li><li>Fragen</li></ul>"
)


def build_data(rng: random.Random) -> dict:
    """The district: labs, course offers, runs, sessions and seats. Runs, sessions and seats are inserted in
    bulk; pages go through Wagtail's tree as editors make them."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from cms.models import CatalogPage
    from courses.models import Audience, Competence, CoursePage, CourseRun, Enrolment, Format, Session, Topic
    from labs.models import Municipality, Room
    from tests.factories import SESSION_LENGTH, at_local, home_page, local_day, make_course, make_lab, moment

    home_page().add_child(instance=CatalogPage(title="Kurse", slug="kurse"))
    labs = [
        make_lab(title=f"Regionallabor {municipality.name}", municipality=municipality.slug)
        for municipality in Municipality.objects.order_by("name")[:N_LABS]
    ]
    rooms = Room.objects.bulk_create(
        Room(lab=lab, name=f"Raum {k}", capacity=20) for lab in labs for k in ("Hafen", "Werkstatt")
    )
    rooms_of = {lab.pk: [room for room in rooms if room.lab_id == lab.pk] for lab in labs}
    competences = list(Competence.objects.order_by("code"))
    topics, audiences, formats = list(Topic), list(Audience), list(Format)
    courses = []
    for i in range(N_COURSES):
        topic = topics[i % len(topics)]
        courses.append(
            make_course(
                lab=labs[i % len(labs)],
                title=f"{topic.label}: Kurs {i:03d}",
                body=BODY,
                topic=topic,
                audience=audiences[(i // len(topics)) % len(audiences)],
                format=formats[1] if i % 5 == 4 else formats[0],
                level=1 + i % 4,
                prerequisites="Ein Smartphone oder Tablet, wenn Sie eins haben.",
            )
        )
    CoursePage.competences.through.objects.bulk_create(
        CoursePage.competences.through(coursepage_id=course.pk, competence_id=competence.pk)
        for i, course in enumerate(courses)
        for competence in competences[i % 7 : i % 7 + 3]
    )
    featured = courses[0]

    runs = []
    for i in range(N_RUNS):
        if i < COURSE_PAGE_RUNS:
            course, past = featured, False
        else:
            course, past = courses[1 + i % (N_COURSES - 1)], i % PAST_EVERY == 0
        lab_id = labs[(0 if course is featured else 1 + i % (N_COURSES - 1)) % len(labs)].pk
        venue = i % 9 == 0
        runs.append(
            CourseRun(
                course_id=course.pk,
                lab_id=lab_id,
                title="Abendkurs" if i % 4 == 0 else "",
                capacity=12,
                room=None if venue else rooms_of[lab_id][i % 2],
                venue_name="Dorfgemeinschaftshaus" if venue else "",
                venue_address="Kirchstraße 3" if venue else "",
                status=CourseRun.Status.CLOSED if past else CourseRun.Status.SCHEDULED,
            )
        )
    runs = CourseRun.objects.bulk_create(runs, batch_size=1000)

    sessions, first_days = [], {}
    for i, run in enumerate(runs):
        first_day = -60 + i % 50 if run.status == CourseRun.Status.CLOSED else 2 + (i * 7) % 170
        first_days[run.pk] = first_day
        for k in range(2 + i % 2):
            start = at_local(local_day(first_day + 7 * k))
            sessions.append(Session(run=run, start=start, end=start + SESSION_LENGTH))
    Session.objects.bulk_create(sessions, batch_size=2000)

    password = make_password(None)
    people = User.objects.bulk_create(
        User(email=f"teilnehmer{k}@example.org", full_name=f"Teilnehmer {k}", password=password)
        for k in range(PEOPLE)
    )
    enrolments, now = [], moment()
    for i, run in enumerate(runs):
        if run.status != CourseRun.Status.SCHEDULED:
            continue
        full = i % 6 == 0
        taken = run.capacity if full else rng.randrange(0, run.capacity)
        waiting = rng.randrange(1, 4) if full else 0
        chosen = rng.sample(people, taken + waiting)
        for k, person in enumerate(chosen):
            if k < taken:
                enrolments.append(
                    Enrolment(run=run, user=person, status=Enrolment.Status.CONFIRMED, confirmed_at=now)
                )
            else:
                enrolments.append(
                    Enrolment(
                        run=run,
                        user=person,
                        status=Enrolment.Status.WAITLISTED,
                        waitlisted_at=now + timedelta(seconds=k),
                    )
                )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    return {
        "labs": labs,
        "featured": featured,
        "runs": len(runs),
        "sessions": len(sessions),
        "enrolments": len(enrolments),
    }


# --- Measuring ----------------------------------------------------------------------------------------


def cards_text(page: str) -> list[str]:
    """What a person reads and follows on each card of a page: the text and link targets of each
    `<article class="card …">`, tags removed, white space collapsed."""
    cards = re.findall(r'<article class="card[^"]*"[^>]*>(.*?)</article>', page, flags=re.S)
    cards = [re.sub(r'<a [^>]*href="([^"]*)"[^>]*>', r" \1 ", card) for card in cards]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", card)).split()) for card in cards]


def get(client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response.content.decode()


def queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured.captured_queries)


def same_cards(client, name: str, url: str, floor_url: str) -> bool:
    page, floor = cards_text(get(client, url)), cards_text(get(client, floor_url))
    if page and page == floor:
        return True
    print(f"{name}: the floor's cards differ from the page's ({len(floor)} against {len(page)} cards).")
    for mine, theirs in zip(page, floor, strict=False):
        if mine != theirs:
            print(f"  page:  {mine}\n  floor: {theirs}")
            break
    return False


def measure(client, name: str, url: str, floor_url: str, repeat: int) -> Result:
    """Page and floor in turn, `repeat` times each after a warm-up; medians in milliseconds."""
    for _ in range(WARM_UP):
        get(client, url)
        get(client, floor_url)
    page_times, floor_times = [], []
    for _ in range(repeat):
        for target, times in ((url, page_times), (floor_url, floor_times)):
            gc.collect()
            started = time.perf_counter()
            get(client, target)
            times.append((time.perf_counter() - started) * 1000)
    return Result(
        name=name,
        url=url,
        floor_ms=statistics.median(floor_times),
        page_ms=statistics.median(page_times),
        floor_queries=queries_of(client, floor_url),
        page_queries=queries_of(client, url),
    )


def profile(client, name: str, url: str, requests: int = 5, lines: int = 25) -> None:
    get(client, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        get(client, url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    print(f"\nProfil {name} ({requests} Anfragen, nach kumulierter Zeit):")
    print("\n".join(out.getvalue().splitlines()[: lines + 12]))


def cases(data: dict):
    """A test client and (name, page, floor) of each case."""
    from django.test import Client

    featured, lab = data["featured"], data["labs"][0]
    three = "audience=citizens&topic=communication&level=2"
    client = Client()
    course_url = featured.get_url()
    return client, [
        ("Katalog ohne Filter", "/kurse/", "/bench/floor/kurse/"),
        (
            "Katalog mit drei Filtern (Zielgruppe, Thema, Niveau)",
            f"/kurse/?{three}",
            f"/bench/floor/kurse/?{three}",
        ),
        (f"Katalog nach Nähe ({NEAR})", f"/kurse/?near={NEAR}", f"/bench/floor/kurse/?near={NEAR}"),
        ("Laborseite (20 nächste Termine)", lab.get_url(), f"/bench/floor/labor/{lab.pk}/"),
        (f"Kursseite mit {COURSE_PAGE_RUNS} Terminen", course_url, f"/bench/floor/kurs/{featured.pk}/"),
    ]


# --- Report -------------------------------------------------------------------------------------------


def print_table(results: list[Result], *, vendor: str, data: dict) -> None:
    header = f"{'Messung':<52} {'Boden':>10} {'Seite':>10} {'Faktor':>7} {'Abfragen':>9}"
    print()
    print(
        f"Katalog-Benchmark auf {vendor}: {N_LABS} Labore, {N_COURSES} Kurse, {data['runs']} Termine, "
        f"{data['sessions']} Treffen, {data['enrolments']} Anmeldungen"
    )
    print("Faktor = Seite / Boden (Median, gleiche Daten, gleicher Lauf); Abfragen = Seite (Boden)")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<52} {r.floor_ms:>7.1f} ms {r.page_ms:>7.1f} ms {r.ratio:>6.1f}x "
            f"{r.page_queries:>4} ({r.floor_queries})"
        )
    print()
    print("Boden: eine bloße Django-View, die dieselben Karten im selben Rahmen aus einer .values()-Abfrage")
    print(f"zeichnet (bench/catalogue_floor.py). Ziel: Faktor höchstens {GOAL_RATIO:g}.")


def write_json(results: list[Result], *, vendor: str, repeat: int) -> Path:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "catalogue.json"
    payload = {
        "vendor": vendor,
        "repeat": repeat,
        "goal_ratio": GOAL_RATIO,
        "cases": [{**asdict(r), "ratio": round(r.ratio, 2)} for r in results],
    }
    target.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalogue", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=15, help="requests per page and floor; the median counts"
    )
    parser.add_argument("--profile", action="store_true", help="add a CPU-time profile of each page")
    args = parser.parse_args(argv)

    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="bench-catalogue-", dir=scratch) as tmp:
        own_sqlite = prepare_environment(Path(tmp))

        import django

        django.setup()

        import logging

        from django.db import connection, transaction
        from django.test.utils import override_settings

        from bench.runner import bench_database

        logging.getLogger("wagtail").setLevel(logging.WARNING)
        logging.getLogger("django_tasks").setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
        started = time.perf_counter()
        with bench_database(own_sqlite=own_sqlite), override_settings(ROOT_URLCONF="bench.catalogue_floor"):
            print("Datenbank bereit, baue den Landkreis …", flush=True)
            with transaction.atomic():
                data = build_data(random.Random(8))
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # the planner's statistics, as a database in service has them
            print(f"Daten in {time.perf_counter() - started:.0f} s; messe …", flush=True)
            client, planned = cases(data)
            checked = [same_cards(client, name, url, floor) for name, url, floor in planned]
            honest = all(checked)
            results = [measure(client, name, url, floor, args.repeat) for name, url, floor in planned]
            print_table(results, vendor=connection.vendor, data=data)
            if not honest:
                print("Ein Boden zeigt nicht dieselben Karten wie seine Seite: die Faktoren gelten nicht.")
            if args.profile:
                for name, url, _floor in planned:
                    profile(client, name, url)
            print(f"Zahlen in {write_json(results, vendor=connection.vendor, repeat=args.repeat)}")
        print(f"Dauer insgesamt: {time.perf_counter() - started:.0f} s")
    return 0 if honest else 1


if __name__ == "__main__":
    sys.exit(main())
