"""The two optional figures a participant may give for the labs' anonymous reports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import AgeBand
from courses.selectors import MUNICIPALITY_OUTSIDE, statistics_municipalities


def _municipality_choices():
    names = [name for name in statistics_municipalities() if name != MUNICIPALITY_OUTSIDE]
    return [
        ("", _("Keine Angabe")),
        *((name, name) for name in names),
        (MUNICIPALITY_OUTSIDE, _("Außerhalb des Landkreises")),
    ]


class EnrolmentStatisticsForm(forms.Form):
    """Both fields may stay empty; "Keine Angabe" removes what was given."""

    age_band = forms.ChoiceField(
        label=_("Altersgruppe"), required=False, choices=[("", _("Keine Angabe")), *AgeBand.choices]
    )
    municipality = forms.ChoiceField(label=_("Wohnort"), required=False, choices=_municipality_choices)
