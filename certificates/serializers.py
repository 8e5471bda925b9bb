from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Certificate


class CertificateSerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        source="display_code", read_only=True, help_text=_("Prüfcode, wie gedruckt.")
    )
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["code", "course_title", "issued_at", "status", "pdf_url", "verify_url"]
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_pdf_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("certificates:pdf", args=[certificate.code]))

    def get_verify_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("certificates:verify", args=[certificate.code]))


class CertificateVerificationSerializer(serializers.ModelSerializer):
    """What anyone holding the code may learn about a certificate."""

    valid = serializers.BooleanField(source="is_valid", read_only=True)
    # A plain string here: the same values as a certificate's `status` (`valid` or `revoked`).
    status = serializers.CharField(
        read_only=True, help_text=_("„valid“ (gültig) oder „revoked“ (widerrufen).")
    )
    code = serializers.CharField(source="display_code", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "valid",
            "status",
            "code",
            "participant_name",
            "course_title",
            "lab_name",
            "issued_at",
            "revoked_at",
        ]
        read_only_fields = fields
