from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import LabPage


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class EmailOrEmptyField(serializers.CharField):
    """An email address, or an empty string where none is given (only read: the CMS checks addresses)."""


class LabSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Öffentliche Seite des Labors."))
    municipality = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Kurzname der Gemeinde.")
    )
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    contact_email = EmailOrEmptyField(
        read_only=True, help_text=_("E-Mail-Adresse des Labors; leer, wenn es keine angegeben hat.")
    )

    class Meta:
        model = LabPage
        fields = [
            "id",
            "slug",
            "title",
            "url",
            "municipality",
            "municipality_name",
            "intro",
            "address",
            "street",
            "postcode",
            "town",
            "latitude",
            "longitude",
            "opening_hours",
            "accessibility",
            "contact_email",
            "contact_phone",
        ]
        read_only_fields = fields

    def get_url(self, lab: LabPage) -> str:
        return lab.get_full_url(request=self.context.get("request"))
