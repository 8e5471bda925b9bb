from datetime import timedelta

import pytest

from certificates.models import Certificate, CertificateFile
from certificates.selectors import certificates_owed_count
from certificates.tasks import issue_certificate, sweep
from courses.models import Attendance, Enrolment
from courses.services import run_close
from outbox.models import OutboxItem
from tests.factories import AttendanceFactory, EnrolmentFactory, UserFactory, moment
from tests.outbox.broker import broker_down  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def _pdf_files(settings) -> list:
    return sorted((settings.PRIVATE_STORAGE_ROOT / "certificates").iterdir())


def _completed(run, *, completed_at=None) -> Enrolment:
    return EnrolmentFactory(run=run, status=Enrolment.Status.COMPLETED, completed_at=completed_at or moment())


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
    assert certificate.files.filter(language=certificate.language).exists()
    assert [m.subject for m in mailoutbox] == ["Ihr Zertifikat ist da"]
    assert mailoutbox[0].to == [came.user.email]
    assert "/meine-kurse/" in mailoutbox[0].body
    assert certificate.display_code in mailoutbox[0].body


def test_running_the_task_twice_makes_one_certificate_one_file_and_one_mail(
    completed_enrolment, mailoutbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = issue_certificate(completed_enrolment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = issue_certificate(completed_enrolment.pk)
    assert first == second
    assert Certificate.objects.count() == 1
    assert [path.name for path in _pdf_files(settings)] == [f"{first}-de.pdf"]
    assert len(mailoutbox) == 1
    assert OutboxItem.objects.get().delivered_at is not None


def test_asking_for_the_file_again_keeps_it_and_records_no_second_mail(certificate, settings):
    from certificates.services import certificate_file

    first = certificate.files.get(language="de")
    stored = (settings.PRIVATE_STORAGE_ROOT / first.path).read_bytes()
    again = certificate_file(certificate=certificate, language="de")
    certificate_file(certificate=certificate, language="en")
    assert (again.pk, again.sha256) == (first.pk, first.sha256)
    assert (settings.PRIVATE_STORAGE_ROOT / first.path).read_bytes() == stored
    assert [path.name for path in _pdf_files(settings)] == [
        f"{certificate.code}-de.pdf",
        f"{certificate.code}-en.pdf",
    ]
    assert OutboxItem.objects.filter(kind="certificate_ready").count() == 1


def test_the_ready_mail_is_recorded_with_the_pdf(completed_enrolment):
    code = issue_certificate(completed_enrolment.pk)
    certificate = Certificate.objects.get(code=code)
    item = OutboxItem.objects.get()
    assert (item.kind, item.object_id, item.delivered_at) == ("certificate_ready", certificate.pk, None)


def test_a_revoked_certificate_gets_no_ready_mail(completed_enrolment, mailoutbox):
    from outbox.services import outbox_deliver

    issue_certificate(completed_enrolment.pk)
    Certificate.objects.update(status=Certificate.Status.REVOKED)
    outbox_deliver(item_id=OutboxItem.objects.get().pk)
    assert mailoutbox == []


def test_task_ignores_enrolments_that_did_not_complete(finished_run, mailoutbox):
    enrolment = EnrolmentFactory(run=finished_run)
    assert issue_certificate(enrolment.pk) is None
    assert issue_certificate(999999) is None
    assert not Certificate.objects.exists()
    assert mailoutbox == []


@pytest.mark.usefixtures("broker_down")
def test_closing_with_the_broker_down_leaves_the_certificate_owed(
    finished_run, mailoutbox, django_capture_on_commit_callbacks
):
    came = EnrolmentFactory(run=finished_run)
    for session in finished_run.sessions.all():
        AttendanceFactory(session=session, enrolment=came)
    with django_capture_on_commit_callbacks(execute=True):
        run_close(run=finished_run, by=UserFactory(is_superuser=True))
    came.refresh_from_db()
    assert came.status == Enrolment.Status.COMPLETED
    assert not Certificate.objects.exists()
    assert certificates_owed_count() == 1
    assert mailoutbox == []


def test_owed_are_completed_enrolments_without_a_certificate_with_a_pdf(finished_run, completed_enrolment):
    issue_certificate(completed_enrolment.pk)
    without_pdf = _completed(finished_run)
    issue_certificate(without_pdf.pk)
    CertificateFile.objects.filter(certificate__enrolment=without_pdf).delete()
    _completed(finished_run)
    revoked = _completed(finished_run)
    issue_certificate(revoked.pk)
    CertificateFile.objects.filter(certificate__enrolment=revoked).delete()
    Certificate.objects.filter(enrolment=revoked).update(status=Certificate.Status.REVOKED)
    EnrolmentFactory(run=finished_run)
    assert certificates_owed_count() == 2


def test_sweep_queues_owed_certificates_past_the_grace_period(finished_run, monkeypatch, settings):
    settings.OUTBOX_GRACE_SECONDS = 60
    queued = []
    monkeypatch.setattr(
        "certificates.tasks.enqueue", lambda task, *args, **options: queued.append(args[0]) or True
    )
    long_ago = _completed(finished_run, completed_at=moment(-timedelta(minutes=10)))
    _completed(finished_run, completed_at=moment())
    assert sweep() == 1
    assert queued == [long_ago.pk]


def test_sweep_issues_what_the_broker_lost(
    finished_run, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_GRACE_SECONDS = 60
    enrolment = _completed(finished_run, completed_at=moment(-timedelta(minutes=10)))
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert Certificate.objects.get(enrolment=enrolment).files.filter(language="de").exists()
    assert len(mailoutbox) == 1
    assert certificates_owed_count() == 0
