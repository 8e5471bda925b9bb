"""The trainer's workspace (/kursleitung/): own sessions and runs, attendance, walk-ins, the sign-in sheet,
closing a run.

Every run and session is looked up among `runs_taught_by(user)`, so changing an id in the address
leads to "not found", never to someone else's course.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.pdf import render_pdf
from courses import services
from courses.exceptions import DomainError
from courses.models import Attendance, CourseRun, Session
from courses.selectors import attendance_opens_at, run_ready_to_close, with_attendance_outcome
from courses.trainer.selectors import (
    run_participants_by_name,
    run_sessions_with_recorded,
    runs_taught_by,
    session_attendance,
    session_for_trainer,
    trainer_runs_open_or_recent,
    trainer_sessions_today_and_next,
    user_teaches_anywhere,
)

from .forms import ACTION, REST_PRESENT, AttendanceForm, WalkInForm

# Empty rows at the end of the sign-in sheet, for people who come without enrolling.
SIGN_IN_BLANK_ROWS = 5
# How many of the people still unmarked the sheet names; the rest are counted.
UNMARKED_NAMED = 4


def _run_or_404(request, run_id: int) -> CourseRun:
    return get_object_or_404(runs_taught_by(user=request.user), pk=run_id)


def _session_or_404(request, session_id: int) -> Session:
    session = session_for_trainer(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    return session


@login_required
def dashboard_view(request):
    if not user_teaches_anywhere(user=request.user):
        return render(request, "courses/trainer/not_trainer.html", status=403)
    runs = list(trainer_runs_open_or_recent(user=request.user))
    # Runs waiting to be closed first: that is the trainer's next job for them.
    runs.sort(key=lambda run: not run.ready_to_close)
    sessions = trainer_sessions_today_and_next(user=request.user)
    context = {
        "today_sessions": [session for session in sessions if session.is_today],
        "next_sessions": [session for session in sessions if not session.is_today],
        "runs": runs,
    }
    return render(request, "courses/trainer/dashboard.html", context)


@login_required
def run_detail_view(request, run_id: int):
    run = _run_or_404(request, run_id)
    context = {
        "run": run,
        "participants": list(run_participants_by_name(run=run)),
        "sessions": list(run_sessions_with_recorded(run=run)),
        "can_close": run_ready_to_close(run=run),
    }
    return render(request, "courses/trainer/run_detail.html", context)


def _session_state(session: Session) -> dict:
    """Whether the session's sheet can be filled in now: the run is open and the session is at most a
    day ahead (`attendance_opens_at`, the rule the service applies)."""
    is_open = session.run.status == CourseRun.Status.SCHEDULED
    opens_at = attendance_opens_at(session=session)
    too_early = is_open and timezone.now() < opens_at
    return {
        "is_open": is_open,
        "too_early": too_early,
        "opens_at": opens_at,
        "recordable": is_open and not too_early,
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance_view(request, session_id: int):
    session = _session_or_404(request, session_id)
    state = _session_state(session)
    if request.method == "POST" and not state["is_open"]:
        messages.error(
            request, _("Der Kurs ist abgeschlossen; die Anwesenheit lässt sich nicht mehr ändern.")
        )
        return redirect("trainer:session_attendance", session_id=session.pk)
    if request.method == "POST" and state["too_early"]:
        # The page says from when the sheet can be filled in.
        return redirect("trainer:session_attendance", session_id=session.pk)
    rows = session_attendance(session=session)
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        rows=rows,
        rest_present=request.POST.get(ACTION) == REST_PRESENT,
    )
    if request.method == "POST" and form.is_valid():
        entries = form.entries()
        try:
            saved = services.attendance_record(session=session, entries=entries, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _saved_message(saved, len(rows)))
            unmarked = sum(1 for entry in entries if entry.status is None)
            if unmarked:
                messages.warning(request, _unmarked_message(unmarked))
            return redirect("trainer:session_attendance", session_id=session.pk)
    unmarked = [row for row in rows if row["status"] is None]
    # Offered once the sheet was saved with someone left out (not while it is still empty).
    unmarked = unmarked if len(unmarked) < len(rows) else []
    context = {
        "session": session,
        "run": session.run,
        "form": form,
        **state,
        "unmarked_rows": unmarked,
        "unmarked_named": unmarked[:UNMARKED_NAMED],
        "unmarked_more": max(0, len(unmarked) - UNMARKED_NAMED),
        "walk_in_form": WalkInForm(),
        "rest_present": REST_PRESENT,
    }
    return render(request, "courses/trainer/session_attendance.html", context)


def _saved_message(saved, participants: int) -> str:
    present = sum(1 for attendance in saved if attendance.status == Attendance.Status.PRESENT)
    return ngettext(
        "Gespeichert. Anwesend: %(present)s von %(total)s Person.",
        "Gespeichert. Anwesend: %(present)s von %(total)s Personen.",
        participants,
    ) % {"present": present, "total": participants}


def _unmarked_message(unmarked: int) -> str:
    return ngettext(
        "Bei %(count)s Person ist noch nichts eingetragen.",
        "Bei %(count)s Personen ist noch nichts eingetragen.",
        unmarked,
    ) % {"count": unmarked}


@login_required
@require_http_methods(["GET", "POST"])
def walk_in_view(request, session_id: int):
    """Add someone who came without enrolling; they appear on the sheet marked present."""
    session = _session_or_404(request, session_id)
    form = WalkInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.walk_in_add(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s ist eingetragen und als anwesend markiert.") % {"name": enrolment.holder_name},
            )
            return redirect("trainer:session_attendance", session_id=session.pk)
    context = {"session": session, "run": session.run, "walk_in_form": form, **_session_state(session)}
    return render(request, "courses/trainer/walk_in.html", context)


@login_required
@require_GET
@never_cache
def sign_in_sheet_view(request, session_id: int):
    """The list to print and sign at the session (A4): the names of those holding a seat, no addresses,
    and empty rows for people who come without enrolling."""
    session = _session_or_404(request, session_id)
    context = {
        "session": session,
        "run": session.run,
        "rows": session_attendance(session=session),
        "blank_rows": range(SIGN_IN_BLANK_ROWS),
        "printed_at": timezone.now(),
    }
    html = render_to_string("courses/trainer/sign_in_sheet_pdf.html", context, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    day = timezone.localdate(session.start).isoformat()
    name = "-".join([slugify(_("Unterschriften")), slugify(session.run.course.title)[:60], day])
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def run_close_view(request, run_id: int):
    run = _run_or_404(request, run_id)
    if request.method == "POST":
        closed_before = run.status == CourseRun.Status.CLOSED
        try:
            result = services.run_close(run=run, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("trainer:run_close", run_id=run.pk)
        messages.success(request, _closed_message(result, closed_before=closed_before))
        return redirect(reverse("trainer:run_close", args=[run.pk]) + "#ergebnis")
    sessions_total = len(run.sessions.all())
    participants = with_attendance_outcome(
        run=run, enrolments=run_participants_by_name(run=run), sessions=sessions_total
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


def _closed_message(result: services.RunCloseResult, *, closed_before: bool) -> str:
    completed = len(result.completed)
    total = completed + len(result.not_completed)
    if closed_before:
        return ngettext(
            "Der Kurs ist bereits abgeschlossen. Geschafft: %(completed)s von %(total)s Person.",
            "Der Kurs ist bereits abgeschlossen. Geschafft: %(completed)s von %(total)s Personen.",
            total,
        ) % {"completed": completed, "total": total}
    message = ngettext(
        "Der Kurs ist abgeschlossen. Geschafft: %(completed)s von %(total)s Person.",
        "Der Kurs ist abgeschlossen. Geschafft: %(completed)s von %(total)s Personen.",
        total,
    ) % {"completed": completed, "total": total}
    if completed:
        return message + " " + _("Die Zertifikate werden jetzt ausgestellt.")
    return message
