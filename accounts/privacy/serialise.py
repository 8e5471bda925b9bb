"""Values as the export writes them: moments and dates in ISO 8601, nothing else changed."""

from datetime import date, datetime

from django.utils import timezone


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
