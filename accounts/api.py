from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), email=attrs["email"], password=attrs["password"])
        if user is None:
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
        responses={200: TokenSerializer, 400: OpenApiResponse(description="Anmeldedaten stimmen nicht.")},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response(TokenSerializer({"token": token.key}).data)
