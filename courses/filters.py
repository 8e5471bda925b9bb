"""Query parameters of the course and run lists.

These filter sets only read and check the parameters (and describe them in the OpenAPI schema);
which courses and runs match is decided by the selectors they hand the values to.
"""

from datetime import UTC

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from labs.models import LabPage, Municipality
from labs.places import place_find, place_suggestions

from .catalogue.selectors import (
    CatalogueFilters,
    RunFilters,
    courses_for_catalogue,
    courses_with_lab,
    runs_filtered,
)
from .models import Audience, Competence, CoursePage, CourseRun, Format, Level, Topic

# Wagtail's page ids are PostgreSQL `integer` columns.
PAGE_ID_MAX = 2**31 - 1


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class SchemaLimitsMixin:
    """Shows a filter in the OpenAPI schema with the limits its form field checks: length, lowest and highest
    value. drf-spectacular reads only a filter's type, so the schema would allow values the filter refuses."""

    schema_field = serializers.CharField
    LIMITS = ("max_length", "min_value", "max_value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = {name: self.extra[name] for name in self.LIMITS if name in self.extra}
        extend_schema_field(self.schema_field(help_text=self.extra.get("help_text"), **limits))(self)


class TextFilter(SchemaLimitsMixin, filters.CharFilter):
    pass


class IdFilter(SchemaLimitsMixin, filters.NumberFilter):
    """An id: a whole number from 1 to the largest the column holds. Any other value is a 400 with the field's
    message; none reaches the database, where it would overflow the column's type."""

    field_class = forms.IntegerField
    schema_field = serializers.IntegerField

    def __init__(self, *args, max_value: int, **kwargs):
        super().__init__(*args, min_value=1, max_value=max_value, **kwargs)


class MomentField(IsoDateTimeField):
    """A moment in ISO 8601, handed on in UTC: ISO 8601 allows offsets up to 23:59, PostgreSQL only up to
    15:59, and a moment near the ends of the calendar may have no UTC time at all."""

    default_error_messages = {
        "overflow": _("Bitte nennen Sie einen Zeitpunkt zwischen den Jahren 1 und 9999."),
    }

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["overflow"], code="overflow") from None


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = MomentField


class PlaceField(forms.CharField):
    """A postcode, town or village of the district, any case, umlauts or not; anything else is refused."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        place = place_find(value)
        if place is None:
            message = _(
                "Den Ort „%(place)s“ kennen wir nicht. "
                "Bitte nennen Sie eine Postleitzahl oder einen Ort im Landkreis."
            )
            suggestions = place_suggestions(value)
            if suggestions:
                message += " " + _("Meinten Sie: %(suggestions)s?")
            raise forms.ValidationError(
                message, code="unknown_place", params={"place": value, "suggestions": ", ".join(suggestions)}
            )
        return place.name


class PlaceFilter(TextFilter):
    field_class = PlaceField

    def filter(self, queryset, value):
        return queryset  # the selector sorts by distance; see filter_queryset


NEAR_HELP = _(
    "Postleitzahl oder Ort im Landkreis (Groß- und Kleinschreibung und Umlaute egal). "
    "Die Liste ist dann nach Entfernung sortiert und jede Zeile trägt `distance_km`; "
    "ein unbekannter Ort gibt 400."
)


class CourseFilter(filters.FilterSet):
    audience = filters.ChoiceFilter(choices=Audience.choices, help_text=_("Für wen der Kurs ist."))
    topic = filters.ChoiceFilter(choices=Topic.choices, help_text=_("Thema."))
    lab = TextFilter(max_length=_max_length(LabPage, "slug"), help_text=_("Kurzname des Labors."))
    municipality = TextFilter(
        max_length=_max_length(Municipality, "slug"), help_text=_("Kurzname der Gemeinde.")
    )
    level = filters.TypedChoiceFilter(
        choices=Level.choices, coerce=int, help_text=_("DigComp-Stufe 1 bis 8.")
    )
    format = filters.ChoiceFilter(choices=Format.choices, help_text=_("Vor Ort, online oder beides."))
    competence = TextFilter(
        max_length=_max_length(Competence, "code"), help_text=_("DigComp-Kompetenz, zum Beispiel 2.1.")
    )
    q = TextFilter(
        max_length=200,
        help_text=_("Suchwörter (mit Synonymen) in Titel, Beschreibung, Thema und Kompetenzen."),
    )
    near = PlaceFilter(max_length=100, help_text=NEAR_HELP)

    class Meta:
        model = CoursePage
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        catalogue = CatalogueFilters(
            audience=data.get("audience") or "",
            topic=data.get("topic") or "",
            lab=data.get("lab") or "",
            municipality=data.get("municipality") or "",
            level=data.get("level") or None,
            format=data.get("format") or "",
            competence=data.get("competence") or "",
            q=data.get("q") or "",
            near=data.get("near") or "",
        )
        # The German pages, whose ids the runs point to, whatever language the API answers in.
        with translation.override(settings.LANGUAGE_CODE):
            return courses_with_lab(courses_for_catalogue(filters=catalogue))


class RunFilter(filters.FilterSet):
    course = IdFilter(max_value=PAGE_ID_MAX, help_text=_("Nummer (id) des Kursangebots."))
    lab = TextFilter(max_length=_max_length(LabPage, "slug"), help_text=_("Kurzname des Labors."))
    starts_after = MomentFilter(
        help_text=_("Erster Termin ab diesem Zeitpunkt. Mit einem Zeitraum erscheinen auch vergangene Kurse.")
    )
    starts_before = MomentFilter(help_text=_("Erster Termin bis zu diesem Zeitpunkt."))
    audience = filters.ChoiceFilter(choices=Audience.choices, help_text=_("Für wen der Kurs ist."))
    has_seats = filters.BooleanFilter(
        help_text=_("Nur Kurse mit freien Plätzen (true) oder nur volle (false).")
    )
    near = PlaceFilter(max_length=100, help_text=NEAR_HELP)

    class Meta:
        model = CourseRun
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return runs_filtered(
            filters=RunFilters(
                course=data.get("course"),
                lab=data.get("lab") or "",
                starts_after=data.get("starts_after"),
                starts_before=data.get("starts_before"),
                audience=data.get("audience") or "",
                has_seats=data.get("has_seats"),
                near=data.get("near") or "",
            )
        )
