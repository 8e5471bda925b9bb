"""Keeps people with staff duties out of the staff pages until they have confirmed their second factor."""

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import is_staff_path, mfa_required_for, totp_device_confirmed


def verification_url(*, user, next_url: str) -> str:
    """Where a person with duties goes next: the setup without an authenticator, else the code check."""
    name = "accounts:mfa_verify" if totp_device_confirmed(user=user) is not None else "accounts:mfa_setup"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class StaffVerificationMiddleware:
    """After django_otp's OTPMiddleware: `request.user.is_verified()` says whether this session confirmed a
    code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if is_staff_path(request.path_info) and mfa_required_for(user=user):
                return redirect(verification_url(user=user, next_url=request.get_full_path()))
            if request.path_info.startswith("/api/") and mfa_required_for(user=user):
                # The API reads the browser's session as this user: without the second factor it answers
                # as to a visitor. (An API token, sent as a header, is read by the API itself, not here.)
                request.user = AnonymousUser()
        return self.get_response(request)
