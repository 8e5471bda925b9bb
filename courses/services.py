"""State changes of the courses app. Each function checks permission first and runs in one durable
transaction (`atomic(durable=True)`): no caller can fold it into a larger one, so its effects are committed
when it returns.

Every service that touches seats, attendance or completion (`enrolment_create`, `enrolment_cancel`,
`attendance_record`, `run_close`, `run_update`, the session services) locks the run row first (`_lock_run`)
and checks the run's state only under that lock. Mails are recorded in the outbox in the same transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from labs.models import LabPage, LabRole, Room
from labs.selectors import user_is_lab_manager
from outbox.services import outbox_add

from . import notifications
from .badges.services import badge_award, badge_class_for_course
from .exceptions import (
    AlreadyEnrolled,
    AttendanceInvalid,
    DomainError,
    EnrolmentClosed,
    NotAllowed,
    NotCancellable,
    NotFound,
    RunAlreadyClosed,
    RunNotFinished,
)
from .models import (
    Attendance,
    Competence,
    CoursePage,
    CourseRun,
    Enrolment,
    Session,
)
from .selectors import (
    SEAT_TAKING,
    enrolment_cancel_refusal,
    enrolment_closed_reason,
    run_ready_to_close,
    user_can_teach,
    with_attendance_outcome,
)
from .signals import enrolment_completed


def _lock_run(run: CourseRun) -> CourseRun:
    """Lock the run's row for the rest of the transaction (PostgreSQL); SQLite locks the whole database."""
    return CourseRun.objects.select_for_update().get(pk=run.pk)


def enrolment_create(*, run: CourseRun, user: User) -> Enrolment:
    """Give the person a seat if one is free, else a place at the end of the waiting list."""
    if not user.is_authenticated or not user.is_active:
        raise NotAllowed()
    with transaction.atomic(durable=True):
        run = _lock_run(run)
        reason = enrolment_closed_reason(run=run)
        if reason:
            raise EnrolmentClosed(reason)
        if Enrolment.objects.filter(run=run, user=user).exclude(status=Enrolment.Status.CANCELLED).exists():
            raise AlreadyEnrolled()
        now = timezone.now()
        taken = Enrolment.objects.filter(run=run, status__in=SEAT_TAKING).count()
        if taken < run.capacity:
            fields = {"status": Enrolment.Status.CONFIRMED, "confirmed_at": now}
        else:
            fields = {"status": Enrolment.Status.WAITLISTED, "waitlisted_at": now}
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(run=run, user=user, **fields)
        except IntegrityError as exc:
            raise AlreadyEnrolled() from exc
        outbox_add(kind=notifications.ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
    return enrolment


def _can_manage_enrolment(*, enrolment: Enrolment, by: User) -> bool:
    return enrolment.user_id == by.pk or user_is_lab_manager(user=by, lab_id=enrolment.run.lab_id)


def enrolment_cancel(*, enrolment: Enrolment, by: User) -> Enrolment:
    """Cancel a seat or waiting-list place; a freed seat goes to the first person waiting, who is told."""
    if not by.is_authenticated or not _can_manage_enrolment(enrolment=enrolment, by=by):
        raise NotAllowed()
    with transaction.atomic(durable=True):
        run = _lock_run(enrolment.run)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        refusal = enrolment_cancel_refusal(enrolment=enrolment, run=run)
        if refusal:
            raise NotCancellable(refusal)
        freed_seat = enrolment.status == Enrolment.Status.CONFIRMED
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.cancelled_at = timezone.now()
        enrolment.save(update_fields=["status", "cancelled_at"])
        if freed_seat:
            _promote_waiting(run=run)
    return enrolment


def _promote_waiting(*, run: CourseRun) -> list[Enrolment]:
    """Fill free seats from the front of the waiting list. Call only with the run locked."""
    free = run.capacity - Enrolment.objects.filter(run=run, status__in=SEAT_TAKING).count()
    if free <= 0:
        return []
    promoted = list(
        Enrolment.objects.filter(run=run, status=Enrolment.Status.WAITLISTED).order_by("waitlisted_at", "pk")[
            :free
        ]
    )
    now = timezone.now()
    for enrolment in promoted:
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.confirmed_at = now
        enrolment.save(update_fields=["status", "confirmed_at"])
        outbox_add(kind=notifications.WAITLIST_PROMOTION, object_id=enrolment.pk)
    return promoted


@dataclass(frozen=True)
class AttendanceEntry:
    enrolment_id: int
    status: str | None  # None clears what was recorded


def attendance_record(*, session: Session, entries: Iterable[AttendanceEntry], by: User) -> list[Attendance]:
    """Record who came to a session. Only trainers of the run and managers of its lab may; all or nothing.

    The run is locked before anything is checked, so a run closed a moment ago refuses the sheet.
    """
    if not user_can_teach(user=by, run=session.run):
        raise NotAllowed()
    entries = list(entries)
    with transaction.atomic(durable=True):
        run = _lock_run(session.run)
        if run.status != CourseRun.Status.SCHEDULED:
            raise AttendanceInvalid(
                _("Der Kurs ist abgeschlossen; die Anwesenheit lässt sich nicht mehr ändern.")
            )
        _check_attendance_entries(run=run, entries=entries)
        saved = []
        for entry in entries:
            if entry.status is None:
                Attendance.objects.filter(session=session, enrolment_id=entry.enrolment_id).delete()
                continue
            attendance, _created = Attendance.objects.update_or_create(
                session=session,
                enrolment_id=entry.enrolment_id,
                defaults={"status": entry.status, "recorded_by": by},
            )
            saved.append(attendance)
    return saved


def _check_attendance_entries(*, run: CourseRun, entries: list[AttendanceEntry]) -> None:
    valid_statuses = set(Attendance.Status.values)
    seen = set()
    for entry in entries:
        if entry.status is not None and entry.status not in valid_statuses:
            raise AttendanceInvalid(_("Unbekannter Wert „%(status)s“.") % {"status": entry.status})
        if entry.enrolment_id in seen:
            raise AttendanceInvalid(_("Eine Person steht zweimal in der Liste."))
        seen.add(entry.enrolment_id)
    holding_seat = set(
        Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED, pk__in=seen).values_list(
            "pk", flat=True
        )
    )
    if seen - holding_seat:
        raise AttendanceInvalid(_("Die Liste enthält Personen, die keinen Platz in diesem Kurs haben."))


@dataclass(frozen=True)
class RunCloseResult:
    completed: list[Enrolment]
    not_completed: list[Enrolment]


def run_close(*, run: CourseRun, by: User) -> RunCloseResult:
    """Close a run after its last session.

    Who met the attendance rule completes, is awarded the badge and gets a certificate (via a signal).
    """
    if not user_can_teach(user=by, run=run):
        raise NotAllowed()
    with transaction.atomic(durable=True):
        run = _lock_run(run)
        if run.status == CourseRun.Status.CLOSED:
            raise RunAlreadyClosed()
        if run.status == CourseRun.Status.CANCELLED:
            raise RunAlreadyClosed(_("Dieser Kurs wurde abgesagt."))
        now = timezone.now()
        if not run_ready_to_close(run=run, now=now):
            raise RunNotFinished()
        badge_class = badge_class_for_course(course=run.course)
        completed, not_completed = [], []
        confirmed = Enrolment.objects.filter(run=run, status=Enrolment.Status.CONFIRMED).select_related(
            "user"
        )
        for enrolment in with_attendance_outcome(
            run=run, enrolments=confirmed, sessions=run.sessions.count()
        ):
            if enrolment.meets_rule:
                enrolment.status = Enrolment.Status.COMPLETED
                enrolment.completed_at = now
                completed.append(enrolment)
            else:
                enrolment.status = Enrolment.Status.NOT_COMPLETED
                not_completed.append(enrolment)
            enrolment.save(update_fields=["status", "completed_at"])
        for enrolment in completed:
            badge_award(enrolment=enrolment, badge_class=badge_class)
        Enrolment.objects.filter(run=run, status=Enrolment.Status.WAITLISTED).update(
            status=Enrolment.Status.CANCELLED, cancelled_at=now
        )
        run.status = CourseRun.Status.CLOSED
        run.closed_at = now
        run.save(update_fields=["status", "closed_at"])
        for enrolment in completed:
            transaction.on_commit(lambda e=enrolment: enrolment_completed.send(sender=Enrolment, enrolment=e))
    return RunCloseResult(completed=completed, not_completed=not_completed)


COURSE_FIELDS = frozenset(
    {
        "title",
        "slug",
        "summary",
        "body",
        "audience",
        "topic",
        "format",
        "level",
        "prerequisites",
        "bring_along",
        "price",
        "attendance_rule_percent",
    }
)
RUN_FIELDS = frozenset(
    {"course", "title", "capacity", "room", "venue_name", "venue_address", "enrolment_closes_at"}
)
SESSION_FIELDS = frozenset({"start", "end", "location"})


def _require_lab_manager(*, user: User, lab_id: int) -> None:
    if not user.is_authenticated or not user_is_lab_manager(user=user, lab_id=lab_id):
        raise NotAllowed()


def _reject_unknown(fields: dict, allowed: frozenset) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _check_trainers(*, lab_id: int, trainers: list[User]) -> None:
    """Only people who hold a role at the run's lab may teach it."""
    with_role = set(
        LabRole.objects.filter(lab_id=lab_id, user__in=trainers).values_list("user_id", flat=True)
    )
    for trainer in trainers:
        if trainer.pk not in with_role:
            raise DomainError(
                _("%(name)s gehört nicht zur Kursleitung dieses Labors.") % {"name": trainer.get_full_name()}
            )


def _check_slug_free(*, slug: str, course_pk: int | None = None) -> None:
    """The API addresses course offers by slug, so one slug names one offer across all labs."""
    if CoursePage.objects.filter(slug=slug).exclude(pk=course_pk).exists():
        raise ValidationError({"slug": _("Diese Kurzadresse hat schon ein anderes Kursangebot.")})


def course_create(
    *, lab: LabPage, by: User, title: str, summary: str, competences: Iterable[Competence] = (), **fields
) -> CoursePage:
    """Publish a new course offer under a lab. Only managers of that lab and superusers may.

    The description passes the rich text editor's whitelist when the page is saved (`CoursePage.clean`).
    """
    _require_lab_manager(user=by, lab_id=lab.pk)
    _reject_unknown(fields, COURSE_FIELDS)
    with transaction.atomic(durable=True):
        slug = fields.pop("slug", "") or slugify(title)
        _check_slug_free(slug=slug)
        course = CoursePage(title=title, summary=summary, slug=slug, owner=by, **fields)
        course.competences = list(competences)
        lab.add_child(instance=course)
        # The lab role is the permission here, whether or not the person also edits in the CMS.
        course.save_revision(user=by).publish(user=by, skip_permission_checks=True)
    return course


def course_update(
    *, course: CoursePage, by: User, competences: Iterable[Competence] | None = None, **fields
) -> CoursePage:
    """Change a course offer and publish the change as a new revision. Only managers of its lab may."""
    _require_lab_manager(user=by, lab_id=course.get_parent().pk)
    _reject_unknown(fields, COURSE_FIELDS)
    with transaction.atomic(durable=True):
        if fields.get("slug"):
            _check_slug_free(slug=fields["slug"], course_pk=course.pk)
        for name, value in fields.items():
            setattr(course, name, value)
        if competences is not None:
            course.competences = list(competences)
        # The lab role is the permission here, whether or not the person also edits in the CMS.
        course.save_revision(user=by).publish(user=by, skip_permission_checks=True)
    return course


@dataclass(frozen=True)
class SessionChange:
    """One meeting as a run form sends it: new (no `id`), changed, or to be removed (`delete`)."""

    start: datetime | None = None
    end: datetime | None = None
    location: str = ""
    id: int | None = None
    delete: bool = False


def run_create(
    *,
    course: CoursePage,
    by: User,
    capacity: int,
    title: str = "",
    room: Room | None = None,
    trainers: Iterable[User] = (),
    venue_name: str = "",
    venue_address: str = "",
    enrolment_closes_at: datetime | None = None,
    sessions: Iterable[SessionChange] = (),
) -> CourseRun:
    """Schedule a run of a course offer, with its meetings. Only managers of the course's lab may;
    trainers need a role there."""
    lab_id = course.get_parent().pk
    _require_lab_manager(user=by, lab_id=lab_id)
    trainers = list(trainers)
    _check_trainers(lab_id=lab_id, trainers=trainers)
    with transaction.atomic(durable=True):
        run = CourseRun(
            course=course,
            lab_id=lab_id,
            capacity=capacity,
            title=title,
            room=room,
            venue_name=venue_name,
            venue_address=venue_address,
            enrolment_closes_at=enrolment_closes_at,
        )
        run.full_clean()
        run.save()
        run.trainers.set(trainers)
        _sessions_apply(run=run, changes=sessions)
    return run


def run_update(
    *,
    run: CourseRun,
    by: User,
    trainers: Iterable[User] | None = None,
    sessions: Iterable[SessionChange] = (),
    **fields,
) -> CourseRun:
    """Change a scheduled run and its meetings.

    Fewer seats than are taken is refused; more seats go to those waiting at once, who are told.
    """
    _require_lab_manager(user=by, lab_id=run.lab_id)
    _reject_unknown(fields, RUN_FIELDS)
    course = fields.get("course")
    if course is not None and course.pk != run.course_id:
        _require_lab_manager(user=by, lab_id=course.get_parent().pk)
    with transaction.atomic(durable=True):
        run = _lock_run(run)
        _require_scheduled(run)
        if course is not None and course.pk != run.course_id:
            if run.enrolments.exists():
                raise ValidationError(
                    {"course": _("Es gibt schon Anmeldungen; das Kursangebot lässt sich nicht mehr ändern.")}
                )
            run.lab_id = course.get_parent().pk
        for name, value in fields.items():
            setattr(run, name, value)
        if trainers is not None:
            trainers = list(trainers)
            _check_trainers(lab_id=run.lab_id, trainers=trainers)
        taken = Enrolment.objects.filter(run=run, status__in=SEAT_TAKING).count()
        if run.capacity is not None and run.capacity < taken:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "%(n)s Person hat schon einen Platz; weniger Plätze gehen nicht.",
                        "%(n)s Personen haben schon einen Platz; weniger Plätze gehen nicht.",
                        taken,
                    )
                    % {"n": taken}
                }
            )
        run.full_clean()
        run.save()
        if trainers is not None:
            run.trainers.set(trainers)
        _sessions_apply(run=run, changes=sessions)
        _promote_waiting(run=run)
    return run


def session_create(
    *, run: CourseRun, by: User, start: datetime, end: datetime, location: str = ""
) -> Session:
    """Add a meeting to a scheduled run. Only managers of the run's lab may."""
    _require_lab_manager(user=by, lab_id=run.lab_id)
    with transaction.atomic(durable=True):
        run = _lock_run(run)
        _require_scheduled(run)
        return _session_add(run=run, start=start, end=end, location=location)


def session_update(*, session: Session, by: User, **fields) -> Session:
    """Move or relocate a meeting of a scheduled run. Only managers of the run's lab may."""
    _require_lab_manager(user=by, lab_id=session.run.lab_id)
    _reject_unknown(fields, SESSION_FIELDS)
    with transaction.atomic(durable=True):
        run = _lock_run(session.run)
        _require_scheduled(run)
        return _session_change(session=session, **fields)


def _require_scheduled(run: CourseRun) -> None:
    """A closed or cancelled run keeps what it was; only scheduled runs change."""
    if run.status == CourseRun.Status.CLOSED:
        raise RunAlreadyClosed()
    if run.status == CourseRun.Status.CANCELLED:
        raise RunAlreadyClosed(_("Dieser Kurs wurde abgesagt."))


def _sessions_apply(*, run: CourseRun, changes: Iterable[SessionChange]) -> None:
    """Add, change and remove meetings of a locked run as a run form asks."""
    existing = {session.pk: session for session in run.sessions.all()} if run.pk else {}
    for change in changes:
        if change.id is None:
            if not change.delete:
                _session_add(run=run, start=change.start, end=change.end, location=change.location)
            continue
        session = existing.get(change.id)
        if session is None:
            raise NotFound()
        if change.delete:
            _session_remove(session=session)
        else:
            _session_change(session=session, start=change.start, end=change.end, location=change.location)


def _session_add(*, run: CourseRun, start, end, location: str) -> Session:
    session = Session(run=run, start=start, end=end, location=location)
    session.full_clean()
    session.save()
    return session


def _session_change(*, session: Session, **fields) -> Session:
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    return session


def _session_remove(*, session: Session) -> None:
    """A meeting with recorded attendance stays: completion is counted from it."""
    if Attendance.objects.filter(session=session).exists():
        when = date_format(timezone.localtime(session.start), _("j. F Y, H:i \\U\\h\\r"))
        raise DomainError(
            _("Für den Termin am %(when)s ist schon Anwesenheit erfasst. Darum lässt er sich nicht löschen.")
            % {"when": when}
        )
    session.delete()
