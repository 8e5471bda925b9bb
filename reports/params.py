"""The query parameters of a report (`lab`, `start`, `end`), read into a frozen dataclass.

The page's form, the downloads and the API all read them here, so a bad value gets the same message
everywhere. Which labs the person may see is decided by `reports.services`, not here.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labs.models import LabPage

MAX_YEARS = 10
# The platform's courses run in these years; a date far outside is a typing error (and the ends of the
# calendar have no following day to count up to).
FIRST_YEAR, LAST_YEAR = 2000, 2099
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


@dataclass(frozen=True)
class ReportParams:
    start: date
    end: date
    lab: LabPage | None  # None: all labs the person may see


class ReportForm(forms.Form):
    """`lab` is a lab's short name (slug), empty for all the person's labs; `start` and `end` are dates
    (ISO 8601, or as written in German: 31.12.2026). Both dates missing: the current calendar year."""

    # A select of the person's labs; any other known lab is still read, so that asking for it is refused as
    # forbidden (403) rather than as unknown.
    lab = forms.CharField(label=_("Labor"), required=False, max_length=255, widget=forms.Select)
    start = forms.DateField(
        label=_("Von"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, zum Beispiel 2026-01-01.")},
    )
    end = forms.DateField(
        label=_("Bis"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, zum Beispiel 2026-12-31.")},
    )

    def __init__(self, *args, labs=(), all_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].widget.choices = [("", all_label or _("Alle meine Labore"))] + [
            (lab.slug, lab.title) for lab in labs
        ]
        self.fields["lab"].help_text = _("Ein Labor oder alle Labore, die Sie sehen dürfen.")

    def clean(self):
        data = super().clean()
        slug = data.get("lab") or ""
        lab = None
        if slug:
            lab = (
                LabPage.objects.filter(slug=slug, locale__language_code=settings.LANGUAGE_CODE)
                .select_related("municipality")
                .first()
            )
            if lab is None:
                self.add_error(
                    "lab", _("Ein Labor mit dem Kurznamen „%(slug)s“ gibt es nicht.") % {"slug": slug[:100]}
                )
        start, end = data.get("start"), data.get("end")
        missing_start = not self.data.get("start")
        missing_end = not self.data.get("end")
        if missing_start and missing_end:
            year = timezone.localdate().year
            start, end = date(year, 1, 1), date(year, 12, 31)
        elif missing_start:
            self.add_error("start", _("Bitte geben Sie an, ab welchem Tag der Bericht zählt."))
        elif missing_end:
            self.add_error("end", _("Bitte geben Sie an, bis zu welchem Tag der Bericht zählt."))
        for name, day in (("start", start), ("end", end)):
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR and name not in self.errors:
                self.add_error(
                    name,
                    _("Bitte wählen Sie ein Datum zwischen den Jahren %(first)d und %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
        if start and end and not self.errors:
            if end < start:
                self.add_error(
                    "end", _("Das Ende des Zeitraums liegt vor seinem Anfang. Bitte tauschen Sie die Daten.")
                )
            elif _years_later(start, MAX_YEARS) <= end:
                self.add_error(
                    "end",
                    _(
                        "Ein Bericht umfasst höchstens %(years)d Jahre. "
                        "Bitte wählen Sie einen kürzeren Zeitraum."
                    )
                    % {"years": MAX_YEARS},
                )
        data["start"], data["end"], data["lab_page"] = start, end, lab
        return data

    def params(self) -> ReportParams:
        data = self.cleaned_data
        return ReportParams(start=data["start"], end=data["end"], lab=data["lab_page"])


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
