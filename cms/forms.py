"""Forms of the public site: the course finder on the home page and the catalogue filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.catalogue.search import MAX_QUERY_LENGTH, CatalogueQuery, catalogue_query_parse, word_suggestions
from courses.catalogue.selectors import CatalogueFilters
from courses.models import Audience, Competence, Format, Level, Topic
from labs.models import Municipality


def _with_any(choices, any_label):
    return [("", any_label), *choices]


class CourseFinderForm(forms.Form):
    """What and where: the two questions most visitors start with.

    Both boxes take a place of the district (postcode, town or village): "Handy Aerzen" finds courses about
    smartphones, nearest to Aerzen first.
    """

    q = forms.CharField(
        label=_("Was möchten Sie lernen?"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Zum Beispiel: Smartphone, Online-Banking, WhatsApp"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    near = forms.CharField(
        label=_("Wo?"),
        required=False,
        max_length=100,
        help_text=_("Ort, Ortsteil oder Postleitzahl, zum Beispiel Aerzen oder 31855"),
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "enterkeyhint": "search"}),
    )

    def __init__(self, *args, audience: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if audience == Audience.BUSINESSES:
            self.fields["q"].label = _("Welches Thema suchen Sie?")
            self.fields["q"].help_text = _("Zum Beispiel: KI im Büro, Datensicherheit, digitale Buchhaltung")
        self.query = CatalogueQuery()

    def filters(self, **preset) -> CatalogueFilters:
        """The catalogue filters from the fields that are valid; invalid ones count as "any".

        The search text and the place are taken apart first (`self.query`): the words go to the full-text
        search, the place sorts by distance.
        """
        if not self.is_bound:
            return CatalogueFilters(**preset)
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
        if "level" in data:
            data["level"] = int(data["level"])
        self.query = catalogue_query_parse(q=data.pop("q", ""), near=data.pop("near", ""))
        data.update(q=self.query.words, near=self.query.near)
        return CatalogueFilters(**{**data, **preset})

    def place_notice(self, *, found: int) -> dict | None:
        """What to say about the place: sorted by distance from it, or unknown with places to try."""
        query = self.query
        if query.place is not None:
            return {"place": query.place.label}
        if query.unknown_place:
            return {"unknown": query.unknown_place, "offers": self._place_links(query.places_to_offer)}
        if not found and query.words:
            suggestions = word_suggestions(query.words)
            if suggestions:
                return {"maybe": self._place_links(suggestions)}
        return None

    def _place_links(self, names: list[str]) -> list[tuple[str, str]]:
        """Each place as a link to the same search near it."""
        params = self.data.copy()
        for name in ("page", "near"):
            params.pop(name, None)
        words = self.query.words
        links = []
        for name in names:
            params["q"] = words
            params["near"] = name
            links.append((name, "?" + params.urlencode()))
        return links


class CatalogueFilterForm(CourseFinderForm):
    """The catalogue's filters, sent with GET so that every result list has its own address."""

    audience = forms.ChoiceField(label=_("Für wen?"), required=False)
    topic = forms.ChoiceField(label=_("Thema"), required=False)
    level = forms.ChoiceField(label=_("Niveau"), required=False)
    format = forms.ChoiceField(label=_("Kursform"), required=False)
    competence = forms.ChoiceField(label=_("Kompetenz (DigComp)"), required=False)

    EXTRA = ("audience", "topic", "level", "format", "competence")

    # Links from before the place search named the lab's municipality; they still narrow the list.
    municipality = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, audience: str = "", **kwargs):
        super().__init__(*args, audience=audience, **kwargs)
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

    def clean_municipality(self) -> str:
        slug = self.cleaned_data["municipality"]
        return slug if slug and Municipality.objects.filter(slug=slug).exists() else ""

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
