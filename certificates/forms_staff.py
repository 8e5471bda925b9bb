"""Forms of the lab managers' certificate pages. They only read what was typed; the services decide.

The messages for empty or too long fields are the services' own, so a person reads the same sentence
whether the browser, the form or the service stops them.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .exceptions import ParticipantNameInvalid, RevocationReasonMissing
from .services import NAME_MAX, REASON_MAX


def _reason_field(help_text) -> forms.CharField:
    return forms.CharField(
        label=_("Grund"),
        help_text=help_text,
        max_length=REASON_MAX,
        error_messages={
            "required": RevocationReasonMissing.default_message,
            "max_length": _("Der Grund darf höchstens %(limit_value)s Zeichen lang sein."),
        },
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )


class CertificateSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Prüfcode oder Name"),
        help_text=_("Ein Teil genügt, zum Beispiel „K7QM“ oder „Schmidt“."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class CertificateRevokeForm(forms.Form):
    reason = _reason_field(
        _("Er steht danach auf der öffentlichen Prüfseite. Höchstens 200 Zeichen."),
    )


class CertificateReissueForm(forms.Form):
    participant_name = forms.CharField(
        label=_("Name auf dem neuen Zertifikat"),
        help_text=_("So, wie er auf dem Zertifikat stehen soll."),
        max_length=NAME_MAX,
        error_messages={
            "required": ParticipantNameInvalid.default_message,
            "max_length": _("Der Name darf höchstens %(limit_value)s Zeichen lang sein."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = _reason_field(
        _(
            "Zum Beispiel „Name falsch geschrieben“. Er steht auf der Prüfseite des alten Zertifikats. "
            "Höchstens 200 Zeichen."
        ),
    )
