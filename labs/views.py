"""The public pages of the labs app: a business asks for an in-house workshop, then sees what it sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import ratelimit
from accounts.lockout import client_ip

from .exceptions import DomainError
from .forms import WorkshopRequestForm
from .models import WORKSHOP_REQUEST_RETENTION_MONTHS
from .selectors import labs_published, workshop_request_sent
from .services import workshop_request_create

# Requests per address and hour; a business sends one, a flood is someone else. Settings may change both.
RATE_LIMIT, RATE_WINDOW = 5, 3600
RATE_SCOPE = "workshop_request"
TOO_MANY = _(
    "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anfragen. Bitte versuchen Sie es in einer Stunde "
    "noch einmal oder rufen Sie uns an."
)
# The confirmation page shows the request sent from this browser, and no one else's.
SESSION_KEY = "workshop_request_id"


def _idents(request) -> list[str]:
    return [f"ip:{client_ip(request) or 'unknown'}"]


def _limited(request) -> bool:
    limit = getattr(settings, "WORKSHOP_REQUEST_RATE_LIMIT", RATE_LIMIT)
    return ratelimit.is_limited(scope=RATE_SCOPE, idents=_idents(request), limit=limit)


def _hit(request) -> None:
    window = getattr(settings, "WORKSHOP_REQUEST_RATE_WINDOW", RATE_WINDOW)
    ratelimit.hit(scope=RATE_SCOPE, idents=_idents(request), window=window)


@require_http_methods(["GET", "POST"])
def workshop_request_create_view(request):
    """The request form; a sent request leads to the confirmation page (POST, redirect, GET)."""
    if request.method == "GET":
        initial = {"lab": labs_published().filter(slug=request.GET.get("labor", "")[:255]).first()}
        if request.user.is_authenticated:
            initial.update(contact_name=request.user.get_full_name(), email=request.user.email)
        return _form_page(request, WorkshopRequestForm(initial=initial))
    form = WorkshopRequestForm(request.POST)
    if _limited(request):
        form.add_error(None, TOO_MANY)
        return _form_page(request, form, status=429)
    if form.is_valid():
        _hit(request)
        if form.sent_by_a_program:
            return redirect("workshop_requests:done")  # it learns nothing; nothing is recorded
        try:
            workshop_request = workshop_request_create(**form.request_fields(), language=get_language())
        except DomainError as error:
            form.add_error("lab" if error.code == "workshop_lab_unavailable" else None, error.message)
        except ValidationError as error:
            for field, messages in error.update_error_dict({}).items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            request.session[SESSION_KEY] = workshop_request.pk
            return redirect("workshop_requests:done")
    return _form_page(request, form)


def _form_page(request, form, status=200):
    context = {"form": form, "retention_months": WORKSHOP_REQUEST_RETENTION_MONTHS}
    return render(request, "labs/workshop_request_form.html", context, status=status)


@require_GET
def workshop_request_done_view(request):
    """Thanks, a summary of what was sent from this browser and what happens next."""
    workshop_request = workshop_request_sent(workshop_request_id=request.session.get(SESSION_KEY))
    context = {"workshop_request": workshop_request, "retention_months": WORKSHOP_REQUEST_RETENTION_MONTHS}
    return render(request, "labs/workshop_request_done.html", context)
