from datetime import timedelta

import pytest

from courses.exceptions import (
    AlreadyEnrolled,
    AttendanceInvalid,
    AttendanceTooEarly,
    EnrolmentClosed,
    NotAllowed,
    RunAlreadyClosed,
    RunNotFinished,
)
from courses.models import Attendance, BadgeAssertion, CourseRun, Enrolment
from courses.selectors import attendance_met, waitlist_position
from courses.services import (
    AttendanceEntry,
    attendance_record,
    enrolment_cancel,
    enrolment_create,
    run_close,
)
from courses.signals import enrolment_completed
from tests.factories import AttendanceFactory, CourseRunFactory, EnrolmentFactory, UserFactory, moment

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, EXCUSED = Attendance.Status.PRESENT, Attendance.Status.ABSENT, Attendance.Status.EXCUSED


def enrol_many(run, n):
    return [enrolment_create(run=run, user=UserFactory()) for _ in range(n)]


def tonights_run(trainer):
    """A run whose first session meets tonight, so its sheet is open (with the clock stopped at 10:00)."""
    return CourseRunFactory(trainers=[trainer], starts_in=timedelta(days=0))


def past_run(*, sessions=5, trainer=None, **fields):
    """A run whose sessions have all taken place, taught by `trainer`."""
    return CourseRunFactory(
        sessions=sessions,
        starts_in=-timedelta(days=7 * sessions + 1),
        trainers=[trainer] if trainer else [],
        **fields,
    )


# --- Enrolment ----------------------------------------------------------------------------------------


def test_enrolment_is_confirmed_while_seats_are_free():
    run = CourseRunFactory(capacity=3)
    enrolments = enrol_many(run, 3)
    assert [e.status for e in enrolments] == [Enrolment.Status.CONFIRMED] * 3
    assert all(e.confirmed_at for e in enrolments)


def test_enrolment_is_waitlisted_in_order_when_full():
    run = CourseRunFactory(capacity=2)
    enrolments = enrol_many(run, 5)
    assert [e.status for e in enrolments[2:]] == [Enrolment.Status.WAITLISTED] * 3
    assert [waitlist_position(enrolment=e) for e in enrolments] == [None, None, 1, 2, 3]


def test_cancelled_seat_goes_to_first_waiting_who_gets_a_mail_with_calendar(
    django_capture_on_commit_callbacks, mailoutbox
):
    run = CourseRunFactory(capacity=1)
    seated, first, second = enrol_many(run, 3)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_cancel(enrolment=seated, by=seated.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Enrolment.Status.CONFIRMED
    assert second.status == Enrolment.Status.WAITLISTED
    assert waitlist_position(enrolment=second) == 1
    # The person who cancelled gets a confirmation, the one promoted their seat with the calendar.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([seated.user.email, first.user.email])
    mail = next(m for m in mailoutbox if m.to == [first.user.email])
    attachments = [a for a in mail.attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1
    name, content, mimetype = attachments[0]
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in (content.decode() if isinstance(content, bytes) else content)


def test_cancelling_a_waiting_place_promotes_nobody(django_capture_on_commit_callbacks, mailoutbox):
    run = CourseRunFactory(capacity=1)
    seated, first, second = enrol_many(run, 3)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_cancel(enrolment=first, by=first.user)
    second.refresh_from_db()
    seated.refresh_from_db()
    assert seated.status == Enrolment.Status.CONFIRMED
    assert second.status == Enrolment.Status.WAITLISTED
    assert waitlist_position(enrolment=second) == 1
    # Only the person who left the waiting list hears from us: a confirmation.
    assert [m.to for m in mailoutbox] == [[first.user.email]]


def _cancelled_run():
    return CourseRunFactory(status=CourseRun.Status.CANCELLED)


def _closed_run():
    return CourseRunFactory(status=CourseRun.Status.CLOSED)


def _started_run():
    return CourseRunFactory(sessions=2, starts_at=moment(-timedelta(hours=1)))


def _run_past_deadline():
    return CourseRunFactory(enrolment_closes_at=moment(-timedelta(minutes=1)))


def _run_without_sessions():
    return CourseRunFactory(sessions=0)


@pytest.mark.parametrize(
    "make_run",
    [_cancelled_run, _closed_run, _started_run, _run_past_deadline, _run_without_sessions],
    ids=["cancelled", "closed", "started", "past_deadline", "no_sessions"],
)
def test_closed_enrolment_raises_and_creates_nothing(make_run):
    run = make_run()
    with pytest.raises(EnrolmentClosed) as exc_info:
        enrolment_create(run=run, user=UserFactory())
    assert str(exc_info.value.message)
    assert not Enrolment.objects.exists()


def test_enrolling_twice_raises_already_enrolled_and_leaves_one():
    run = CourseRunFactory()
    user = UserFactory()
    enrolment_create(run=run, user=user)
    with pytest.raises(AlreadyEnrolled):
        enrolment_create(run=run, user=user)
    assert Enrolment.objects.filter(run=run, user=user).count() == 1


def test_enrolling_again_after_cancelling_works():
    run = CourseRunFactory()
    user = UserFactory()
    first = enrolment_create(run=run, user=user)
    enrolment_cancel(enrolment=first, by=user)
    again = enrolment_create(run=run, user=user)
    assert again.pk != first.pk
    assert again.status == Enrolment.Status.CONFIRMED
    statuses = sorted(Enrolment.objects.filter(run=run, user=user).values_list("status", flat=True))
    assert statuses == [Enrolment.Status.CANCELLED, Enrolment.Status.CONFIRMED]


def test_inactive_person_cannot_enrol():
    user = UserFactory(is_active=False)
    with pytest.raises(NotAllowed):
        enrolment_create(run=CourseRunFactory(), user=user)
    assert not Enrolment.objects.exists()


def test_nobody_else_can_cancel_an_enrolment():
    enrolment = enrolment_create(run=CourseRunFactory(), user=UserFactory())
    with pytest.raises(NotAllowed):
        enrolment_cancel(enrolment=enrolment, by=UserFactory())
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


# --- Attendance ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attended", "sessions", "met"),
    [(4, 5, True), (3, 5, False), (5, 5, True), (1, 1, True), (0, 1, False), (0, 0, False)],
)
def test_attendance_rule_of_80_percent(attended, sessions, met):
    assert attendance_met(attended=attended, sessions=sessions, rule_percent=80) is met


def test_trainer_records_attendance(clock):
    trainer = UserFactory()
    run = tonights_run(trainer)
    session = run.sessions.first()
    a, b = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    attendance_record(
        session=session,
        entries=[AttendanceEntry(a.pk, PRESENT), AttendanceEntry(b.pk, EXCUSED)],
        by=trainer,
    )
    recorded = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    assert recorded == {a.pk: PRESENT, b.pk: EXCUSED}


def test_recording_again_changes_the_status_and_none_clears_it(clock):
    trainer = UserFactory()
    run = tonights_run(trainer)
    session = run.sessions.first()
    a, b = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    attendance_record(
        session=session, entries=[AttendanceEntry(a.pk, PRESENT), AttendanceEntry(b.pk, PRESENT)], by=trainer
    )
    attendance_record(
        session=session, entries=[AttendanceEntry(a.pk, ABSENT), AttendanceEntry(b.pk, None)], by=trainer
    )
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {a.pk: ABSENT}


def test_attendance_by_someone_not_teaching_is_refused_and_stores_nothing():
    run = CourseRunFactory(trainers=[UserFactory()])
    enrolment = EnrolmentFactory(run=run)
    with pytest.raises(NotAllowed):
        attendance_record(
            session=run.sessions.first(), entries=[AttendanceEntry(enrolment.pk, PRESENT)], by=UserFactory()
        )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "bad_entry",
    ["unknown_status", "duplicate", "other_run", "waitlisted", "cancelled", "missing"],
)
def test_invalid_attendance_list_changes_nothing(clock, bad_entry):
    trainer = UserFactory()
    run = tonights_run(trainer)
    session = run.sessions.first()
    own, second = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    AttendanceFactory(session=session, enrolment=own, status=ABSENT)
    entries = {
        "unknown_status": [AttendanceEntry(own.pk, PRESENT), AttendanceEntry(second.pk, "late")],
        "duplicate": [AttendanceEntry(own.pk, PRESENT), AttendanceEntry(own.pk, ABSENT)],
        "other_run": [AttendanceEntry(own.pk, PRESENT), AttendanceEntry(EnrolmentFactory().pk, PRESENT)],
        "waitlisted": [
            AttendanceEntry(own.pk, PRESENT),
            AttendanceEntry(EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED).pk, PRESENT),
        ],
        "cancelled": [
            AttendanceEntry(own.pk, PRESENT),
            AttendanceEntry(EnrolmentFactory(run=run, status=Enrolment.Status.CANCELLED).pk, PRESENT),
        ],
        "missing": [AttendanceEntry(own.pk, PRESENT), AttendanceEntry(10**9, PRESENT)],
    }[bad_entry]
    before = list(Attendance.objects.values_list("session_id", "enrolment_id", "status"))
    with pytest.raises(AttendanceInvalid):
        attendance_record(session=session, entries=entries, by=trainer)
    assert list(Attendance.objects.values_list("session_id", "enrolment_id", "status")) == before


def test_attendance_of_a_closed_run_cannot_change():
    trainer = UserFactory()
    run = past_run(sessions=1, trainer=trainer)
    enrolment = EnrolmentFactory(run=run)
    run_close(run=run, by=trainer)
    with pytest.raises(AttendanceInvalid):
        attendance_record(
            session=run.sessions.first(), entries=[AttendanceEntry(enrolment.pk, PRESENT)], by=trainer
        )
    assert not Attendance.objects.exists()


def test_attendance_for_a_session_more_than_a_day_ahead_is_refused_and_stores_nothing(clock):
    trainer = UserFactory()
    run = CourseRunFactory(trainers=[trainer], starts_in=timedelta(days=1))  # tomorrow at 18:00
    enrolment = EnrolmentFactory(run=run)
    with pytest.raises(AttendanceTooEarly):
        attendance_record(
            session=run.sessions.first(), entries=[AttendanceEntry(enrolment.pk, PRESENT)], by=trainer
        )
    assert not Attendance.objects.exists()


def test_attendance_can_be_recorded_from_a_day_before_the_session(clock):
    trainer = UserFactory()
    run = CourseRunFactory(trainers=[trainer], starts_in=timedelta(days=1))
    session = run.sessions.first()
    enrolment = EnrolmentFactory(run=run)
    clock.move_to(session.start - timedelta(days=1))
    attendance_record(session=session, entries=[AttendanceEntry(enrolment.pk, PRESENT)], by=trainer)
    assert Attendance.objects.get(session=session).status == PRESENT


# --- Completion ---------------------------------------------------------------------------------------


@pytest.fixture
def finished_run():
    """A finished run of 5 sessions: one person came 4 times (80 %), one 3 times, one waits."""
    trainer = UserFactory()
    run = past_run(sessions=5, trainer=trainer)
    sessions = list(run.sessions.order_by("start"))
    enough, too_few = EnrolmentFactory(run=run), EnrolmentFactory(run=run)
    waiting = EnrolmentFactory(
        run=run, status=Enrolment.Status.WAITLISTED, confirmed_at=None, waitlisted_at=moment()
    )
    for session in sessions[:4]:
        AttendanceFactory(session=session, enrolment=enough)
    for session in sessions[:3]:
        AttendanceFactory(session=session, enrolment=too_few)
    AttendanceFactory(session=sessions[4], enrolment=too_few, status=EXCUSED)
    return {"run": run, "trainer": trainer, "enough": enough, "too_few": too_few, "waiting": waiting}


def test_closing_completes_who_met_the_rule_and_not_the_others(finished_run):
    result = run_close(run=finished_run["run"], by=finished_run["trainer"])
    assert [e.pk for e in result.completed] == [finished_run["enough"].pk]
    assert [e.pk for e in result.not_completed] == [finished_run["too_few"].pk]
    finished_run["enough"].refresh_from_db()
    finished_run["too_few"].refresh_from_db()
    assert finished_run["enough"].status == Enrolment.Status.COMPLETED
    assert finished_run["enough"].completed_at is not None
    assert finished_run["too_few"].status == Enrolment.Status.NOT_COMPLETED


def test_closing_awards_the_badge_to_completed_only(finished_run):
    run_close(run=finished_run["run"], by=finished_run["trainer"])
    assertions = BadgeAssertion.objects.all()
    assert [a.enrolment_id for a in assertions] == [finished_run["enough"].pk]
    assert assertions[0].badge_class.course_id == finished_run["run"].course_id
    assert finished_run["enough"].user.email not in assertions[0].recipient_hash


def test_closing_cancels_the_waiting_list(finished_run):
    run_close(run=finished_run["run"], by=finished_run["trainer"])
    finished_run["waiting"].refresh_from_db()
    assert finished_run["waiting"].status == Enrolment.Status.CANCELLED


def test_closing_marks_the_run_closed(finished_run):
    run_close(run=finished_run["run"], by=finished_run["trainer"])
    run = CourseRun.objects.get(pk=finished_run["run"].pk)
    assert run.status == CourseRun.Status.CLOSED
    assert run.closed_at is not None


def test_closing_twice_reports_the_same_outcome_and_changes_nothing(clock, finished_run):
    first = run_close(run=finished_run["run"], by=finished_run["trainer"])
    closed_at = CourseRun.objects.get(pk=finished_run["run"].pk).closed_at
    clock.shift(timedelta(hours=1))
    again = run_close(run=finished_run["run"], by=finished_run["trainer"])
    assert [e.pk for e in again.completed] == [e.pk for e in first.completed]
    assert [e.pk for e in again.not_completed] == [e.pk for e in first.not_completed]
    assert CourseRun.objects.get(pk=finished_run["run"].pk).closed_at == closed_at
    assert BadgeAssertion.objects.count() == 1


def test_closing_a_cancelled_run_raises_run_already_closed(finished_run):
    CourseRun.objects.filter(pk=finished_run["run"].pk).update(status=CourseRun.Status.CANCELLED)
    with pytest.raises(RunAlreadyClosed):
        run_close(run=finished_run["run"], by=finished_run["trainer"])
    assert not BadgeAssertion.objects.exists()


def test_closing_before_the_last_session_raises_run_not_finished():
    trainer = UserFactory()
    run = CourseRunFactory(sessions=3, starts_in=-timedelta(days=8), trainers=[trainer])
    enrolment = EnrolmentFactory(run=run)
    with pytest.raises(RunNotFinished):
        run_close(run=run, by=trainer)
    run.refresh_from_db()
    enrolment.refresh_from_db()
    assert run.status == CourseRun.Status.SCHEDULED
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_closing_by_someone_not_teaching_is_refused(finished_run):
    with pytest.raises(NotAllowed):
        run_close(run=finished_run["run"], by=UserFactory())
    finished_run["run"].refresh_from_db()
    assert finished_run["run"].status == CourseRun.Status.SCHEDULED


def test_completed_signal_is_sent_once_per_completed_after_commit(
    finished_run, django_capture_on_commit_callbacks
):
    second = EnrolmentFactory(run=finished_run["run"])
    for session in finished_run["run"].sessions.all():
        AttendanceFactory(session=session, enrolment=second)
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    enrolment_completed.connect(receiver, dispatch_uid="test-receiver")
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            run_close(run=finished_run["run"], by=finished_run["trainer"])
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        enrolment_completed.disconnect(dispatch_uid="test-receiver")
    assert sorted(received) == sorted([finished_run["enough"].pk, second.pk])
