"""Forms of the public site: the course finder on the home page and the catalogue filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.catalogue.selectors import CatalogueFilters
from courses.models import Audience, Competence, Format, Level, Topic
from labs.models import Municipality


def _with_any(choices, any_label):
    return [("", any_label), *choices]


class CourseFinderForm(forms.Form):
    """What and where: the two questions most visitors start with."""

    q = forms.CharField(
        label=_("Was möchten Sie lernen?"),
        required=False,
        max_length=100,
        help_text=_("Zum Beispiel: Smartphone, Online-Banking, WhatsApp"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    municipality = forms.ChoiceField(label=_("Wo?"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only places that have a lab: a course is always at a lab or close to it.
        places = Municipality.objects.filter(labs__live=True).distinct().order_by("name")
        self.fields["municipality"].choices = _with_any(
            [(m.slug, m.name) for m in places], _("Im ganzen Landkreis")
        )

    def filters(self, **preset) -> CatalogueFilters:
        """The catalogue filters from the fields that are valid; invalid ones count as "any"."""
        if not self.is_bound:
            return CatalogueFilters(**preset)
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
        if "level" in data:
            data["level"] = int(data["level"])
        return CatalogueFilters(**{**data, **preset})


class CatalogueFilterForm(CourseFinderForm):
    """The catalogue's filters, sent with GET so that every result list has its own address."""

    audience = forms.ChoiceField(label=_("Für wen?"), required=False)
    topic = forms.ChoiceField(label=_("Thema"), required=False)
    level = forms.ChoiceField(label=_("Niveau"), required=False)
    format = forms.ChoiceField(label=_("Kursform"), required=False)
    competence = forms.ChoiceField(label=_("Kompetenz (DigComp)"), required=False)

    EXTRA = ("audience", "topic", "level", "format", "competence")

    def __init__(self, *args, audience: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.preset_audience = audience
        if audience:
            del self.fields["audience"]
        else:
            self.fields["audience"].choices = _with_any(Audience.choices, _("Alle"))
        self.fields["topic"].choices = _with_any(Topic.choices, _("Alle Themen"))
        self.fields["level"].choices = _with_any([(str(v), label) for v, label in Level.choices], _("Alle"))
        self.fields["format"].choices = _with_any(Format.choices, _("Alle"))
        self.fields["competence"].choices = _with_any(
            [(c.code, str(c)) for c in Competence.objects.only("code", "name", "name_en")],
            _("Alle"),
        )

    def filters(self, **preset) -> CatalogueFilters:
        if self.preset_audience:
            preset["audience"] = self.preset_audience
        return super().filters(**preset)

    @property
    def extra_fields(self):
        return [self[name] for name in self.EXTRA if name in self.fields]

    @property
    def uses_extra(self) -> bool:
        """Whether a filter beyond "what" and "where" is set, so that the form shows them open."""
        return self.is_bound and any(self.data.get(name) for name in self.EXTRA if name in self.fields)

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
