"""Pages of "Mein Konto" about the person's data: what is held and its download (JSON, PDF), deleting the
account, and confirming a new account's address. Each reads and changes only the person's own data."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core.pdf import render_pdf

from .. import ratelimit
from ..authentication import request_person
from ..exceptions import DomainError
from .forms import EraseChoiceForm, EraseConfirmForm
from .presentation import export_sections
from .registry import retention_rules, sections
from .services import email_confirm, email_confirmation_resend, person_data_export, person_erase_own

TOO_MANY = _("Zu viele Versuche. Bitte versuchen Sie es in einer Stunde noch einmal.")


@login_required
@never_cache
def my_data_view(request):
    """What is held about the person, why and how long, and the downloads."""
    context = {"sections": sections(), "rules": retention_rules()}
    return render(request, "accounts/privacy/my_data.html", context)


def _person_or_login(request):
    person = request_person(request)
    if not person.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    return person, None


def _filename(extension: str) -> str:
    return f"meine-daten-{timezone.localdate():%Y-%m-%d}.{extension}"


@never_cache
def my_data_json_view(request):
    """The export as JSON, for the session or an API token (accounts.authentication.request_person)."""
    person, refusal = _person_or_login(request)
    if refusal:
        return refusal
    data = person_data_export(user=person, by=person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return response


@never_cache
def my_data_pdf_view(request):
    """The export as a readable PDF in the person's language."""
    person, refusal = _person_or_login(request)
    if refusal:
        return refusal
    language = person.language if person.language in ("de", "en") else "de"
    with translation.override(language):
        data = person_data_export(user=person, by=person)
        html = render_to_string(
            "accounts/privacy/export_pdf.html",
            {
                "person": person,
                "exported_at": timezone.now(),
                "sections": export_sections(data),
                "language": language,
            },
        )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("pdf")}"'
    return response


@login_required
@never_cache
def erase_view(request):
    """Step one: what deleting the account means, and the choice about certificates."""
    form = EraseChoiceForm(request.GET or None)
    return render(request, "accounts/privacy/erase.html", {"form": form})


@sensitive_post_parameters("password")
@login_required
@csrf_protect
@never_cache
def erase_confirm_view(request):
    """Step two: the password and the final button. After deleting, the person is logged out."""
    if request.method == "POST":
        form = EraseConfirmForm(request.POST)
        if ratelimit.action_limited(request, "erase"):
            messages.error(request, TOO_MANY)
            form = EraseConfirmForm(initial={"revoke_certificates": request.POST.get("revoke_certificates")})
            return render(request, "accounts/privacy/erase_confirm.html", {"form": form}, status=429)
        ratelimit.action_hit(request, "erase")
        if form.is_valid():
            try:
                person_erase_own(
                    user=request.user,
                    password=form.cleaned_data["password"],
                    revoke_certificates=form.cleaned_data["revoke_certificates"],
                )
            except DomainError as exc:
                form.add_error("password", exc.message)
            else:
                revoked = form.cleaned_data["revoke_certificates"]
                logout(request)
                return render(request, "accounts/privacy/erased.html", {"revoked": revoked})
    else:
        choice = EraseChoiceForm(request.GET)
        revoke = choice.is_valid() and choice.cleaned_data["revoke_certificates"]
        form = EraseConfirmForm(initial={"revoke_certificates": revoke})
    return render(request, "accounts/privacy/erase_confirm.html", {"form": form})


@csrf_protect
@never_cache
def email_confirm_view(request, token: str):
    """The link from the mail. Opening it shows a button (mail programs that open links to check them
    confirm nothing); the button confirms. Works logged in or not."""
    context = {"token": token}
    if request.method == "POST":
        try:
            email_confirm(token=token, by=request.user)
        except DomainError as exc:
            context.update(error=exc.message, error_code=exc.code)
            return render(request, "accounts/privacy/email_confirm.html", context, status=exc.status_code)
        if request.user.is_authenticated:
            messages.success(request, _("Danke! Ihre E-Mail-Adresse ist bestätigt."))
            return redirect("accounts:account")
        context["done"] = True
    return render(request, "accounts/privacy/email_confirm.html", context)


@require_POST
@login_required
@csrf_protect
def email_confirm_resend_view(request):
    if ratelimit.action_limited(request, "email_confirm_resend"):
        messages.error(request, TOO_MANY)
        return redirect("accounts:account")
    ratelimit.action_hit(request, "email_confirm_resend")
    try:
        email_confirmation_resend(user=request.user)
    except DomainError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(
            request,
            _("Wir haben Ihnen den Link noch einmal geschickt, an %(email)s.")
            % {"email": request.user.email},
        )
    return redirect("accounts:account")
