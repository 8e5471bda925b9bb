"""Query parameters of the course and run lists.

These filter sets only read and check the parameters (and describe them in the OpenAPI schema);
which courses and runs match is decided by the selectors they hand the values to.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

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
    q = filters.CharFilter(help_text=_("Suchwörter in Titel und Kurzbeschreibung."))

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
        )
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
            )
        )
