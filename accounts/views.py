from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import lockout, ratelimit
from .exceptions import DomainError
from .forms import ApiTokenCreateForm, EmailChangeForm, LoginForm, NameChangeForm, NewPasswordForm, SignupForm
from .mfa.middleware import verification_url
from .mfa.selectors import mfa_required_for, user_has_staff_duties
from .selectors import api_token_rules, api_tokens_for_user, email_change_pending
from .services import (
    api_token_revoke,
    api_tokens_prune_expired,
    api_tokens_revoke_all,
    email_change_check,
    email_change_confirm,
)


def safe_next_url(request) -> str:
    """The `next` address if it stays on this site, else an empty string."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    next_url = safe_next_url(request)
    if request.user.is_authenticated and request.method != "POST":
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            login(request, form.user)
            if mfa_required_for(user=form.user):
                # People with staff duties confirm their second factor (or set it up) before going on.
                return redirect(verification_url(user=form.user, next_url=next_url))
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        if lockout.is_locked_out(request):
            return _login_locked(request, next_url)
    else:
        form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _login_locked(request, next_url: str):
    """The login page again, with when the lock ends instead of the form's errors."""
    lock = lockout.current_lock(request)
    form = LoginForm(request, initial={"email": request.POST.get("email", "")})
    context = {
        "form": form,
        "next": next_url,
        "lock_message": lock.message,
        "password_hint": lockout.PASSWORD_HINT,
    }
    response = render(request, "accounts/login.html", context, status=429)
    response["Retry-After"] = str(lock.retry_after)
    return response


@csrf_protect
@never_cache
def logout_view(request):
    """Logging out changes state, so it takes a POST; a GET shows the button."""
    if request.method == "POST":
        logout(request)
        messages.success(request, _("Sie sind abgemeldet. Bis bald!"))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/logout.html")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def signup_view(request):
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    status = 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        if ratelimit.action_limited(request, "signup"):
            messages.error(
                request, _("Zu viele Versuche. Bitte versuchen Sie es in einer Stunde noch einmal.")
            )
            status = 429
        else:
            ratelimit.action_hit(request, "signup")
            if form.is_valid() and form.register_and_log_in(request):
                messages.success(request, _("Willkommen! Ihr Konto ist angelegt."))
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", {"form": form, "next": next_url}, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        # Links in mails point at the configured address, never at whatever Host the request named.
        return {"site_url": settings.SITE_URL}

    def post(self, request, *args, **kwargs):
        # Each request may send a mail to any address: limit how often one client can ask.
        if ratelimit.action_limited(request, "password_reset"):
            messages.error(
                request, _("Zu viele Versuche. Bitte versuchen Sie es in einer Stunde noch einmal.")
            )
            return self.render_to_response(self.get_context_data(form=self.get_form()), status=429)
        ratelimit.action_hit(request, "password_reset")
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


password_reset_view = PasswordResetView.as_view()
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm_view = PasswordResetConfirmView.as_view()
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# "Mein Konto": the logged-in person's own name, email address and password. Each view reads and changes only
# `request.user`; no address names another person.

TOO_MANY_ATTEMPTS = _("Zu viele Versuche. Bitte versuchen Sie es in einer Stunde noch einmal.")


def _posted(request):
    return request.POST if request.method == "POST" else None


def _rate_limited(request, scope: str) -> bool:
    """Whether the person asked too often; else this attempt is counted."""
    if ratelimit.action_limited(request, scope):
        messages.error(request, TOO_MANY_ATTEMPTS)
        return True
    ratelimit.action_hit(request, scope)
    return False


@login_required
@never_cache
def account_view(request):
    """What the site knows of the person, the ways to change it, and the way to their courses."""
    context = {
        "pending": email_change_pending(user=request.user),
        "api_token_count": api_tokens_for_user(user=request.user).count(),
        "has_staff_duties": user_has_staff_duties(user=request.user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@csrf_protect
@never_cache
def account_name_view(request):
    form = NameChangeForm(_posted(request), user=request.user)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Ihr Name ist geändert. Neue Zertifikate tragen ab jetzt diesen Namen."))
        return redirect("accounts:account")
    return render(request, "accounts/account_name.html", {"form": form})


@sensitive_post_parameters("password")
@login_required
@csrf_protect
@never_cache
def account_email_view(request):
    form = EmailChangeForm(_posted(request), user=request.user)
    if form.is_bound:
        if _rate_limited(request, "email_change"):
            # An unbound form: checking the password now would give the answer the limit withholds.
            form = EmailChangeForm(
                user=request.user, initial={"new_email": request.POST.get("new_email", "")}
            )
            return render(request, "accounts/account_email.html", {"form": form}, status=429)
        if form.is_valid() and (change := form.request_change()):
            messages.success(
                request,
                _("Fast geschafft: Bitte öffnen Sie den Link in der E-Mail an %(email)s.")
                % {"email": change.new_email},
            )
            return redirect("accounts:account")
    return render(request, "accounts/account_email.html", {"form": form})


@csrf_protect
@never_cache
def email_change_confirm_view(request, token: str):
    """The link from the mail. Opening it shows a button and changes nothing (mail programs that open links
    to check them do no harm); the button makes the change. Works logged in or not."""
    context = {"token": token}
    try:
        if request.method == "POST":
            change = email_change_confirm(token=token, by=request.user)
            if request.user.is_authenticated:
                messages.success(
                    request,
                    _("Ihre neue E-Mail-Adresse gilt. Ab jetzt loggen Sie sich mit %(email)s ein.")
                    % {"email": change.new_email},
                )
                return redirect("accounts:account")
            context["done"] = True
        else:
            change = email_change_check(token=token, by=request.user)
        context["change"] = change
    except DomainError as exc:
        context.update(error=exc.message, error_code=exc.code)
        return render(request, "accounts/email_change_confirm.html", context, status=exc.status_code)
    return render(request, "accounts/email_change_confirm.html", context)


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@login_required
@csrf_protect
@never_cache
def account_password_view(request):
    form = NewPasswordForm(_posted(request), user=request.user)
    if form.is_bound:
        if _rate_limited(request, "password_change"):
            form = NewPasswordForm(user=request.user)  # unbound: the password is not checked
            return render(request, "accounts/account_password.html", {"form": form}, status=429)
        if form.is_valid() and form.change_password():
            # The other sessions keep the old password's hash and end; this one goes on.
            update_session_auth_hash(request, request.user)
            messages.success(
                request, _("Ihr Passwort ist geändert. Auf anderen Geräten sind Sie jetzt ausgeloggt.")
            )
            return redirect("accounts:account")
    return render(request, "accounts/account_password.html", {"form": form})


# API tokens: keys with which other programs use the API in the person's name.


@login_required
@csrf_protect
@never_cache
def api_tokens_view(request):
    """The person's tokens, and a form for a new one. A new token is shown in the answer to the POST that made
    it, and never again: only its hash is kept."""
    form = ApiTokenCreateForm(_posted(request), user=request.user)
    context = {}
    if form.is_bound and form.is_valid() and (created := form.create_token()):
        context["new_token"], context["new_token_secret"] = created
        form = ApiTokenCreateForm(user=request.user)  # empty again, for another one
    context["form"] = form
    api_tokens_prune_expired(user=request.user)
    context["tokens"] = api_tokens_for_user(user=request.user)
    context.update(api_token_rules())
    return render(request, "accounts/api_tokens.html", context)


@login_required
@csrf_protect
@never_cache
def api_token_revoke_view(request, pk: int):
    """A GET asks whether to revoke the token; the POST does it."""
    token = get_object_or_404(api_tokens_for_user(user=request.user), pk=pk)
    if request.method == "POST":
        api_token_revoke(user=request.user, token_id=token.pk)
        messages.success(
            request,
            _("Der Zugang „%(name)s“ ist widerrufen. Programme, die ihn benutzen, werden jetzt abgewiesen.")
            % {"name": token.name},
        )
        return redirect("accounts:api_tokens")
    return render(request, "accounts/api_token_revoke.html", {"token": token})


@login_required
@csrf_protect
@never_cache
def api_tokens_revoke_all_view(request):
    """A GET asks whether to revoke every token; the POST does it."""
    if request.method == "POST":
        api_tokens_revoke_all(user=request.user)
        messages.success(request, _("Alle Zugänge sind widerrufen. Kein Programm kann sie mehr benutzen."))
        return redirect("accounts:api_tokens")
    tokens = api_tokens_for_user(user=request.user)
    return render(request, "accounts/api_tokens_revoke_all.html", {"tokens": tokens})
