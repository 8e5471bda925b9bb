"""The two optional figures a participant may give for the labs' anonymous reports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import AgeBand
from courses.selectors import MUNICIPALITY_OUTSIDE, statistics_municipality_choices


def _municipality_choices():
    return [
        ("", _("Keine Angabe")),
        *statistics_municipality_choices(),
        (MUNICIPALITY_OUTSIDE, _("Außerhalb des Landkreises")),
    ]


class EnrolmentStatisticsForm(forms.Form):
    """Both fields may stay empty; "Keine Angabe" removes what was given."""

    age_band = forms.ChoiceField(
        label=_("Altersgruppe"), required=False, choices=[("", _("Keine Angabe")), *AgeBand.choices]
    )
    municipality = forms.ChoiceField(label=_("Wohnort"), required=False, choices=_municipality_choices)
