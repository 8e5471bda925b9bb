"""`python -m bench` (`make bench`): how the platform's hot paths scale, as ratios against a floor.

Each figure is the time (or peak memory) of a real selector or service divided by the cheapest query
that reads or writes the same rows, measured in the same run on the same data. Ratios travel between
machines; absolute timings do not, so none is asserted.

Without DATABASE_URL the benchmarks run on a fresh SQLite file in a temporary folder; with it they run
on a throwaway test database created next to the one named (PostgreSQL: `test_<name>`), never on it.

On PostgreSQL the enrolment burst follows (`bench.enrolment_burst`): 200 people enrol in a run of 20 seats
at once through the API of a real gunicorn server, against a floor on the same server. It exits with 1 if
the seats or the waiting list came out wrong.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="measurements per case; the median counts")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Benchmark accounts need no strong password hashing, and no mail leaves the process.
    os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    # A file in memory where there is one: the figures are about queries, not about the disk's fsync.
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="bench-", dir=scratch) as tmp:
        own_sqlite = "DATABASE_URL" not in os.environ
        if own_sqlite:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ.setdefault("MEDIA_ROOT", str(Path(tmp) / "media"))
        os.environ.setdefault("PRIVATE_STORAGE_ROOT", str(Path(tmp) / "private"))

        import django

        django.setup()

        from bench.runner import run_benchmarks

        return run_benchmarks(repeat=args.repeat, own_sqlite=own_sqlite)


if __name__ == "__main__":
    sys.exit(main())
