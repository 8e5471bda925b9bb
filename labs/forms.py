"""The public request form for an in-house workshop (Innovationsworkshop): few fields, plain messages."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.text import single_line

from .models import LabPage, WorkshopRequest
from .notifications import ANY_LAB
from .selectors import labs_published

TOO_LONG = _("Bitte kürzen Sie den Text auf höchstens %(limit_value)d Zeichen. Jetzt sind es %(show_value)d.")
CONTROL_CHARACTERS = _("Bitte entfernen Sie die Steuerzeichen aus dem Text.")
STAFF_RANGE = _("Bitte geben Sie eine Zahl von 1 bis 200 ein.")


def _max(field: str) -> int:
    return WorkshopRequest._meta.get_field(field).max_length


def _messages(required=None, **more) -> dict:
    messages = {"max_length": TOO_LONG, "null_characters_not_allowed": CONTROL_CHARACTERS, **more}
    if required is not None:
        messages["required"] = required
    return messages


class WorkshopRequestForm(forms.Form):
    """What a lab needs to answer a business, and nothing more; the lab asks the rest on the phone."""

    company = forms.CharField(
        label=_("Firma oder Organisation"),
        max_length=_max("company"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages=_messages(_("Bitte geben Sie den Namen Ihrer Firma oder Organisation an.")),
    )
    contact_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=_max("contact_name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages=_messages(_("Bitte geben Sie Ihren Namen an.")),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=_max("email"),
        help_text=_("Dorthin schicken wir die Bestätigung."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=_messages(
            _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            invalid=_("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@firma.de."),
        ),
    )
    phone = forms.CharField(
        label=_("Telefon für Rückfragen"),
        required=False,
        max_length=_max("phone"),
        validators=[
            RegexValidator(
                r"\A\+?[0-9 ()/.-]{4,}\Z",
                _("Bitte geben Sie nur Ziffern und die Zeichen + ( ) / - ein, zum Beispiel 05151 123456."),
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages=_messages(),
    )
    topic = forms.CharField(
        label=_("Worum soll es gehen?"),
        max_length=_max("topic"),
        help_text=_("Zum Beispiel: KI im Büro, Datensicherheit, digitale Buchhaltung."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_messages(_("Bitte schreiben Sie, worum es im Workshop gehen soll.")),
    )
    staff_count = forms.IntegerField(
        label=_("Wie viele Mitarbeitende nehmen teil?"),
        min_value=1,
        max_value=200,
        help_text=_("Eine Zahl von 1 bis 200."),
        # A text box that opens the number keys: number boxes change their value when people scroll.
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input--short"}
        ),
        error_messages={
            "required": _("Bitte geben Sie an, wie viele Mitarbeitende teilnehmen."),
            "invalid": STAFF_RANGE,
            "min_value": STAFF_RANGE,
            "max_value": STAFF_RANGE,
        },
    )
    preferred_dates = forms.CharField(
        label=_("Wann passt es Ihnen?"),
        max_length=_max("preferred_dates"),
        help_text=_("Zum Beispiel: dienstags vormittags im Januar."),
        error_messages=_messages(_("Bitte schreiben Sie, wann der Workshop sein könnte.")),
    )
    lab = forms.ModelChoiceField(
        label=_("Wo soll der Workshop sein?"),
        queryset=LabPage.objects.none(),  # the published labs, read per form
        required=False,
        empty_label=ANY_LAB,
        help_text=_("Wählen Sie ein Labor in Ihrer Nähe. Oder wir kommen zu Ihnen in den Betrieb."),
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Labor aus der Liste.")},
    )
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        required=False,
        max_length=_max("message"),
        help_text=_("Zum Beispiel, was Ihr Team schon kann."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_messages(),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass die Regionallabore meine Angaben speichern, um meine Anfrage zu "
            "beantworten."
        ),
        error_messages={
            "required": _("Bitte stimmen Sie zu. Sonst dürfen wir Ihre Anfrage nicht bearbeiten.")
        },
    )
    # A trap for programs that fill in every field: hidden from people (and from screen readers), so a value
    # here means the form was not sent by a person.
    website = forms.CharField(
        label=_("Dieses Feld bitte leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs_published()

    def _one_line(self, name: str) -> str:
        """The answer on one line; one made only of control characters counts as not given."""
        value = single_line(self.cleaned_data[name])
        if not value and self.fields[name].required:
            raise forms.ValidationError(self.fields[name].error_messages["required"], code="required")
        return value

    def clean_company(self):
        return self._one_line("company")

    def clean_contact_name(self):
        return self._one_line("contact_name")

    def clean_preferred_dates(self):
        return self._one_line("preferred_dates")

    def clean_phone(self):
        return self._one_line("phone")

    @property
    def sent_by_a_program(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def request_fields(self) -> dict:
        """The cleaned answers, as `workshop_request_create` takes them."""
        names = [
            "company",
            "contact_name",
            "email",
            "phone",
            "topic",
            "staff_count",
            "preferred_dates",
            "lab",
            "message",
        ]
        return {name: self.cleaned_data[name] for name in names}
