"""A badge awarded on this platform passes the 1EdTech Open Badges 2.0 reference validator.

The validator pins old libraries, so it lives in its own virtualenv (`make badge-validator` creates
.venv-openbadges); without it these tests are skipped with that reason.
"""

import json
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from courses.models import Attendance
from courses.services import run_close
from tests.factories import AttendanceFactory, CourseRunFactory, EnrolmentFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR_PYTHON = ROOT / ".venv-openbadges" / "bin" / "python"
HERE = Path(__file__).resolve().parent / "openbadges"

pytestmark = [
    # The validator runs in its own process on the real clock;
    # a badge issued on a moved clock would lie in the future there.
    pytest.mark.real_clock,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="needs `make badge-validator`"),
]


def validate(url: str, email: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    done = subprocess.run(
        [str(VALIDATOR_PYTHON), str(HERE / "verify.py"), url, email],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture
def awarded(live_server, settings):
    """A badge awarded by closing a run, with the platform's public address set to the live server."""
    settings.SITE_URL = live_server.url
    trainer = UserFactory()
    run = CourseRunFactory(sessions=1, starts_in=timedelta(days=-2), trainers=[trainer])
    enrolment = EnrolmentFactory(run=run, user=UserFactory(email="Badge.Person@example.org"))
    AttendanceFactory(session=run.sessions.get(), enrolment=enrolment, status=Attendance.Status.PRESENT)
    run_close(run=run, by=trainer)
    enrolment.refresh_from_db()
    return enrolment.badge_assertion


def test_awarded_badge_is_valid_for_its_recipient(live_server, awarded):
    url = f"{live_server.url}/badges/assertions/{awarded.uuid}.json"
    report = validate(url, "badge.person@example.org")
    assert report["valid"], report["messages"]


def test_awarded_badge_is_not_valid_for_someone_else(live_server, awarded):
    url = f"{live_server.url}/badges/assertions/{awarded.uuid}.json"
    report = validate(url, "someone.else@example.org")
    assert not report["valid"]
    assert any(m["name"] == "VERIFY_RECIPIENT_IDENTIFIER" for m in report["messages"])
