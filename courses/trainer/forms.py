"""Forms of the trainer's workspace."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Attendance
from courses.services import AttendanceEntry

# The submit button that records everyone left unmarked as present (its `name` and `value`).
ACTION = "action"
REST_PRESENT = "rest-present"


class AttendanceForm(forms.Form):
    """One group of radio buttons per participant of a session.

    A group left empty records nothing for that person (and clears what was recorded before), unless the
    trainer pressed "Alle übrigen anwesend" (`rest_present`): then everyone left unmarked is present.
    """

    def __init__(self, *args, rows: list[dict], rest_present: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.rest_present = rest_present
        for row in rows:
            self.fields[self.field_name(row["enrolment"])] = forms.ChoiceField(
                label=row["participant"],
                choices=Attendance.Status.choices,
                required=False,
                initial=row["status"],
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Bitte wählen Sie „anwesend“, „abwesend“ oder „entschuldigt“.")
                },
            )

    @staticmethod
    def field_name(enrolment_id: int) -> str:
        return f"status-{enrolment_id}"

    def participant_fields(self):
        """(row, bound field) for each participant, in the order of the rows."""
        return [(row, self[self.field_name(row["enrolment"])]) for row in self.rows]

    def clean(self):
        cleaned = super().clean()
        if self.rows and not self.errors and not self.rest_present and not any(cleaned.values()):
            raise forms.ValidationError(_("Bitte wählen Sie bei mindestens einer Person aus, ob sie da war."))
        return cleaned

    def entries(self) -> list[AttendanceEntry]:
        unmarked = Attendance.Status.PRESENT if self.rest_present else None
        return [
            AttendanceEntry(
                enrolment_id=row["enrolment"],
                status=self.cleaned_data.get(self.field_name(row["enrolment"])) or unmarked,
            )
            for row in self.rows
        ]


class WalkInForm(forms.Form):
    """Someone who came without enrolling: a name, and an email address if they want the certificate by
    mail. The service checks both; its messages appear beside the fields."""

    name = forms.CharField(
        label=_("Vor- und Nachname"),
        error_messages={"required": _("Bitte geben Sie den Namen an.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )
    email = forms.CharField(
        label=_("E-Mail-Adresse"),
        required=False,
        help_text=_(
            "Freiwillig. Mit E-Mail-Adresse kommt das Zertifikat per E-Mail. Ohne drucken Sie es nach "
            "dem Kurs aus."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
