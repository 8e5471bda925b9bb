"""The citizen's pages: enrol in a run (with or without an account), "Meine Kurse", cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import ratelimit
from accounts.exceptions import DomainError
from accounts.forms import SignupForm
from courses.badges.selectors import badge_assertions_for_user
from courses.calendar.selectors import calendar_feed_url
from courses.calendar.services import calendar_feed_get_or_create, calendar_feed_renew
from courses.models import CalendarFeed, CourseRun, Enrolment
from courses.participant.forms import EnrolmentStatisticsForm
from courses.participant.selectors import enrolment_list_for_user, enrolments_upcoming_and_past
from courses.selectors import enrolment_cancel_refusal, enrolment_closed_reason, run_list
from courses.services import (
    enrolment_cancel,
    enrolment_create,
    enrolment_statistics_set,
    offer_accept,
    offer_decline,
)
from courses.trainer.selectors import user_teaches_anywhere

TOO_MANY = gettext_lazy(
    "Zu viele Anmeldungen in kurzer Zeit. Bitte versuchen Sie es in einer Stunde noch einmal."
)


@login_required
def landing_view(request):
    """Where logging in leads: trainers and lab staff to their workspace, everyone else to "Meine Kurse"."""
    if user_teaches_anywhere(user=request.user):
        return redirect("trainer:dashboard")
    return redirect("courses:my_courses")


def _current_enrolment(*, user, run: CourseRun) -> Enrolment | None:
    """The person's enrolment in the run that still counts (not cancelled), with its waiting-list place."""
    if not user.is_authenticated:
        return None
    return (
        enrolment_list_for_user(user=user).filter(run=run).exclude(status=Enrolment.Status.CANCELLED).first()
    )


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def enrol_view(request, run_id: int):
    """GET shows the run and one way to enrol; POST enrols (creating the account first if needed).

    The course page of a single-date course posts its enrolment form here too; a form with mistakes comes back
    on this page, with the error summary at its top. After enrolling, the same address shows the result, so
    reloading never enrols twice.
    """
    run = get_object_or_404(run_list(include_past=True), pk=run_id)
    form = None
    if request.method == "POST":
        if ratelimit.action_limited(request, "enrol"):
            messages.error(request, TOO_MANY)
            return redirect(request.path)
        ratelimit.action_hit(request, "enrol")
        if request.user.is_authenticated:
            return _enrol_and_redirect(request, run)
        reason = enrolment_closed_reason(run=run)
        if reason:
            messages.error(request, reason)
            return redirect(request.path)
        form = SignupForm(request.POST)
        if form.is_valid() and form.register_and_log_in(request):
            return _enrol_and_redirect(request, run, new_account=True)

    enrolment = _current_enrolment(user=request.user, run=run)
    if enrolment is not None:
        context = {"run": run, "enrolment": enrolment, "statistics_form": _statistics_form(enrolment)}
        return render(request, "courses/enrol_done.html", context)
    context = {
        "run": run,
        "course": run.course,
        "closed_reason": enrolment_closed_reason(run=run),
        "form": form or (None if request.user.is_authenticated else SignupForm()),
    }
    return render(request, "courses/enrol.html", context)


def _enrol_and_redirect(request, run: CourseRun, new_account: bool = False):
    try:
        enrolment_create(run=run, user=request.user)
    except DomainError as exc:
        if new_account:
            messages.info(request, _("Ihr Konto ist angelegt und Sie sind für den Kurs angemeldet."))
        messages.error(request, exc.message)
    return redirect(request.path)


@login_required
def my_courses_view(request):
    upcoming, past = enrolments_upcoming_and_past(user=request.user)
    sections = [{"id": "kommende", "title": _("Kommende Kurse"), "enrolments": upcoming, "active": True}]
    if past:
        sections.append(
            {"id": "fruehere", "title": _("Frühere und abgesagte Kurse"), "enrolments": past, "active": False}
        )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "sections": sections,
        "badges": list(badge_assertions_for_user(user=request.user)),
        "calendar_url": calendar_feed_url(feed=feed) if feed else "",
    }
    return render(request, "courses/my_courses.html", context)


@login_required
@require_POST
def calendar_feed_view(request, renew: bool = False):
    """Make the person's private calendar address, or give it a new one (the old one stops working)."""
    if renew:
        calendar_feed_renew(user=request.user)
        messages.success(
            request,
            _(
                "Ihr Kalender hat eine neue Adresse. Die alte funktioniert nicht mehr; "
                "tragen Sie die neue ein."
            ),
        )
    else:
        calendar_feed_get_or_create(user=request.user)
    return redirect(reverse("courses:my_courses") + "#kalender")


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_cancel_view(request, enrolment_id: int):
    """Confirm, then cancel one's own enrolment. Another person's enrolment is not found."""
    enrolment = get_object_or_404(enrolment_list_for_user(user=request.user), pk=enrolment_id)
    if request.method == "POST":
        held_seat = enrolment.status in Enrolment.SEAT_HOLDING
        try:
            enrolment_cancel(enrolment=enrolment, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if held_seat:
                text = _("Sie haben „%(course)s“ abgesagt. Ihr Platz geht an die nächste Person.")
            else:
                text = _("Sie stehen nicht mehr auf der Warteliste für „%(course)s“.")
            messages.success(request, text % {"course": enrolment.run})
        return redirect("courses:my_courses")
    refusal = enrolment_cancel_refusal(enrolment=enrolment)
    context = {
        "enrolment": enrolment,
        "run": enrolment.run,
        "can_cancel": refusal is None,
        "refusal": refusal,
    }
    return render(request, "courses/enrolment_cancel.html", context)


@login_required
@require_POST
def offer_answer_view(request, enrolment_id: int, answer: str):
    """Take or decline a seat offered from the waiting list. Another person's offer is not found."""
    enrolment = get_object_or_404(enrolment_list_for_user(user=request.user), pk=enrolment_id)
    try:
        if answer == "accept":
            offer_accept(enrolment=enrolment, by=request.user)
            messages.success(
                request,
                _("Ihr Platz in „%(course)s“ ist sicher. Wir freuen uns auf Sie.")
                % {"course": enrolment.run},
            )
        else:
            offer_decline(enrolment=enrolment, by=request.user)
            messages.success(
                request,
                _("Sie haben den Platz in „%(course)s“ abgelehnt. Er geht an die nächste Person.")
                % {"course": enrolment.run},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("courses:my_courses")


def _statistics_form(enrolment: Enrolment, data=None) -> EnrolmentStatisticsForm:
    initial = {"age_band": enrolment.age_band, "municipality": enrolment.municipality}
    return EnrolmentStatisticsForm(data, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_statistics_view(request, enrolment_id: int):
    """ "Zwei freiwillige Angaben": age band and place of residence for the labs' anonymous reports, given,
    changed or removed by the person whose place it is (anyone else: not found)."""
    enrolment = get_object_or_404(enrolment_list_for_user(user=request.user), pk=enrolment_id)
    form = _statistics_form(enrolment, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment_statistics_set(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if form.cleaned_data["age_band"] or form.cleaned_data["municipality"]:
                messages.success(request, _("Danke. Ihre Angaben sind gespeichert."))
            else:
                messages.success(request, _("Es sind keine Angaben mehr gespeichert."))
            return redirect("courses:my_courses")
    context = {"enrolment": enrolment, "run": enrolment.run, "statistics_form": form}
    return render(request, "courses/participant/statistics.html", context)
