"""Forms of the trainer's workspace."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Attendance
from courses.services import AttendanceEntry


class AttendanceForm(forms.Form):
    """One group of radio buttons per participant of a session.

    A group left empty records nothing for that person (and clears what was recorded before).
    """

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
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
        if self.rows and not self.errors and not any(cleaned.values()):
            raise forms.ValidationError(_("Bitte wählen Sie bei mindestens einer Person aus, ob sie da war."))
        return cleaned

    def entries(self) -> list[AttendanceEntry]:
        return [
            AttendanceEntry(
                enrolment_id=row["enrolment"],
                status=self.cleaned_data.get(self.field_name(row["enrolment"])) or None,
            )
            for row in self.rows
        ]
