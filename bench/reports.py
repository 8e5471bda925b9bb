"""`python -m bench.reports`: the funding body's report of the whole district for one year, against a floor
measured in the same run.

A throwaway database gets 8 labs with 5 course offers each and 100,000 places over two years (2025 and
2026) in runs of 12 seats with two sessions: completed, not completed, confirmed, cancelled, some who waited
and never got a seat, some walk-ins without an account; attendance of each first session, a certificate and
a badge for each completion. Everything but the pages is inserted in bulk.

The case is the district report for 2026 through the selector (`reports.selectors.report_build`), with the
suppression of small counts (`reports.disclosure.report_published`). Its floor is one hand-written SQL
statement (`bench.reports_floor`) that gives the same figures per dimension; before timing, the totals of
both are checked to be equal (else the run ends with 1). Both run in turn, `--repeat` times each after a
warm-up; the medians count and the factor is report / floor (goal: at most 3). Queries are counted.

The floor needs PostgreSQL (GROUPING SETS); on SQLite only the report is timed. Without DATABASE_URL the
benchmark runs on a fresh SQLite file; with it on a throwaway database next to the one named.
"""

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

GOAL_RATIO = 3.0
N_LABS = 8
COURSES_PER_LAB = 5
N_ENROLMENTS = 100_000
PLACES_PER_RUN = 10
PEOPLE = 25_000
FIRST_DAY = date(2025, 1, 6)
DAYS = 720
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
WARM_UP = 1


def build_data(rng: random.Random, *, enrolments: int = N_ENROLMENTS, labs: int = N_LABS) -> dict:
    """Labs, course offers (pages, as editors make them), then runs, sessions, places, attendance,
    certificates and badges in bulk."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from certificates.models import Certificate
    from certificates.services import generate_code
    from courses.models import (
        AgeBand,
        Attendance,
        Audience,
        BadgeAssertion,
        BadgeClass,
        Competence,
        CoursePage,
        CourseRun,
        Enrolment,
        Format,
        Session,
    )
    from labs.models import Municipality
    from tests.factories import BERLIN, SESSION_LENGTH, make_course, make_lab

    municipalities = list(Municipality.objects.order_by("name"))
    lab_pages = [
        make_lab(title=f"Regionallabor {m.name}", municipality=m.slug) for m in municipalities[:labs]
    ]
    audiences, formats, competences = list(Audience), list(Format), list(Competence.objects.order_by("code"))
    courses = [
        make_course(
            lab=lab,
            title=f"Kurs {lab.pk}-{k}",
            audience=audiences[k % len(audiences)],
            format=formats[k % len(formats)],
        )
        for lab in lab_pages
        for k in range(COURSES_PER_LAB)
    ]
    CoursePage.competences.through.objects.bulk_create(
        CoursePage.competences.through(coursepage_id=course.pk, competence_id=competence.pk)
        for i, course in enumerate(courses)
        for competence in competences[(3 * i) % len(competences) :][:2]
    )
    badge_classes = {
        course.pk: BadgeClass.objects.create(course=course, name=course.title, description="-", criteria="-")
        for course in courses
    }
    lab_of = {course.pk: course.get_parent().id for course in courses}

    n_runs = enrolments // PLACES_PER_RUN
    runs = CourseRun.objects.bulk_create(
        (
            CourseRun(
                course_id=(course := courses[i % len(courses)]).pk, lab_id=lab_of[course.pk], capacity=12
            )
            for i in range(n_runs)
        ),
        batch_size=2000,
    )
    sessions, first_session = [], {}
    for i, run in enumerate(runs):
        day = FIRST_DAY + timedelta(days=(i * DAYS) // n_runs)
        for k in range(2):
            start = datetime(day.year, day.month, day.day, 18, tzinfo=BERLIN) + timedelta(days=7 * k)
            sessions.append(Session(run=run, start=start, end=start + SESSION_LENGTH))
    sessions = Session.objects.bulk_create(sessions, batch_size=5000)
    for session in sessions[::2]:
        first_session[session.run_id] = session

    password = make_password(None)
    people = User.objects.bulk_create(
        (
            User(email=f"person{k}@example.org", full_name=f"Person {k}", password=password)
            for k in range(PEOPLE)
        ),
        batch_size=5000,
    )
    places = [m.slug for m in municipalities] + ["other", ""]
    bands = [str(band) for band in AgeBand] + [""]
    statuses = (
        [Enrolment.Status.COMPLETED] * 12
        + [Enrolment.Status.NOT_COMPLETED] * 3
        + [Enrolment.Status.CONFIRMED] * 2
        + [Enrolment.Status.CANCELLED] * 2
    )
    rows = []
    for run in runs:
        for person in rng.sample(people, PLACES_PER_RUN):
            status = rng.choice(statuses)
            moment = first_session[run.pk].start - timedelta(days=14)
            waited = status == Enrolment.Status.CANCELLED and rng.random() < 0.5
            walk_in = status != Enrolment.Status.CANCELLED and rng.random() < 0.05
            rows.append(
                Enrolment(
                    run=run,
                    user=None if walk_in else person,
                    walk_in=walk_in,
                    member_name="Gast" if walk_in else "",
                    status=status,
                    waitlisted_at=moment if waited else None,
                    confirmed_at=None if waited else moment,
                    completed_at=first_session[run.pk].end + timedelta(days=8)
                    if status == Enrolment.Status.COMPLETED
                    else None,
                    municipality=rng.choice(places),
                    age_band=rng.choice(bands),
                )
            )
    rows = Enrolment.objects.bulk_create(rows, batch_size=5000)
    attending = [e for e in rows if e.status in Enrolment.ATTENDING]
    Attendance.objects.bulk_create(
        (
            Attendance(
                session=first_session[e.run_id],
                enrolment=e,
                status=Attendance.Status.PRESENT if rng.random() < 0.85 else Attendance.Status.ABSENT,
            )
            for e in attending
        ),
        batch_size=5000,
    )
    completed = [e for e in rows if e.status == Enrolment.Status.COMPLETED]
    course_of = {run.pk: run.course_id for run in runs}
    Certificate.objects.bulk_create(
        (
            Certificate(
                enrolment=e,
                code=generate_code(),
                participant_name="Teilnahme",
                course_title="Kurs",
                lab_name="Labor",
                first_session=FIRST_DAY,
                last_session=FIRST_DAY,
                hours=4,
                issued_at=e.completed_at,
            )
            for e in completed
        ),
        batch_size=5000,
    )
    BadgeAssertion.objects.bulk_create(
        (
            BadgeAssertion(
                badge_class=badge_classes[course_of[e.run_id]],
                enrolment=e,
                recipient_hash="sha256$0",
                salt="00",
                issued_on=e.completed_at,
            )
            for e in completed
        ),
        batch_size=5000,
    )
    return {"labs": lab_pages, "runs": len(runs), "enrolments": len(rows), "attendance": len(attending)}


def run_report(labs):
    """The district report for 2026 as the page and the downloads build it."""
    from reports.disclosure import report_published
    from reports.selectors import report_build

    report = report_build(labs=labs, lab=None, start=YEAR[0], end=YEAR[1])
    report_published(report=report, title="Landkreis")
    return report


def run_floor(labs):
    from django.db import connection

    from bench.reports_floor import floor_report
    from reports.selectors import period_bounds

    since, until = period_bounds(*YEAR)
    with connection.cursor() as cursor:
        return floor_report(cursor, lab_ids=[lab.pk for lab in labs], since=since, until=until)


def same_totals(labs) -> bool:
    from dataclasses import asdict

    from bench.reports_floor import floor_totals

    mine = asdict(run_report(labs).totals)
    floor = floor_totals(run_floor(labs))
    if all(mine[name] == floor[name] for name in floor):
        return True
    print("The floor's totals differ from the report's:")
    for name in floor:
        if mine[name] != floor[name]:
            print(f"  {name}: report {mine[name]}, floor {floor[name]}")
    return False


def timed(call, repeat: int) -> tuple[float, int]:
    """The median in milliseconds and the number of queries of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        call()
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    return statistics.median(times), len(captured.captured_queries)


def measure(labs, repeat: int, *, with_floor: bool) -> dict:
    report_ms, report_queries = timed(lambda: run_report(labs), repeat)
    result = {"report_ms": report_ms, "report_queries": report_queries}
    if with_floor:
        floor_ms, floor_queries = timed(lambda: run_floor(labs), repeat)
        result |= {"floor_ms": floor_ms, "floor_queries": floor_queries, "ratio": report_ms / floor_ms}
    return result


def print_result(result: dict, *, vendor: str, data: dict) -> None:
    print()
    print(
        f"Berichts-Benchmark auf {vendor}: {len(data['labs'])} Labore, {data['runs']} Termine, "
        f"{data['enrolments']} Anmeldungen über zwei Jahre; Bericht des Landkreises für 2026"
    )
    if "floor_ms" in result:
        print(
            f"{'Boden (eine SQL-Abfrage)':<34} {result['floor_ms']:>8.1f} ms  "
            f"{result['floor_queries']:>3} Abfrage(n)"
        )
    print(
        f"{'Bericht (Selektor)':<34} {result['report_ms']:>8.1f} ms  {result['report_queries']:>3} Abfragen"
    )
    if "ratio" in result:
        print(f"Faktor Bericht / Boden: {result['ratio']:.1f}x (Ziel: höchstens {GOAL_RATIO:g})")
    else:
        print("Der Boden braucht PostgreSQL (GROUPING SETS): auf SQLite nur die Zeit des Berichts.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=7, help="measurements of report and floor; the median counts"
    )
    parser.add_argument("--enrolments", type=int, default=N_ENROLMENTS)
    args = parser.parse_args(argv)

    from bench.catalogue import prepare_environment

    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="bench-reports-", dir=scratch) as tmp:
        own_sqlite = prepare_environment(Path(tmp))
        import django

        django.setup()
        import logging

        from django.db import connection, transaction

        from bench.runner import bench_database

        logging.getLogger("wagtail").setLevel(logging.WARNING)
        logging.getLogger("django_tasks").setLevel(logging.WARNING)
        started = time.perf_counter()
        with bench_database(own_sqlite=own_sqlite):
            print("Datenbank bereit, baue die Daten …", flush=True)
            with transaction.atomic():
                data = build_data(random.Random(6), enrolments=args.enrolments)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"Daten in {time.perf_counter() - started:.0f} s; messe …", flush=True)
            with_floor = connection.vendor == "postgresql"
            honest = same_totals(data["labs"]) if with_floor else True
            result = measure(data["labs"], args.repeat, with_floor=with_floor)
            print_result(result, vendor=connection.vendor, data=data)
            if not honest:
                print("Der Boden rechnet nicht dieselben Zahlen: der Faktor gilt nicht.")
        print(f"Dauer insgesamt: {time.perf_counter() - started:.0f} s")
    return 0 if honest else 1


if __name__ == "__main__":
    sys.exit(main())
