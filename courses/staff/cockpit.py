"""The lab managers' overview above the lists of people ("Cockpit", /team/): their labs' runs with fill,
waiting list, attendance and completions; the week's meetings by day ("Wochenplan"); what needs a
decision ("Zu erledigen"); and the audit log of staff actions ("Protokoll").

Only managers of a lab and superusers see these pages; anyone else signed in is forbidden. A lab the
person does not manage, put into the address (`?labor=`), is "not found". Every page reads through
selectors with a fixed number of queries and changes nothing.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.audit import Action, audit_entries
from labs.models import LabPage

from .selectors import (
    cockpit_labs,
    cockpit_runs,
    needs_action,
    run_attendance_percent,
    run_fill_percent,
    week_label,
    week_monday,
    week_sessions,
)

AUDIT_PAGE_SIZE = 50


def _labs_in_view(request) -> tuple[list[LabPage], list[LabPage]]:
    """The labs the person manages and those this page shows: the one asked for (`?labor=`), else all of
    them; superusers, who manage every lab, see the first unless they choose another."""
    labs = list(cockpit_labs(user=request.user))
    if not labs:
        raise PermissionDenied
    asked = request.GET.get("labor", "")
    if asked:
        chosen = [lab for lab in labs if str(lab.pk) == asked]
        if not chosen:
            raise Http404
        return labs, chosen
    if request.user.is_superuser:
        return labs, labs[:1]
    return labs, labs


def _lab_query(request, shown: list[LabPage]) -> str:
    return f"labor={shown[0].pk}" if request.GET.get("labor") else ""


@login_required
@require_GET
def cockpit_view(request):
    labs, shown = _labs_in_view(request)
    now = timezone.now()
    runs = list(cockpit_runs(lab_ids=[lab.pk for lab in shown], now=now))
    by_lab = {lab.pk: {"lab": lab, "upcoming": [], "past": []} for lab in shown}
    for run in runs:
        run.fill_percent = run_fill_percent(run)
        run.attendance_percent = run_attendance_percent(run)
        over = run.last_start is not None and run.last_start < now
        by_lab[run.lab_id]["past" if over else "upcoming"].append(run)
    for group in by_lab.values():
        group["past"].reverse()
    context = {
        "labs": labs,
        "shown": shown,
        "lab_query": _lab_query(request, shown),
        "groups": list(by_lab.values()),
        "needs_action": needs_action(lab_ids=[lab.pk for lab in shown], now=now),
        "can_switch": len(labs) > 1,
        "section": "cockpit",
    }
    return render(request, "courses/staff/cockpit/index.html", context)


@login_required
@require_GET
def week_view(request):
    labs, shown = _labs_in_view(request)
    today = timezone.localdate()
    monday = week_monday(request.GET.get("woche"), today=today)
    sessions = week_sessions(lab_ids=[lab.pk for lab in shown], monday=monday)
    days = [{"date": monday + timedelta(days=n), "sessions": []} for n in range(7)]
    for session in sessions:
        days[(timezone.localtime(session.start).date() - monday).days]["sessions"].append(session)
    context = {
        "labs": labs,
        "shown": shown,
        "lab_query": _lab_query(request, shown),
        "can_switch": len(labs) > 1,
        "days": days,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "week": week_label(monday),
        "previous_week": week_label(monday - timedelta(days=7)),
        "next_week": week_label(monday + timedelta(days=7)),
        "this_week": week_label(today - timedelta(days=today.weekday())),
        "count": len(sessions),
        "section": "week",
    }
    return render(request, "courses/staff/cockpit/week.html", context)


@login_required
@require_GET
def needs_action_view(request):
    labs, shown = _labs_in_view(request)
    context = {
        "labs": labs,
        "shown": shown,
        "lab_query": _lab_query(request, shown),
        "can_switch": len(labs) > 1,
        "needs_action": needs_action(lab_ids=[lab.pk for lab in shown], now=timezone.now()),
        "section": "needs_action",
    }
    return render(request, "courses/staff/cockpit/needs_action.html", context)


@login_required
@require_GET
def audit_log_view(request):
    """The log, newest first: managers their labs' entries, superusers every entry (also those of no
    lab, such as a person's own data export) unless they choose a lab."""
    labs = list(cockpit_labs(user=request.user))
    if not labs:
        raise PermissionDenied
    asked = request.GET.get("labor", "")
    if asked:
        chosen = [lab for lab in labs if str(lab.pk) == asked]
        if not chosen:
            raise Http404
        lab_ids = [chosen[0].pk]
    else:
        lab_ids = None if request.user.is_superuser else [lab.pk for lab in labs]
    action = request.GET.get("aktion", "")
    if action and action not in Action.values:
        action = ""
    entries = audit_entries(lab_ids=lab_ids, actions=[action] if action else None)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("seite"))
    query = "&".join(
        part for part in (f"labor={asked}" if asked else "", f"aktion={action}" if action else "") if part
    )
    context = {
        "labs": labs,
        "chosen_lab": asked,
        "actions": Action.choices,
        "chosen_action": action,
        "page": page,
        "query": query,
        "section": "audit",
    }
    return render(request, "courses/staff/cockpit/audit_log.html", context)
