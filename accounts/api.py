from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import lockout


class LoginLocked(APIException):
    """Too many failed logins for the account or the address: 429 with when to try again (Retry-After)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked"

    def __init__(self, lock: lockout.Lock):
        super().__init__({"detail": f"{lock.message} {lockout.PASSWORD_HINT}", "code": self.default_code})
        self.wait = lock.retry_after


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(request, email=attrs["email"], password=attrs["password"])
        if user is None:
            if lockout.is_locked_out(request):
                raise LoginLocked(lockout.current_lock(request))
            raise serializers.ValidationError(
                _("E-Mail-Adresse oder Passwort stimmen nicht."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Senden als Kopfzeile „Authorization: Token <token>“."))


class TokenView(APIView):
    """Exchange email address and password for an API token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Anmeldedaten stimmen nicht."),
            429: OpenApiResponse(
                description="Zu viele Fehlversuche für das Konto oder die Adresse (`code`: `login_locked`); "
                "`Retry-After` nennt die Sekunden bis zum nächsten Versuch."
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        lockout.account_failures_clear(email=user.get_username())
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key}).data)
