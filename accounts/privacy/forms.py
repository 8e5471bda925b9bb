from django import forms
from django.utils.translation import gettext_lazy as _


class EraseChoiceForm(forms.Form):
    """Step one: what happens to the certificates."""

    revoke_certificates = forms.BooleanField(
        label=_("Meine Zertifikate widerrufen"),
        required=False,
        help_text=_(
            "Ohne dieses Häkchen bleiben Ihre Zertifikate prüfbar. Die Prüfseite zeigt dann statt Ihres "
            "Namens „Gelöschtes Konto“."
        ),
    )


class EraseConfirmForm(EraseChoiceForm):
    """Step two: the password proves it is the person; the button erases."""

    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
