import pytest

from certificates.models import Certificate
from certificates.tasks import issue_certificate
from courses.models import Attendance
from courses.services import run_close
from tests.factories import AttendanceFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_closing_a_run_issues_certificates_and_mails_once(
    finished_run, mailoutbox, django_capture_on_commit_callbacks
):
    came = EnrolmentFactory(run=finished_run, user=UserFactory(full_name="Erika Muster"))
    stayed_away = EnrolmentFactory(run=finished_run)
    for session in finished_run.sessions.all():
        AttendanceFactory(session=session, enrolment=came)
        AttendanceFactory(session=session, enrolment=stayed_away, status=Attendance.Status.ABSENT)
    with django_capture_on_commit_callbacks(execute=True):
        run_close(run=finished_run, by=UserFactory(is_superuser=True))
    certificate = Certificate.objects.get()
    assert certificate.enrolment == came
    assert certificate.pdf
    assert [m.subject for m in mailoutbox] == ["Ihr Zertifikat ist da"]
    assert mailoutbox[0].to == [came.user.email]
    assert "/meine-kurse/" in mailoutbox[0].body
    assert certificate.display_code in mailoutbox[0].body


def test_running_the_task_twice_sends_one_mail(completed_enrolment, mailoutbox):
    first = issue_certificate(completed_enrolment.pk)
    second = issue_certificate(completed_enrolment.pk)
    assert first == second
    assert len(mailoutbox) == 1


def test_task_ignores_enrolments_that_did_not_complete(finished_run, mailoutbox):
    enrolment = EnrolmentFactory(run=finished_run)
    assert issue_certificate(enrolment.pk) is None
    assert issue_certificate(999999) is None
    assert not Certificate.objects.exists()
    assert mailoutbox == []
