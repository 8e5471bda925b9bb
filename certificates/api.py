from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.exceptions import NotFound
from core.api import ConditionalGetMixin, ErrorSerializer

from . import selectors
from .models import Certificate
from .serializers import CertificateSerializer, CertificateVerificationSerializer


class MyCertificatesView(generics.ListAPIView):
    """The signed-in person's certificates, newest first."""

    serializer_class = CertificateSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Certificate]:
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return selectors.certificates_for_user(user=self.request.user)


class CertificateVerifyView(ConditionalGetMixin, APIView):
    """Check a certificate by its code: anyone may, without signing in."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses={
            200: CertificateVerificationSerializer,
            404: OpenApiResponse(
                ErrorSerializer, description=_("Zu diesem Prüfcode gibt es kein Zertifikat.")
            ),
        }
    )
    def get(self, request, code: str):
        certificate = selectors.certificate_by_code(code=code)
        if certificate is None:
            raise NotFound(_("Zu diesem Prüfcode gibt es kein Zertifikat. Bitte prüfen Sie die Eingabe."))
        return Response(CertificateVerificationSerializer(certificate, context={"request": request}).data)
