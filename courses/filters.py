"""Query parameters of the course and run lists.

These filter sets only read and check the parameters (and describe them in the OpenAPI schema);
which courses and runs match is decided by the selectors they hand the values to.
"""

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from labs.places import place_find, place_suggestions

from .catalogue.selectors import (
    CatalogueFilters,
    RunFilters,
    courses_for_catalogue,
    courses_with_lab,
    runs_filtered,
)
from .models import Audience, CoursePage, CourseRun, Format, Level, Topic


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


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


class PlaceFilter(filters.CharFilter):
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
    lab = filters.CharFilter(help_text=_("Kurzname des Labors."))
    municipality = filters.CharFilter(help_text=_("Kurzname der Gemeinde."))
    level = filters.TypedChoiceFilter(
        choices=Level.choices, coerce=int, help_text=_("DigComp-Stufe 1 bis 8.")
    )
    format = filters.ChoiceFilter(choices=Format.choices, help_text=_("Vor Ort, online oder beides."))
    competence = filters.CharFilter(help_text=_("DigComp-Kompetenz, zum Beispiel 2.1."))
    q = filters.CharFilter(
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
    course = IntegerFilter(help_text=_("Nummer (id) des Kursangebots."))
    lab = filters.CharFilter(help_text=_("Kurzname des Labors."))
    starts_after = filters.IsoDateTimeFilter(
        help_text=_("Erster Termin ab diesem Zeitpunkt. Mit einem Zeitraum erscheinen auch vergangene Kurse.")
    )
    starts_before = filters.IsoDateTimeFilter(help_text=_("Erster Termin bis zu diesem Zeitpunkt."))
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
