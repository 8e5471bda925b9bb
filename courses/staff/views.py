"""The list of a run's people for its lab ("Teilnehmerliste", /team/termine/<id>/), with CSV and PDF.

Managers of the run's lab (and superusers) enrol people who phoned, move people from the waiting list,
remove places and cancel the run, each through one service; the run's trainers read the list and export
it, without any way to change it. A run the person neither manages nor teaches is "not found", whatever id
is put into the address; an action of a trainer is forbidden.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pdf import render_pdf
from courses import services
from courses.exceptions import DomainError
from courses.models import CourseRun, Enrolment
from courses.selectors import enrolment_cancel_refusal, enrolment_closed_reason
from courses.staff.selectors import (
    Roster,
    roster_can_manage,
    roster_enrolment,
    roster_runs,
    run_cancel_audience,
    run_roster,
)

from .forms import EnrolmentRemoveForm, PhoneEnrolmentForm, RunCancelForm, WaitlistMoveForm


def _run_or_404(request, run_id: int) -> CourseRun:
    return get_object_or_404(roster_runs(user=request.user), pk=run_id)


def _managed_run(request, run_id: int) -> CourseRun:
    run = _run_or_404(request, run_id)
    if not roster_can_manage(user=request.user, run=run):
        raise PermissionDenied
    return run


def _enrolment_or_404(run: CourseRun, enrolment_id: int) -> Enrolment:
    try:
        return roster_enrolment(run=run, enrolment_id=enrolment_id)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc


def _back(run: CourseRun):
    return redirect("staff:run_roster", run_id=run.pk)


def _render_roster(request, run: CourseRun, *, phone_form: PhoneEnrolmentForm | None = None):
    can_manage = roster_can_manage(user=request.user, run=run)
    scheduled = run.status == CourseRun.Status.SCHEDULED
    over = run.last_start is not None and run.last_start <= timezone.now()
    context = {
        "run": run,
        "roster": run_roster(run=run),
        "can_manage": can_manage,
        "scheduled": scheduled,
        "can_remove": can_manage and scheduled and not over,
        "is_full": run.seats_left <= 0,
        "enrol_closed": enrolment_closed_reason(run=run, ignore_deadline=True),
        "phone_form": phone_form or PhoneEnrolmentForm(),
    }
    return render(request, "courses/staff/run_roster.html", context)


@login_required
@require_GET
def run_roster_view(request, run_id: int):
    return _render_roster(request, _run_or_404(request, run_id))


@login_required
@require_POST
def roster_enrol_view(request, run_id: int):
    """Enrol someone who phoned; the form comes back with its errors, a refusal as a message."""
    run = _managed_run(request, run_id)
    form = PhoneEnrolmentForm(request.POST)
    if form.is_valid():
        try:
            enrolment = services.enrolment_create_for_person(run=run, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(run)
        else:
            messages.success(request, _enrolled_message(enrolment))
            return _back(run)
    return _render_roster(request, run, phone_form=form)


def _enrolled_message(enrolment: Enrolment) -> str:
    name = enrolment.holder_name
    if enrolment.status == Enrolment.Status.WAITLISTED:
        return _(
            "%(name)s steht jetzt auf der Warteliste, auf Platz %(position)s, und bekommt eine E-Mail."
        ) % {"name": name, "position": enrolment.waitlist_position}
    return _("%(name)s ist angemeldet und bekommt eine Bestätigung per E-Mail.") % {"name": name}


@login_required
@require_POST
def roster_waitlist_move_view(request, run_id: int, enrolment_id: int):
    """Give a waiting person (or an open offer) a seat now; when full only with "einen Platz mehr"."""
    run = _managed_run(request, run_id)
    enrolment = _enrolment_or_404(run, enrolment_id)
    form = WaitlistMoveForm(request.POST)
    add_seat = form.is_valid() and form.cleaned_data["add_seat"]
    try:
        enrolment = services.waitlist_move(enrolment=enrolment, by=request.user, add_seat=add_seat)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(run)
    message = _("%(name)s hat jetzt einen Platz und bekommt eine E-Mail.") % {"name": enrolment.holder_name}
    capacity = enrolment.run.capacity
    if capacity > run.capacity:
        message += " " + _("Der Kurs hat jetzt %(capacity)s Plätze.") % {"capacity": capacity}
    messages.success(request, message)
    return _back(run)


@login_required
@require_http_methods(["GET", "POST"])
def roster_remove_view(request, run_id: int, enrolment_id: int):
    """Take a place away, with a reason the person is told."""
    run = _managed_run(request, run_id)
    enrolment = _enrolment_or_404(run, enrolment_id)
    form = EnrolmentRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_remove(
                enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(run)
        else:
            messages.success(
                request,
                _("%(name)s ist abgemeldet und bekommt eine E-Mail mit dem Grund.")
                % {"name": enrolment.holder_name},
            )
            return _back(run)
    context = {
        "run": run,
        "enrolment": enrolment,
        "form": form,
        "refusal": enrolment_cancel_refusal(enrolment=enrolment, run=run, by_manager=True),
    }
    return render(request, "courses/staff/enrolment_remove.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def run_cancel_view(request, run_id: int):
    """ "Kurs absagen": says who will be told, and cancels the run with the lab's message."""
    run = _managed_run(request, run_id)
    audience = run_cancel_audience(run=run)
    form = RunCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.run_cancel(run=run, by=request.user, message=form.cleaned_data["message"])
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(run)
        else:
            messages.success(request, _cancelled_message(audience.people))
            return _back(run)
    context = {
        "run": run,
        "audience": audience,
        "form": form,
        "scheduled": run.status == CourseRun.Status.SCHEDULED,
    }
    return render(request, "courses/staff/run_cancel.html", context)


def _cancelled_message(people: int) -> str:
    return ngettext(
        "Der Kurs ist abgesagt. %(n)s Person bekommt Ihre Nachricht.",
        "Der Kurs ist abgesagt. %(n)s Personen bekommen Ihre Nachricht.",
        people,
    ) % {"n": people}


# Export


def _filename(run: CourseRun, extension: str) -> str:
    day = timezone.localtime(run.first_start).date().isoformat() if run.first_start else ""
    parts = [slugify(_("Teilnehmerliste")), slugify(run.course.title)[:60], day]
    return "-".join(part for part in parts if part) + "." + extension


# A spreadsheet runs a cell that begins like this as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """The value as text that a spreadsheet shows and never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "d.m.Y H:i") if moment else ""


def _roster_rows(roster: Roster) -> list[list]:
    """One row per place (per organisation for unnamed seats), in the page's groups and order."""
    header = [
        _("Gruppe"),
        _("Name"),
        _("E-Mail-Adresse"),
        _("Organisation"),
        _("Stand"),
        _("Plätze"),
        _("Platz auf der Warteliste"),
        _("Bestätigt am"),
        _("Auf der Warteliste seit"),
        _("Angebot gilt bis"),
        _("Abgemeldet am"),
        _("Grund"),
        _("Begründung"),
    ]

    def row(group: str, enrolment: Enrolment) -> list:
        return [
            group,
            enrolment.holder_name if (enrolment.user_id or enrolment.member_name) else "",
            enrolment.user.email if enrolment.user_id else enrolment.member_email,
            enrolment.booking.organisation.name if enrolment.booking_id else "",
            enrolment.get_status_display(),
            "",
            getattr(enrolment, "waitlist_position", None),
            _when(enrolment.confirmed_at),
            _when(enrolment.waitlisted_at) if enrolment.status == Enrolment.Status.WAITLISTED else "",
            _when(enrolment.offer_expires_at),
            _when(enrolment.cancelled_at),
            enrolment.get_cancel_cause_display(),
            enrolment.cancel_reason,
        ]

    rows = [header]
    rows += [row(_("Teilnehmende"), e) for e in roster.attending]
    rows += [row(_("Eingeladen"), e) for e in roster.invited]
    rows += [
        [_("Reserviert"), "", "", group.organisation.name, _("noch ohne Namen"), group.seats]
        + [""] * (len(header) - 6)
        for group in roster.reserved
    ]
    rows += [row(_("Platz angeboten"), e) for e in roster.offered]
    rows += [row(_("Warteliste"), e) for e in roster.waiting]
    rows += [row(_("Nicht mehr dabei"), e) for e in roster.cancelled]
    return rows


@login_required
@require_GET
@never_cache
def roster_csv_view(request, run_id: int):
    """The list for a spreadsheet: UTF-8 with BOM and ";" between cells, as German Excel opens it."""
    run = _run_or_404(request, run_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(run, "csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for row in _roster_rows(run_roster(run=run)):
        writer.writerow([_csv_cell(value) for value in row])
    return response


@login_required
@require_GET
@never_cache
def roster_pdf_view(request, run_id: int):
    """The list to print (A4), grouped as on the page."""
    run = _run_or_404(request, run_id)
    html = render_to_string(
        "courses/staff/run_roster_pdf.html",
        {"run": run, "roster": run_roster(run=run), "printed_at": timezone.now()},
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(run, "pdf")}"'
    return response
