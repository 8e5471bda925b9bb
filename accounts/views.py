from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import lockout, ratelimit
from .forms import LoginForm, SignupForm


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
