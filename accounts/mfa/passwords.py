"""The longer password of people with staff duties (AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .selectors import user_has_staff_duties


class StaffMinimumLengthValidator:
    """People with staff duties (admins, lab managers, editors, trainers) take at least `min_length`
    characters.

    Everyone else is held to MinimumLengthValidator alone; a new account has no duties yet.
    """

    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password, user=None):
        if user is None or user.pk is None or len(password) >= self.min_length:
            return
        if user_has_staff_duties(user=user):
            raise ValidationError(
                ngettext(
                    "Sie haben Aufgaben im Team. Ihr Passwort braucht darum mindestens %(min_length)d "
                    "Zeichen.",
                    "Sie haben Aufgaben im Team. Ihr Passwort braucht darum mindestens %(min_length)d "
                    "Zeichen.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short_for_staff",
            )

    def get_help_text(self):
        return _("Wer Aufgaben im Team hat, nimmt mindestens %(min_length)d Zeichen.") % {
            "min_length": self.min_length
        }
