"""`GET /api/v1/reports/?lab=&start=&end=`: the report as JSON, with small counts hidden as on the page."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer

from . import services
from .disclosure import SMALL, THRESHOLD
from .params import ReportForm


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": THRESHOLD}, {"type": "string", "enum": [SMALL]}]}
)
class CountField(serializers.Field):
    """A count: the number from 5 on, below it the string "< 5"."""

    def to_representation(self, value):
        return value


class FiguresSerializer(serializers.Serializer):
    enrolments = CountField(help_text=_("Belegte Plätze (bestätigt, abgeschlossen, nicht abgeschlossen)."))
    people = CountField(help_text=_("Erreichte Personen; ohne Konto zählt jeder Platz als eine Person."))
    completed = CountField(help_text=_("Abgeschlossene Plätze."))
    certificates = CountField(help_text=_("Im Zeitraum ausgestellte Zertifikate."))
    badges = CountField(help_text=_("Im Zeitraum verliehene Badges."))
    waitlist_unmet = CountField(help_text=_("Plätze auf der Warteliste, die nie einen Platz bekamen."))
    attendance_rate = serializers.FloatField(
        source="attendance_rate.value", allow_null=True, help_text=_("Anwesend / erfasst, 0 bis 1.")
    )
    attendance_rate_note = serializers.CharField(
        source="attendance_rate.note", help_text=_("Warum die Quote fehlt, sonst leer.")
    )
    completion_rate = serializers.FloatField(
        source="completion_rate.value",
        allow_null=True,
        help_text=_("Abgeschlossen / (abgeschlossen + nicht abgeschlossen), 0 bis 1."),
    )
    completion_rate_note = serializers.CharField(
        source="completion_rate.note", help_text=_("Warum die Quote fehlt, sonst leer.")
    )


class RowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("Kurzname der Gruppe; leer: nicht angegeben."))
    label = serializers.CharField()
    figures = FiguresSerializer()


class BreakdownSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["lab", "municipality", "audience", "area", "format", "age_band"])
    title = serializers.CharField()
    adds_up = serializers.BooleanField(help_text=_("Ob die Zeilen zusammen die Gesamtzahl ergeben."))
    rows = RowSerializer(many=True)


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text=_("Erster Tag des Monats."))
    runs = serializers.IntegerField()
    capacity = serializers.IntegerField()
    seats_taken = CountField()
    fill_rate = serializers.FloatField(source="fill_rate.value", allow_null=True)
    fill_rate_note = serializers.CharField(source="fill_rate.note")


class ReportSerializer(serializers.Serializer):
    lab = serializers.CharField(
        source="lab_slug", allow_null=True, help_text=_("Kurzname des Labors; null: alle.")
    )
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    threshold = serializers.SerializerMethodField(help_text=_("Zahlen darunter stehen als „< 5“."))
    totals = FiguresSerializer()
    breakdowns = BreakdownSerializer(many=True)
    months = MonthSerializer(many=True)

    def get_threshold(self, _report) -> int:
        return THRESHOLD

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["lab"] = data["lab"] or None
        return data


class ReportView(APIView):
    """The report of one lab or of all labs the person may see, for a period. Lab managers see their labs,
    administrators all; anybody else gets 403."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="reports_retrieve",
        parameters=[
            OpenApiParameter(
                "lab", OpenApiTypes.STR, description=_("Kurzname des Labors; leer: alle Ihre Labore.")
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, description=_("Erster Tag (ISO 8601).")),
            OpenApiParameter(
                "end",
                OpenApiTypes.DATE,
                description=_("Letzter Tag (ISO 8601). Ohne beide: das laufende Jahr."),
            ),
        ],
        responses={
            200: ReportSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description=_("Ein Parameter passt nicht; er wird genannt.")
            ),
            401: OpenApiResponse(ErrorSerializer, description=_("Nicht angemeldet.")),
            403: OpenApiResponse(ErrorSerializer, description=_("Diesen Bericht dürfen Sie nicht sehen.")),
        },
    )
    def get(self, request):
        if not services.report_may_see(user=request.user):
            raise exceptions.PermissionDenied()
        form = ReportForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        _report, published = services.report_for(user=request.user, params=form.params())
        return Response(ReportSerializer(published).data)
