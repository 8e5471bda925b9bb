from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import LANGUAGES, Certificate, CertificateFile
from .selectors import certificate_competences


class _AbsoluteUrlsMixin:
    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class CertificateSerializer(_AbsoluteUrlsMixin, serializers.ModelSerializer):
    code = serializers.CharField(
        source="display_code", read_only=True, help_text=_("Prüfcode, wie gedruckt.")
    )
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField(
        help_text=_(
            "Die Sprachen, in denen es das PDF gibt, die der Person zuerst. "
            "Eine Sprache wählt man mit „?lang=de“ oder „?lang=en“ an der pdf_url."
        )
    )

    class Meta:
        model = Certificate
        fields = ["code", "course_title", "issued_at", "status", "pdf_url", "verify_url", "languages"]
        read_only_fields = fields

    def get_pdf_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("certificates:pdf", args=[certificate.code]))

    def get_verify_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("certificates:verify", args=[certificate.code]))

    def get_languages(self, certificate: Certificate) -> list[str]:
        others = [code for code, _name in LANGUAGES if code != certificate.language]
        return [certificate.language, *others]


class CertificateCompetenceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Nummer der Kompetenz in DigComp 2.2, zum Beispiel „2.1“."))
    name = serializers.CharField(help_text=_("Name der Kompetenz in der Sprache der Anfrage."))


class CertificateReplacementSerializer(_AbsoluteUrlsMixin, serializers.ModelSerializer):
    code = serializers.CharField(source="display_code", read_only=True)
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["code", "verify_url"]
        read_only_fields = fields

    def get_verify_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("certificates:verify", args=[certificate.code]))


class CertificateFileSerializer(serializers.ModelSerializer):
    sha256 = serializers.CharField(
        read_only=True, help_text=_("SHA-256 der PDF-Datei, 64 Hexadezimalziffern in Kleinbuchstaben.")
    )
    size = serializers.IntegerField(read_only=True, help_text=_("Größe der PDF-Datei in Bytes."))

    class Meta:
        model = CertificateFile
        fields = ["language", "sha256", "size"]
        read_only_fields = fields


class CertificateVerificationSerializer(serializers.ModelSerializer):
    """What anyone holding the code may learn about a certificate. Expects one from `certificate_by_code`
    (its replacement and files loaded)."""

    valid = serializers.BooleanField(source="is_valid", read_only=True)
    # A plain string here: the same values as a certificate's `status` (`valid` or `revoked`).
    status = serializers.CharField(
        read_only=True, help_text=_("„valid“ (gültig) oder „revoked“ (widerrufen).")
    )
    code = serializers.CharField(source="display_code", read_only=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, coerce_to_string=False, read_only=True)
    competences = serializers.SerializerMethodField()
    replaced_by = CertificateReplacementSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Das Zertifikat, das dieses ersetzt, oder null."),
    )
    files = CertificateFileSerializer(
        many=True,
        read_only=True,
        help_text=_("Die PDF-Dateien des Zertifikats, je Sprache eine, mit ihrer Prüfsumme."),
    )

    class Meta:
        model = Certificate
        fields = [
            "valid",
            "status",
            "code",
            "participant_name",
            "course_title",
            "lab_name",
            "first_session",
            "last_session",
            "hours",
            "competences",
            "level",
            "issued_at",
            "revoked_at",
            "revocation_reason",
            "replaced_by",
            "files",
        ]
        read_only_fields = fields

    @extend_schema_field(CertificateCompetenceSerializer(many=True))
    def get_competences(self, certificate: Certificate) -> list[dict]:
        return certificate_competences(certificate=certificate, language=get_language())
