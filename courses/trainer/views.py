"""The trainer's workspace (/kursleitung/): own sessions and runs, attendance, closing a run.

Every run and session is looked up among `runs_taught_by(user)`, so changing an id in the address
leads to "not found", never to someone else's course.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from courses import services
from courses.exceptions import DomainError
from courses.models import Attendance, CourseRun, Session
from courses.selectors import run_participants, run_ready_to_close, with_attendance_outcome
from courses.trainer.selectors import (
    run_sessions_with_recorded,
    runs_taught_by,
    session_attendance,
    trainer_runs_open_or_recent,
    trainer_sessions_upcoming,
    user_teaches_anywhere,
)

from .forms import AttendanceForm


def _run_or_404(request, run_id: int) -> CourseRun:
    return get_object_or_404(runs_taught_by(user=request.user), pk=run_id)


@login_required
def dashboard_view(request):
    if not user_teaches_anywhere(user=request.user):
        return render(request, "courses/trainer/not_trainer.html", status=403)
    runs = list(trainer_runs_open_or_recent(user=request.user))
    # Runs waiting to be closed first: that is the trainer's next job for them.
    runs.sort(key=lambda run: not run.ready_to_close)
    context = {"sessions": trainer_sessions_upcoming(user=request.user), "runs": runs}
    return render(request, "courses/trainer/dashboard.html", context)


@login_required
def run_detail_view(request, run_id: int):
    run = _run_or_404(request, run_id)
    context = {
        "run": run,
        "participants": list(run_participants(run=run)),
        "sessions": list(run_sessions_with_recorded(run=run)),
        "can_close": run_ready_to_close(run=run),
    }
    return render(request, "courses/trainer/run_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance_view(request, session_id: int):
    taught = runs_taught_by(user=request.user).values("pk")
    session = get_object_or_404(
        Session.objects.select_related("run", "run__course", "run__lab", "run__room").filter(run__in=taught),
        pk=session_id,
    )
    run = session.run
    is_open = run.status == CourseRun.Status.SCHEDULED
    if request.method == "POST" and not is_open:
        messages.error(
            request, _("Der Kurs ist abgeschlossen; die Anwesenheit lässt sich nicht mehr ändern.")
        )
        return redirect("trainer:session_attendance", session_id=session.pk)
    rows = session_attendance(session=session)
    form = AttendanceForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.attendance_record(session=session, entries=form.entries(), by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _saved_message(saved, len(rows)))
            return redirect("trainer:session_attendance", session_id=session.pk)
    context = {"session": session, "run": run, "form": form, "is_open": is_open}
    return render(request, "courses/trainer/session_attendance.html", context)


def _saved_message(saved, participants: int) -> str:
    present = sum(1 for attendance in saved if attendance.status == Attendance.Status.PRESENT)
    return ngettext(
        "Gespeichert. Anwesend: %(present)s von %(total)s Person.",
        "Gespeichert. Anwesend: %(present)s von %(total)s Personen.",
        participants,
    ) % {"present": present, "total": participants}


@login_required
@require_http_methods(["GET", "POST"])
def run_close_view(request, run_id: int):
    run = _run_or_404(request, run_id)
    if request.method == "POST":
        try:
            result = services.run_close(run=run, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("trainer:run_close", run_id=run.pk)
        messages.success(request, _closed_message(result))
        return redirect("trainer:run_close", run_id=run.pk)
    sessions_total = len(run.sessions.all())
    participants = with_attendance_outcome(
        run=run, enrolments=run_participants(run=run), sessions=sessions_total
    )
    context = {
        "run": run,
        "participants": participants,
        "sessions_total": sessions_total,
        "rule": run.course.attendance_rule_percent,
        "can_close": run_ready_to_close(run=run),
        "meeting_count": sum(1 for enrolment in participants if enrolment.meets_rule),
    }
    return render(request, "courses/trainer/run_close.html", context)


def _closed_message(result: services.RunCloseResult) -> str:
    completed = len(result.completed)
    total = completed + len(result.not_completed)
    message = ngettext(
        "Der Kurs ist abgeschlossen. Geschafft: %(completed)s von %(total)s Person.",
        "Der Kurs ist abgeschlossen. Geschafft: %(completed)s von %(total)s Personen.",
        total,
    ) % {"completed": completed, "total": total}
    if completed:
        return message + " " + _("Die Zertifikate werden jetzt ausgestellt.")
    return message
