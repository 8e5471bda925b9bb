"""Nothing lost, nothing twice: mails and certificates owed while the broker was down, or while a worker
process died in the middle of a certificate, arrive exactly once.

Run with, for example:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/rl_outbox CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/pytest tests/integration
"""

import os
import signal
from collections import Counter
from datetime import timedelta

import pytest

from certificates.models import Certificate
from certificates.selectors import certificates_owed_count
from courses.models import Enrolment
from courses.services import enrolment_cancel, enrolment_create, run_close
from outbox.models import OutboxItem
from tests.factories import AttendanceFactory, CourseRunFactory, EnrolmentFactory, UserFactory
from tests.integration.conftest import wait_until

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL"),
    pytest.mark.skipif(not BROKER_URL, reason="needs CELERY_BROKER_URL (a running Redis)"),
]

CONFIRMED = "Anmeldung bestätigt"
CANCELLED = "Abmeldung bestätigt"
PROMOTED = "Ein Platz ist frei geworden"
CERTIFICATE_READY = "Ihr Zertifikat ist da"


def _close_with_attendance(run, people: list) -> list[Enrolment]:
    enrolments = [EnrolmentFactory(run=run, user=person) for person in people]
    for session in run.sessions.all():
        for enrolment in enrolments:
            AttendanceFactory(session=session, enrolment=enrolment)
    run_close(run=run, by=UserFactory(is_superuser=True))
    return enrolments


def _kinds(mails) -> Counter:
    return Counter((to, subject.split(":")[0]) for to, subject in mails)


def test_work_owed_while_the_broker_was_down_arrives_once(redis_broker, start_worker):
    redis_broker.stop()
    upcoming = CourseRunFactory(capacity=2)
    first, second, waiting = (UserFactory() for _ in range(3))
    for person in (first, second, waiting):
        enrolment_create(run=upcoming, user=person)
    enrolment_cancel(enrolment=Enrolment.objects.get(user=first), by=first)  # the waiting person moves up
    graduates = [UserFactory(), UserFactory()]
    _close_with_attendance(CourseRunFactory(sessions=2, starts_in=-timedelta(days=14)), graduates)

    # Three confirmations (the first one will find its enrolment cancelled), the cancellation, the promotion.
    assert OutboxItem.objects.filter(delivered_at__isnull=True).count() == 5
    assert certificates_owed_count() == 2
    assert not Certificate.objects.exists()

    redis_broker.start()
    worker = start_worker(
        broker_url=redis_broker.url,
        arguments=["--pool=prefork", "--concurrency=1", "--beat", f"--schedule={redis_broker.folder}/beat"],
        environment={"OUTBOX_SWEEP_SECONDS": "1", "OUTBOX_GRACE_SECONDS": "0"},
    )
    expected = Counter(
        {
            (first.email, CANCELLED): 1,
            (second.email, CONFIRMED): 1,
            (waiting.email, CONFIRMED): 1,
            (waiting.email, PROMOTED): 1,
            **{(person.email, CERTIFICATE_READY): 1 for person in graduates},
        }
    )
    wait_until(lambda: len(worker.mails()) >= sum(expected.values()), seconds=45, worker=worker)
    # A few more sweeps run: whatever they queue again must not send anything twice.
    wait_until(lambda: "outbox.tasks.sweep" in worker.log(), seconds=10, worker=worker)
    wait_until(
        lambda: not OutboxItem.objects.filter(delivered_at__isnull=True).exists(), seconds=10, worker=worker
    )

    assert _kinds(worker.mails()) == expected, worker.log()
    assert OutboxItem.objects.count() == 7
    assert certificates_owed_count() == 0
    assert Certificate.objects.count() == 2
    assert len([path for path in worker.pdf_files() if path.suffix == ".pdf"]) == 2
    assert len(worker.pdf_files()) == 2


def test_a_worker_killed_during_a_certificate_makes_it_once(redis_broker, start_worker, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    worker = start_worker(
        broker_url=redis_broker.url,
        arguments=["--pool=prefork", "--concurrency=1", "--include=tests.integration.worker_hooks"],
        environment={"KILL_MARKER_DIR": str(markers)},
    )
    graduate = UserFactory()
    finished = CourseRunFactory(sessions=2, starts_in=-timedelta(days=14))
    (enrolment,) = _close_with_attendance(finished, [graduate])

    marker = markers / "rendering.pid"
    wait_until(marker.exists, seconds=30, worker=worker)
    os.kill(int(marker.read_text()), signal.SIGKILL)

    wait_until(lambda: len(worker.mails()) >= 1, seconds=40, worker=worker)
    assert worker.mails() == [(graduate.email, CERTIFICATE_READY)]
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert [path.name for path in worker.pdf_files()] == [f"{certificate.code}-{certificate.language}.pdf"]
    item = OutboxItem.objects.get(kind="certificate_ready")
    assert (item.object_id, item.attempts) == (certificate.pk, 1)
    assert item.delivered_at is not None
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()
