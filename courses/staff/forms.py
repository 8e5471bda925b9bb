"""Forms of the run's list of people. They only read what the lab typed; the services decide.

The messages for empty fields are the services' own, so a person reads the same sentence whether the
browser, the form or the service stops them.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneEnrolmentForm(forms.Form):
    """Someone who phoned the lab: their name and e-mail address."""

    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        error_messages={"required": _("Bitte geben Sie den Namen an.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_(
            "Die Person bekommt eine Bestätigung. Wer noch kein Konto hat, bekommt eines und einen Link, "
            "um ein Passwort festzulegen."
        ),
        error_messages={
            "required": _("Bitte geben Sie eine gültige E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class WaitlistMoveForm(forms.Form):
    """Give a waiting person a seat; when the course is full, only with one seat more."""

    add_seat = forms.BooleanField(label=_("Einen Platz mehr freigeben"), required=False)


class EnrolmentRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund"),
        help_text=_("Ein oder zwei kurze Sätze genügen."),
        max_length=2000,
        error_messages={"required": _("Bitte geben Sie einen Grund an; die Person erfährt ihn.")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RunCancelForm(forms.Form):
    message = forms.CharField(
        label=_("Nachricht an alle Angemeldeten"),
        help_text=_("Zum Beispiel: Warum der Kurs ausfällt und ob es einen neuen Termin gibt."),
        max_length=4000,
        error_messages={
            "required": _("Bitte schreiben Sie eine kurze Nachricht; alle Angemeldeten bekommen sie.")
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
