from rest_framework import serializers

from .models import LabPage


class LabSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Öffentliche Seite des Labors.")
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

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
