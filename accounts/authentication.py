"""API authentication with the person's API tokens (`ApiToken`)."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication

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
