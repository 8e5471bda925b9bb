"""API authentication with the person's API tokens (`ApiToken`)."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .services import api_token_mark_used


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token authentication (hashed tokens, expired ones deleted when met) that also notes when each
    token was last used, so that the person sees which of their tokens are still in use."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        api_token_mark_used(token=token)
        return user, token


class ApiTokenScheme(KnoxTokenScheme):
    """The schema describes it as knox's: `Authorization: Token <token>`."""

    target_class = ApiTokenAuthentication


def request_person(request: HttpRequest):
    """Who asks for a file the API links to (a certificate's PDF, later exports): the person whose API token
    the request carries, else the browser session's. A token that is wrong or expired counts as nobody, so the
    file answers as it would to a stranger."""
    drf_request = Request(
        request, authenticators=[auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    try:
        return drf_request.user
    except exceptions.APIException:
        return AnonymousUser()
