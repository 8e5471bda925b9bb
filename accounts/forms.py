from django import forms
from django.contrib.auth import authenticate, login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .exceptions import DomainError, EmailAlreadyRegistered, WrongPassword
from .models import ApiToken, EmailChange, User
from .selectors import email_is_registered
from .services import (
    API_TOKEN_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    ApiTokenLimitReached,
    api_token_create,
    email_change_request,
    full_name_clean,
    user_name_change,
    user_password_change,
    user_register,
)

# The backend that keeps the session's user (the first one, axes, only checks for locks).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# Each message says what to do, in the site's words (Django's own are curt or say "du").
EMAIL_ERRORS = {
    "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
    "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de."),
}
EMAIL_TAKEN = _("Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte loggen Sie sich damit ein.")


class SignupForm(forms.Form):
    """The few things an account needs: name for the certificate, email as login, password, consent."""

    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=150,
        help_text=_("So steht es auf Ihrem Zertifikat."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Damit loggen Sie sich ein. Dorthin schicken wir Ihre Bestätigung."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=EMAIL_ERRORS,
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        help_text=_("Mindestens 10 Zeichen, nicht nur Ziffern. Bitte kein leicht zu erratendes Wort."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Bitte wählen Sie ein Passwort.")},
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
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
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
        self.add_error("email", EMAIL_TAKEN)


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages=EMAIL_ERRORS,
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort an.")},
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


# The forms of "Mein Konto": each changes one thing of the logged-in person through its service.

PASSWORD_HELP = _(
    "Mindestens 10 Zeichen, wer Aufgaben im Team hat: 12. Nicht nur Ziffern, bitte kein leicht zu "
    "erratendes Wort."
)


def _current_password_checked(user: User, password: str) -> str:
    """Checked with the other fields, so that all mistakes show at once; the service checks it again."""
    if not user.check_password(password):
        raise ValidationError(WrongPassword.default_message, code=WrongPassword.code)
    return password


class NameChangeForm(forms.Form):
    """The name as it will stand on certificates from now on."""

    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Vor- und Nachname, so wie sie auf Ihren Zertifikaten stehen sollen."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault("initial", {"full_name": user.full_name})
        super().__init__(*args, **kwargs)

    def clean_full_name(self):
        try:
            return full_name_clean(self.cleaned_data["full_name"])
        except DomainError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc

    def save(self) -> User:
        return user_name_change(user=self.user, name=self.cleaned_data["full_name"])


class EmailChangeForm(forms.Form):
    """A new login address, with the current password; it counts once the link sent there is opened."""

    new_email = forms.EmailField(
        label=_("Neue E-Mail-Adresse"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("Dorthin schicken wir einen Link. Erst wenn Sie ihn öffnen, gilt die neue Adresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Bitte geben Sie die neue E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de."),
        },
    )
    password = forms.CharField(
        label=_("Ihr jetziges Passwort"),
        strip=False,
        help_text=_("So wissen wir, dass wirklich Sie die Adresse ändern."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr jetziges Passwort ein.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        return _current_password_checked(self.user, self.cleaned_data["password"])

    def request_change(self) -> EmailChange | None:
        """Ask for the change; if refused, None and the reason beside the field it concerns."""
        try:
            return email_change_request(
                user=self.user,
                new_email=self.cleaned_data["new_email"],
                password=self.cleaned_data["password"],
            )
        except WrongPassword as exc:
            self.add_error("password", exc.message)
        except DomainError as exc:
            self.add_error("new_email", exc.message)
        return None


class NewPasswordForm(forms.Form):
    """The current password and the new one twice, checked by the site's password rules."""

    current_password = forms.CharField(
        label=_("Ihr jetziges Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr jetziges Passwort ein.")},
    )
    new_password1 = forms.CharField(
        label=_("Neues Passwort"),
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Bitte geben Sie ein neues Passwort ein.")},
    )
    new_password2 = forms.CharField(
        label=_("Neues Passwort noch einmal"),
        strip=False,
        help_text=_("Damit sich kein Tippfehler einschleicht."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Bitte geben Sie das neue Passwort noch einmal ein.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_password(self):
        return _current_password_checked(self.user, self.cleaned_data["current_password"])

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2",
                _("Die beiden neuen Passwörter sind nicht gleich. Bitte geben Sie zweimal dasselbe ein."),
            )
        elif first:
            try:
                validate_password(first, user=self.user)
            except ValidationError as exc:
                self.add_error("new_password1", exc)
        return cleaned

    def change_password(self) -> User | None:
        """Set the new password; if refused, None and the reason beside the field it concerns."""
        try:
            return user_password_change(
                user=self.user,
                old_password=self.cleaned_data["current_password"],
                new_password=self.cleaned_data["new_password1"],
            )
        except WrongPassword as exc:
            self.add_error("current_password", exc.message)
        except DomainError as exc:
            self.add_error("new_password1", exc.message)
        return None


class ApiTokenCreateForm(forms.Form):
    """A new key for another program, named so that the person can tell it from the others."""

    name = forms.CharField(
        label=_("Name des Zugangs"),
        max_length=API_TOKEN_NAME_MAX_LENGTH,
        help_text=_("Woran Sie den Zugang später erkennen, zum Beispiel „Website der Gemeinde“."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Bitte geben Sie dem Zugang einen Namen, zum Beispiel „Website der Gemeinde“."),
            "max_length": _(
                "Der Name ist zu lang. Bitte kürzen Sie ihn auf höchstens %(limit_value)d Zeichen."
            ),
        },
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def create_token(self) -> tuple[ApiToken, str] | None:
        """The new token and its secret; if refused, None and the reason in the form's errors."""
        try:
            return api_token_create(user=self.user, name=self.cleaned_data["name"])
        except ApiTokenLimitReached as exc:
            self.add_error(None, exc.message)
        except DomainError as exc:
            self.add_error("name", exc.message)
        return None
