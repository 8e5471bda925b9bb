from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One field for the six digits from the app or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Die sechs Ziffern aus Ihrer App, oder einer Ihrer Wiederherstellungscodes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Bitte geben Sie den Code ein.")},
    )


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label=_("Code aus der App"),
        max_length=12,
        help_text=_("Die sechs Ziffern, die Ihre App jetzt zeigt."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Bitte geben Sie den Code aus Ihrer App ein.")},
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort ein.")},
    )
