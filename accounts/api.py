from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.settings import package_settings as error_settings
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import lockout
from .exceptions import DomainError
from .mfa.selectors import mfa_required_for, totp_device_confirmed
from .mfa.services import verify_code
from .models import ApiToken
from .selectors import api_tokens_for_user
from .services import (
    API_TOKEN_NAME_MAX_LENGTH,
    api_token_create,
    api_token_revoke,
    api_tokens_prune_expired,
    api_tokens_revoke_all,
)


class LoginLocked(APIException):
    """Too many failed logins for the account or the address: 429 with when to try again (Retry-After)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked"

    def __init__(self, lock: lockout.Lock):
        super().__init__(f"{lock.message} {lockout.PASSWORD_HINT}", code=self.default_code)
        self.wait = lock.retry_after


class NoToken(DomainError):
    default_message = _(
        "Diese Anfrage ist nicht mit einem Token angemeldet. Darum gibt es keinen Token zu widerrufen. "
        "Senden Sie den Token, den Sie widerrufen möchten, als Kopfzeile „Authorization: Token <token>“."
    )
    code = "no_token"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=API_TOKEN_NAME_MAX_LENGTH,
        help_text=_(
            "Woran Sie den Zugang später erkennen, zum Beispiel „Website der Gemeinde“. Ohne Namen heißt er "
            "„Zugang vom“ und das Datum."
        ),
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        trim_whitespace=True,
        help_text=_(
            "Nur für Personen mit Aufgaben im Team (Kursleitung, Laborleitung, Redaktion, Verwaltung): der "
            "aktuelle Code aus der Authenticator-App oder ein unbenutzter Wiederherstellungscode."
        ),
    )

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(request, email=attrs["email"], password=attrs["password"])
        if user is None:
            if lockout.is_locked_out(request):
                raise LoginLocked(lockout.current_lock(request))
            raise serializers.ValidationError(
                _("E-Mail-Adresse oder Passwort stimmen nicht."), code="authorization"
            )
        if mfa_required_for(user=user):
            # A token acts with the person's staff rights: it needs the second factor like the staff pages.
            if totp_device_confirmed(user=user) is None:
                raise serializers.ValidationError(
                    {
                        "otp": _(
                            "Bitte richten Sie zuerst die Zwei-Faktor-Anmeldung ein (Mein Konto, "
                            "Zwei-Faktor-Anmeldung); dann geben Sie hier den Code aus der App an."
                        )
                    },
                    code="mfa_setup_required",
                )
            if not attrs.get("otp"):
                raise serializers.ValidationError(
                    {"otp": _("Bitte geben Sie den aktuellen Code aus Ihrer Authenticator-App an.")},
                    code="mfa_required",
                )
            verify_code(user=user, code=attrs["otp"])
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_(
            "Senden als Kopfzeile „Authorization: Token <token>“. Nur in dieser Antwort zu sehen: Wir "
            "speichern den Token nicht, nur eine Prüfsumme."
        )
    )
    expiry = serializers.DateTimeField(allow_null=True, help_text=_("Bis dahin gilt der Token."))
    id = serializers.IntegerField(help_text=_("Nummer des Zugangs, zum Widerrufen unter `me/tokens/{id}/`."))


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text=_("Ob diese Anfrage mit diesem Token kam."))

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "expiry", "last_used_at", "current"]
        read_only_fields = fields
        extra_kwargs = {
            "created": {"help_text": _("Wann der Zugang angelegt wurde.")},
            "expiry": {"help_text": _("Bis dahin gilt der Token.")},
            "last_used_at": {
                "help_text": _(
                    "Wann der Token zuletzt benutzt wurde, auf eine Stunde genau; null, wenn noch nie."
                )
            },
        }

    def get_current(self, token: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


def _error(status_code: int, description) -> OpenApiResponse:
    """An error answer in the API's one shape (the serializer the settings name) and what it means here."""
    return OpenApiResponse(error_settings.ERROR_SCHEMAS[str(status_code)], description=description)


class TokenView(APIView):
    """Exchange email address and password for an API token (POST), or revoke the token sent (DELETE)."""

    throttle_scope = "token"

    def initialize_request(self, request, *args, **kwargs):
        # POST proves who it is with email and password; whatever credentials come along do not count.
        if request.method == "POST":
            self.authentication_classes = []
        return super().initialize_request(request, *args, **kwargs)

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: _error(400, _("Anmeldedaten stimmen nicht, oder der Name geht nicht.")),
            409: _error(
                409,
                _(
                    "Sie haben schon so viele Tokens, wie erlaubt sind (`code`: `token_limit`). Widerrufen "
                    "Sie zuerst einen."
                ),
            ),
            429: _error(
                429,
                _(
                    "Zu viele Versuche, oder zu viele Fehlversuche für das Konto oder die Adresse (`code`: "
                    "`login_locked`); `Retry-After` nennt die Sekunden bis zum nächsten Versuch."
                ),
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        lockout.account_failures_clear(email=user.get_username())
        instance, token = api_token_create(user=user, name=serializer.validated_data.get("name", ""))
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry, "id": instance.pk}).data)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description=_("Der Token ist widerrufen und gilt nicht mehr.")),
            400: _error(
                400,
                _("Die Anfrage kam nicht mit einem Token, sondern mit einer Sitzung (`code`: `no_token`)."),
            ),
        },
    )
    def delete(self, request):
        """Revoke the token this request was sent with; the person's other tokens keep working."""
        if not isinstance(request.auth, ApiToken):
            raise NoToken()
        api_token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyTokensView(generics.ListAPIView):
    """The person's tokens that still work, newest first; `current` marks the one this request came with."""

    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return api_tokens_for_user(user=self.request.user)

    def list(self, request, *args, **kwargs):
        api_tokens_prune_expired(user=request.user)
        return super().list(request, *args, **kwargs)


class MyTokenView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description=_("Der Token ist widerrufen und gilt nicht mehr.")),
            404: _error(404, _("Diesen Token gibt es nicht, oder er gehört nicht Ihnen.")),
        },
    )
    def delete(self, request, pk: int):
        """Revoke one of the person's tokens."""
        api_token_revoke(user=request.user, token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyTokensRevokeAllView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(
                description=_("Alle Tokens sind widerrufen, auch der, mit dem diese Anfrage kam.")
            ),
        },
    )
    def post(self, request):
        """Revoke every token of the person, the one this request came with included."""
        api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
