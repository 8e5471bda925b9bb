"""The pages of two-factor login under /konto/zwei-faktor/: set up, confirm a code, see and renew recovery
codes, replace the authenticator. Each reads and changes only `request.user`'s devices."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.exceptions import DomainError
from accounts.views import safe_next_url

from . import selectors, services
from .exceptions import TooManyCodes
from .forms import CodeForm, PasswordConfirmForm, SetupCodeForm

_SESSION_CODES = "mfa_recovery_codes"


def _next_or_default(request) -> str:
    return safe_next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _render_refused(request, template, context, error: DomainError):
    context["form"].add_error("code", str(error.message))
    status = error.status_code if isinstance(error, TooManyCodes) else 400
    response = render(request, template, context, status=status)
    if isinstance(error, TooManyCodes):
        response["Retry-After"] = str(error.retry_after)
    return response


def _secret_groups(device) -> str:
    """The secret as the apps ask for it (base32), in groups of four for typing."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device) -> str:
    """The setup link as an inline SVG QR code: no image from elsewhere, no data: address."""
    label = _("QR-Code zum Einrichten der App")
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#1b1f24", light="#ffffff", title=label
    )
    svg = svg.replace("<svg ", '<svg role="img" aria-label="{}" '.format(label.replace('"', "")), 1)
    return mark_safe(svg)  # noqa: S308 - segno's own markup, built from the device's link only


@login_required
@never_cache
def verify_view(request):
    """The second step of logging in: a code from the app or a recovery code."""
    next_url = safe_next_url(request)
    if request.user.is_verified():
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if selectors.totp_device_confirmed(user=request.user) is None:
        return redirect(_with_next("accounts:mfa_setup", next_url))
    form = CodeForm(request.POST or None)
    context = {"form": form, "next": next_url}
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_code(user=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            return _render_refused(request, "accounts/mfa/verify.html", context, error)
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = selectors.recovery_codes_left(user=request.user)
            messages.warning(
                request,
                _(
                    "Sie haben einen Wiederherstellungscode benutzt. Es bleiben %(left)d. Erzeugen Sie neue, "
                    "wenn es nur noch wenige sind."
                )
                % {"left": left},
            )
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/mfa/verify.html", context, status=400 if form.errors else 200)


def _with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@login_required
@never_cache
def setup_view(request):
    """Set up the authenticator: QR code and secret, confirmed by a first code; then the recovery codes.

    Only for people with staff duties, the only ones asked for a code.
    """
    if not selectors.user_has_staff_duties(user=request.user):
        raise Http404
    next_url = safe_next_url(request)
    try:
        device = services.totp_setup_device(user=request.user)
    except DomainError as error:
        messages.info(request, str(error.message))
        return redirect(_with_next("accounts:mfa_manage", next_url))
    form = SetupCodeForm(request.POST or None)
    context = {"form": form, "next": next_url, "qr_svg": _qr_svg(device), "secret": _secret_groups(device)}
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_setup_confirm(user=request.user, code=form.cleaned_data["code"])
        except DomainError as error:
            return _render_refused(request, "accounts/mfa/setup.html", context, error)
        otp_login(request, device)
        request.session[_SESSION_CODES] = codes
        messages.success(request, _("Die Zwei-Faktor-Anmeldung ist eingerichtet."))
        return redirect(_with_next("accounts:mfa_recovery_codes", next_url))
    return render(request, "accounts/mfa/setup.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
def recovery_codes_view(request):
    """The new recovery codes, shown once: to print or download; "Fertig" forgets them."""
    codes = request.session.get(_SESSION_CODES)
    next_url = safe_next_url(request)
    if request.method == "POST":
        request.session.pop(_SESSION_CODES, None)
        return redirect(next_url or resolve_url("accounts:mfa_manage"))
    if not codes:
        return redirect(_with_next("accounts:mfa_manage", next_url))
    return render(request, "accounts/mfa/recovery_codes.html", {"codes": codes, "next": next_url})


@login_required
@never_cache
def recovery_codes_download_view(request):
    """The codes just shown, as a text file; only while the page showing them is open."""
    codes = request.session.get(_SESSION_CODES)
    if not codes:
        return redirect("accounts:mfa_manage")
    lines = [
        _("Wiederherstellungscodes für Regionallabore"),
        _("Jeder Code gilt einmal. Bewahren Sie die Codes sicher auf."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="regionallabore-wiederherstellungscodes.txt"'
    return response


def _verified_or_redirect(request):
    """The staff's management pages need this session's second factor, when the person has one."""
    if selectors.totp_device_confirmed(user=request.user) is not None and not request.user.is_verified():
        return redirect(_with_next("accounts:mfa_verify", request.get_full_path()))
    return None


@login_required
@never_cache
def manage_view(request):
    if (answer := _verified_or_redirect(request)) is not None:
        return answer
    device = selectors.totp_device_confirmed(user=request.user)
    context = {
        "device": device,
        "codes_left": selectors.recovery_codes_left(user=request.user) if device else 0,
        "required": selectors.user_has_staff_duties(user=request.user),
    }
    return render(request, "accounts/mfa/manage.html", context)


@login_required
@require_POST
@never_cache
def recovery_codes_regenerate_view(request):
    if (answer := _verified_or_redirect(request)) is not None:
        return answer
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("accounts:mfa_manage")
    request.session[_SESSION_CODES] = codes
    messages.success(request, _("Sie haben neue Wiederherstellungscodes. Die alten gelten nicht mehr."))
    return redirect("accounts:mfa_recovery_codes")


@sensitive_post_parameters("password")
@login_required
@never_cache
def device_replace_view(request):
    """A new authenticator (a new phone): after the password, the old one stops and the setup starts again."""
    if (answer := _verified_or_redirect(request)) is not None:
        return answer
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.device_replace(user=request.user, password=form.cleaned_data["password"])
        except DomainError as error:
            form.add_error("password", str(error.message))
        else:
            messages.info(request, _("Richten Sie jetzt Ihre App neu ein."))
            return redirect("accounts:mfa_setup")
    return render(request, "accounts/mfa/replace.html", {"form": form}, status=400 if form.errors else 200)
