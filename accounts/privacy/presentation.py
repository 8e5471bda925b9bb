"""The export as people read it (the page and the PDF): each section with its title, each value with a
label in the person's language, dates written out."""

from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

LABELS = {
    "id": _("Nummer"),
    "full_name": _("Name"),
    "email": _("E-Mail-Adresse"),
    "language": _("Sprache"),
    "date_joined": _("registriert am"),
    "last_login": _("zuletzt eingeloggt"),
    "email_confirmed_at": _("E-Mail-Adresse bestätigt am"),
    "is_active": _("aktiv"),
    "organisation": _("Organisation"),
    "kind": _("Art"),
    "municipality": _("Ort"),
    "role": _("Rolle"),
    "old_email": _("bisherige E-Mail-Adresse"),
    "new_email": _("neue E-Mail-Adresse"),
    "requested_at": _("beantragt am"),
    "confirmed_at": _("bestätigt am"),
    "name": _("Name"),
    "created": _("angelegt am"),
    "created_at": _("angelegt am"),
    "expiry": _("gilt bis"),
    "last_used_at": _("zuletzt benutzt"),
    "course": _("Kurs"),
    "run": _("Kurstermin"),
    "lab": _("Labor"),
    "sessions": _("Termine"),
    "start": _("Beginn"),
    "end": _("Ende"),
    "status": _("Stand"),
    "walk_in": _("ohne Anmeldung gekommen"),
    "waitlisted_at": _("auf der Warteliste seit"),
    "offer_expires_at": _("Angebot gilt bis"),
    "cancelled_at": _("abgemeldet am"),
    "cancel_cause": _("Grund"),
    "completed_at": _("abgeschlossen am"),
    "age_band": _("Altersgruppe"),
    "attendance": _("Anwesenheit"),
    "session_start": _("Termin"),
    "seats_requested": _("gewünschte Plätze"),
    "badge": _("Badge"),
    "issued_on": _("verliehen am"),
    "revoked": _("widerrufen"),
    "revocation_reason": _("Grund des Widerrufs"),
    "show_name": _("Name auf der Badge-Seite zeigen"),
    "exists": _("vorhanden"),
    "code": _("Prüfcode"),
    "participant_name": _("Name auf dem Zertifikat"),
    "course_title": _("Kurs"),
    "lab_name": _("Labor"),
    "first_session": _("von"),
    "last_session": _("bis"),
    "hours": _("Stunden"),
    "issued_at": _("ausgestellt am"),
    "revoked_at": _("widerrufen am"),
    "verify_url": _("Prüfseite"),
    "company": _("Firma oder Organisation"),
    "contact_name": _("Ansprechperson"),
    "phone": _("Telefon"),
    "topic": _("Thema"),
    "staff_count": _("Zahl der Beschäftigten"),
    "preferred_dates": _("Wunschtermine"),
    "message": _("Nachricht"),
    "consented_at": _("Einwilligung am"),
    "mail": _("E-Mail"),
    "delivered_at": _("verschickt am"),
}


def _value(value):
    if value is None or value == "":
        return "–"
    if value is True:
        return _("ja")
    if value is False:
        return _("nein")
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return formats.date_format(day, "DATE_FORMAT")
    if isinstance(value, datetime | date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def _fields(record: dict) -> list[dict]:
    fields = []
    for key, value in record.items():
        label = LABELS.get(key, key)
        if isinstance(value, list):
            fields.append(
                {
                    "label": label,
                    "nested": True,
                    "children": [_fields(item) for item in value if isinstance(item, dict)],
                }
            )
        else:
            fields.append({"label": label, "value": _value(value)})
    return fields


def export_sections(data: dict) -> list[dict]:
    """Each section in the export's order: {"key", "title", "records"}, a record being a list of
    {"label", "value"} or {"label", "nested", "children"}."""
    out = []
    for key, title in data["sections"].items():
        content = data.get(key)
        if isinstance(content, dict):
            records = [_fields(content)]
        else:
            records = [_fields(item) for item in content or [] if isinstance(item, dict)]
        out.append({"key": key, "title": title, "records": records})
    return out
