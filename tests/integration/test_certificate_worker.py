"""Closing a run issues the certificate in a real Celery worker, against a real PostgreSQL database.

Run with, for example:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/rl_cert CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/pytest -m integration tests/integration
"""

import hashlib
import io
import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from django.conf import settings
from pypdf import PdfReader

from certificates.models import Certificate
from courses.services import run_close
from tests.factories import AttendanceFactory, CourseRunFactory, EnrolmentFactory, UserFactory
from tests.integration.conftest import CELERY, worker_database_url

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL"),
    pytest.mark.skipif(not BROKER_URL, reason="needs CELERY_BROKER_URL (a running Redis or RabbitMQ)"),
]

WAIT_SECONDS = 60


@pytest.fixture
def worker(transactional_db, tmp_path):
    # Apart from the test process's own private storage: the file can only come from the worker.
    private = tmp_path / "worker-private"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "PRIVATE_STORAGE_ROOT": str(private),
        "EMAIL_URL": "consolemail://",
        "CONN_MAX_AGE": "0",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(CELERY), "-A", "config", "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process, private, log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_closing_a_run_issues_the_certificate_in_the_worker(worker):
    process, private, log_path = worker
    run = CourseRunFactory(sessions=2, starts_in=-timedelta(days=14))
    participant = UserFactory(full_name="Waltraud Integration")
    enrolment = EnrolmentFactory(run=run, user=participant)
    for session in run.sessions.all():
        AttendanceFactory(session=session, enrolment=enrolment)

    run_close(run=run, by=UserFactory(is_superuser=True))

    deadline = time.monotonic() + WAIT_SECONDS
    certificate = None
    while time.monotonic() < deadline:
        certificate = Certificate.objects.filter(enrolment=enrolment, files__isnull=False).first()
        if certificate is not None or process.poll() is not None:
            break
        time.sleep(0.5)
    whole_log = log_path.read_text(errors="replace")
    log = whole_log[-4000:]
    assert process.poll() is None, f"The worker stopped early:\n{log}"
    assert certificate is not None, f"No certificate with a PDF after {WAIT_SECONDS} s. Worker log:\n{log}"
    assert "certificates.tasks.issue_certificate" in whole_log

    stored = certificate.files.get()
    data = (private / stored.path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == stored.sha256
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Waltraud Integration" in text
    assert certificate.display_code in text
