"""The API's privacy operations (DESIGN.md): `GET me/export/` and `POST me/erase/`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.settings import package_settings as error_settings
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..exceptions import WrongPassword
from .services import person_data_export, person_erase_own


def _error(status_code: int, description) -> OpenApiResponse:
    return OpenApiResponse(error_settings.ERROR_SCHEMAS[str(status_code)], description=description)


class MyExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=_(
                    "Alles, was über Sie gespeichert ist: je Bereich ein Eintrag (`sections` nennt sie mit "
                    "Titel), Zeitpunkte in ISO 8601. Ohne Passwort, Prüfsummen und geheime Adressen."
                ),
            )
        }
    )
    def get(self, request):
        """Everything held about the caller, as one JSON document."""
        return Response(person_data_export(user=request.user, by=request.user))


class EraseSerializer(serializers.Serializer):
    password = serializers.CharField(
        trim_whitespace=False, style={"input_type": "password"}, help_text=_("Ihr Passwort, zur Sicherheit.")
    )
    revoke_certificates = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true: Ihre Zertifikate werden widerrufen. Sonst bleiben sie prüfbar, ausgestellt für ein "
            "gelöschtes Konto."
        ),
    )


class MyEraseView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "token"

    def get_throttles(self):
        from rest_framework.throttling import ScopedRateThrottle

        return [ScopedRateThrottle()]

    @extend_schema(
        request=EraseSerializer,
        responses={
            204: OpenApiResponse(
                description=_(
                    "Das Konto ist gelöscht: Name, E-Mail-Adresse und Passwort sind weg, alle Tokens "
                    "widerrufen, offene Plätze freigegeben."
                )
            ),
            400: _error(400, _("Das Passwort stimmt nicht (`attr`: `password`).")),
        },
    )
    def post(self, request):
        """Erase the caller's account. Cannot be undone."""
        serializer = EraseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            person_erase_own(
                user=request.user,
                password=serializer.validated_data["password"],
                revoke_certificates=serializer.validated_data["revoke_certificates"],
            )
        except WrongPassword as exc:
            raise serializers.ValidationError({"password": [exc.message]}, code="wrong_password") from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
