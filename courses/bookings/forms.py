"""Forms of the booking pages. They only parse what people type; the services decide."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.exceptions import DomainError
from accounts.models import Organisation, User

from .services import MemberAlreadyEnrolled


def add_service_error(form: forms.Form, error: Exception, field: str | None = None) -> None:
    """Show a service's refusal on the form: its field errors at their fields, anything else above the
    form (or at `field`)."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else field, messages)
        else:
            form.add_error(field, error.messages)
    elif isinstance(error, DomainError):
        form.add_error(field, str(error.message))
    else:
        raise error


class BookingForm(forms.Form):
    """Seats for an organisation: which organisation (only asked when the person is a contact of
    several) and how many."""

    organisation = forms.ModelChoiceField(
        label=_("Für welche Organisation?"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Ihrer Organisationen.")},
    )
    seats = forms.IntegerField(
        label=_("Wie viele Plätze?"),
        min_value=1,
        error_messages={
            "required": _("Bitte geben Sie an, wie viele Plätze Sie buchen möchten."),
            "invalid": _("Bitte geben Sie eine Zahl ein."),
            "min_value": _("Bitte buchen Sie mindestens einen Platz."),
        },
    )

    def __init__(self, *args, organisations, capacity: int, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.capacity = capacity
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by(
            "name", "pk"
        )
        if self.only_organisation is not None:
            field.widget = forms.HiddenInput()
            field.initial = self.only_organisation.pk
        seats = self.fields["seats"]
        seats.widget.attrs.update({"min": 1, "max": capacity, "inputmode": "numeric"})
        seats.help_text = ngettext("Der Kurs hat %(n)s Platz.", "Der Kurs hat %(n)s Plätze.", capacity) % {
            "n": capacity
        }

    def clean_seats(self):
        seats = self.cleaned_data["seats"]
        if seats > self.capacity:
            raise ValidationError(
                ngettext("Der Kurs hat nur %(n)s Platz.", "Der Kurs hat nur %(n)s Plätze.", self.capacity)
                % {"n": self.capacity},
                code="max_value",
            )
        return seats


class MemberForm(forms.Form):
    """One member for one unnamed seat; they get an invitation by mail."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Bitte geben Sie den Namen an.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Dorthin schicken wir die Einladung."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Bitte geben Sie die E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an."),
        },
    )

    def add_refusal(self, error: Exception) -> None:
        # A person already in the run is a matter of the address typed in.
        add_service_error(self, error, field="email" if isinstance(error, MemberAlreadyEnrolled) else None)


class InvitationForm(forms.Form):
    """The member's yes, in one step with what their account needs: nothing more when logged in, the
    password of the account that exists for the invited address, or a name and a new password."""

    LOGGED_IN, EXISTING_ACCOUNT, NEW_ACCOUNT = "logged_in", "existing_account", "new_account"

    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=150,
        help_text=_("So steht es auf Ihrem Zertifikat."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort ein.")},
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie teilnehmen möchten.")},
    )

    def __init__(self, *args, case: str, email: str, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.email = case, email
        consent = _(
            "Ich nehme an diesem Kurs teil. %(organisation)s darf sehen, ob ich zu den Terminen gekommen bin."
        ) % {"organisation": organisation}
        if case == self.NEW_ACCOUNT:
            consent = _("%(consent)s Die Hinweise zum Datenschutz habe ich gelesen.") % {"consent": consent}
        self.fields["consent"].label = consent
        if case != self.NEW_ACCOUNT:
            del self.fields["full_name"]
        else:
            password = self.fields["password"]
            password.label = _("Neues Passwort")
            password.help_text = _("Mindestens 8 Zeichen. Bitte kein leicht zu erratendes Wort.")
            password.widget.attrs["autocomplete"] = "new-password"
        if case == self.LOGGED_IN:
            del self.fields["password"]

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if self.case == self.NEW_ACCOUNT and password:
            user = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned
