"""The backup the README describes can be restored: `bin/backup` then `bin/restore` into an empty database
give the same rows in every table and the same files, the restored database needs no migration, and
restoring again over it works as well."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from courses.services import enrolment_create
from tests.factories import CourseRunFactory, UserFactory
from tests.integration.conftest import worker_database_url

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL"),
]


def _row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def _files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin_url = worker_database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    yield worker_database_url().rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(script: str, *arguments: str, env: dict) -> str:
    done = subprocess.run(
        [str(settings.BASE_DIR / "bin" / script), *arguments],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(tmp_path, empty_database):
    run = CourseRunFactory(capacity=2)
    for person in (UserFactory(), UserFactory(), UserFactory()):
        enrolment_create(run=run, user=person)
    media, private = tmp_path / "media", tmp_path / "private"
    (media / "original_images").mkdir(parents=True)
    (media / "original_images" / "logo.png").write_bytes(b"\x89PNG logo")
    (private / "certificates").mkdir(parents=True)
    (private / "certificates" / "ABC-123.de.pdf").write_bytes(b"%PDF-1.7 certificate")
    original = worker_database_url()

    backup = _run(
        "backup",
        str(tmp_path / "backups"),
        env={"DATABASE_URL": original, "MEDIA_ROOT": str(media), "PRIVATE_STORAGE_ROOT": str(private)},
    )
    assert sorted(path.name for path in Path(backup).iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
        "private.tar.gz",
    ]

    restored_media, restored_private = tmp_path / "restored-media", tmp_path / "restored-private"
    target = {
        "DATABASE_URL": empty_database,
        "MEDIA_ROOT": str(restored_media),
        "PRIVATE_STORAGE_ROOT": str(restored_private),
    }
    _run("restore", backup, env=target)

    counts = _row_counts(original)
    assert counts["courses_enrolment"] == 3
    assert _row_counts(empty_database) == counts
    assert _files(restored_media) == _files(media)
    assert _files(restored_private) == _files(private)
    unapplied = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": empty_database},
        capture_output=True,
        text=True,
        check=False,
    )
    assert unapplied.returncode == 0, unapplied.stdout + unapplied.stderr

    # Restoring over a database that already holds the platform replaces its rows.
    UserFactory()
    _run("restore", backup, env=target)
    assert _row_counts(empty_database) == counts


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path, empty_database):
    CourseRunFactory()
    backup = _run(
        "backup",
        str(tmp_path / "backups"),
        env={
            "DATABASE_URL": worker_database_url(),
            "MEDIA_ROOT": str(tmp_path / "none"),
            "PRIVATE_STORAGE_ROOT": str(tmp_path / "none"),
        },
    )
    with open(Path(backup) / "database.dump", "ab") as dump:
        dump.write(b"damaged")

    done = subprocess.run(
        [str(settings.BASE_DIR / "bin" / "restore"), backup],
        env={**os.environ, "DATABASE_URL": empty_database},
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode != 0
    assert _row_counts(empty_database) == {}
