from django import forms
from django.contrib.auth import authenticate, login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .exceptions import DomainError, EmailAlreadyRegistered
from .models import User
from .selectors import email_is_registered
from .services import user_register

# The backend that keeps the session's user (the first one, axes, only checks for locks).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignupForm(forms.Form):
    """The few things an account needs: name for the certificate, email as login, password, consent."""

    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=150,
        help_text=_("So steht es auf Ihrem Zertifikat."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Damit melden Sie sich an. Dorthin schicken wir Ihre Bestätigung."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        help_text=_("Mindestens 8 Zeichen. Bitte kein leicht zu erratendes Wort."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("Ich habe die Hinweise zum Datenschutz gelesen und bin einverstanden."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie einverstanden sind.")},
    )

    email_taken = False

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email_is_registered(email=email):
            self.email_taken = True
            raise ValidationError(
                _("Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich damit an."),
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned

    def register_and_log_in(self, request) -> User | None:
        """Create the account and log the person in; if refused, None and the reason on the form."""
        try:
            user = user_register(
                email=self.cleaned_data["email"],
                full_name=self.cleaned_data["full_name"],
                password=self.cleaned_data["password"],
                language=get_language(),
            )
        except EmailAlreadyRegistered:
            self.mark_email_taken()
            return None
        except DomainError as exc:
            self.add_error(None, exc.message)
            return None
        login(request, user, backend=MODEL_BACKEND)
        return user

    def mark_email_taken(self):
        """For the rare case that the address was registered between validation and saving."""
        self.email_taken = True
        self.add_error(
            "email", _("Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich damit an.")
        )


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            self.user = authenticate(self.request, username=email, password=password)
            if self.user is None:
                raise ValidationError(
                    _(
                        "E-Mail-Adresse oder Passwort stimmen nicht. Bitte prüfen Sie beides und "
                        "versuchen Sie es noch einmal."
                    ),
                    code="invalid_login",
                )
        return cleaned
