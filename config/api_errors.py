"""The API's one error shape: `{"code", "detail", "errors": [{"attr", "code", "detail"}]}`.

drf-standardized-errors turns every exception into that body (`ExceptionHandler`, `ExceptionFormatter`) and
documents it on every operation of the schema (`core.api.ErrorSerializer`, setting `DRF_STANDARDIZED_ERRORS`).
"""

import math

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiExample
from drf_standardized_errors import formatter as drf_errors_formatter
from drf_standardized_errors import handler as drf_errors_handler
from drf_standardized_errors import openapi as drf_errors_openapi
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings

from accounts.exceptions import DomainError, NotFound


class ExceptionHandler(drf_errors_handler.ExceptionHandler):
    """Any API error answers in one shape (`ErrorSerializer`), in the request's language.

    Domain errors keep their status and code; a model's own validation (`full_clean` inside a service) is a
    400 with its messages per field; Django's 404 names no model; anything unforeseen is a 500 with a plain
    message, never a traceback or an HTML page.
    """

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, Http404):
            # Django's message names the model ("No CourseRun matches ..."), in English: say it for people.
            exc = NotFound()
        if isinstance(exc, DomainError):
            return _DomainAPIException(exc)
        if isinstance(exc, exceptions.ParseError):
            # DRF's message quotes the parser's English error ("JSON parse error - Expecting value ...").
            return exceptions.ParseError(
                _("Der Inhalt der Anfrage lässt sich nicht lesen. Bitte senden Sie gültiges JSON.")
            )
        if isinstance(exc, exceptions.Throttled):
            return Throttled(exc.wait)
        if isinstance(exc, DjangoValidationError):
            detail = get_error_detail(exc)
            if isinstance(detail, dict) and NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            return exceptions.ValidationError(detail)
        return super().convert_known_exceptions(exc)

    def should_not_handle(self, exc: Exception) -> bool:
        # Clients get the JSON shape in development too; the traceback still reaches the log.
        return False

    def convert_unhandled_exceptions(self, exc: Exception) -> exceptions.APIException:
        if not isinstance(exc, exceptions.APIException):
            return ServerError()
        return exc


class _DomainAPIException(exceptions.APIException):
    def __init__(self, error: DomainError):
        self.status_code = error.status_code
        super().__init__(detail=str(error.message), code=error.code)


class Throttled(exceptions.Throttled):
    """DRF's 429 in plain words; `Retry-After` carries the seconds."""

    def __init__(self, wait: float | None):
        seconds = max(1, math.ceil(wait or 1))
        detail = ngettext(
            "Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in %(seconds)d Sekunde wieder.",
            "Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in %(seconds)d Sekunden wieder.",
            seconds,
        ) % {"seconds": seconds}
        exceptions.APIException.__init__(self, detail=detail, code="throttled")
        self.wait = seconds


class ServerError(exceptions.APIException):
    default_detail = _(
        "Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal."
    )
    default_code = "server_error"


class ExceptionFormatter(drf_errors_formatter.ExceptionFormatter):
    """`{"code", "detail", "errors": [{"attr", "code", "detail"}]}`.

    `errors` lists every field's messages of a validation error (`attr` is the field, dotted for nested
    fields such as `sessions.0.start`, null for the whole request) and is empty otherwise. `code` and `detail`
    sum the error up: a validation error with one message carries that message (and its code, if it concerns
    the whole request); any other validation error is `invalid` with a request to check the fields named.
    """

    def run(self) -> dict:
        errors = [
            {
                "attr": None if error.attr in (None, api_settings.NON_FIELD_ERRORS_KEY) else error.attr,
                "code": error.code,
                "detail": error.detail,
            }
            for error in self.get_errors()
        ]
        if not isinstance(self.exc, exceptions.ValidationError):
            first = errors[0] if errors else {"code": "error", "detail": str(self.exc.detail)}
            return {"code": first["code"], "detail": first["detail"], "errors": []}
        whole = [error for error in errors if error["attr"] is None]
        if len(errors) == 1:
            code = errors[0]["code"] if whole else "invalid"
            return {"code": code, "detail": errors[0]["detail"], "errors": errors}
        if whole:
            detail = " ".join(error["detail"] for error in whole)
        else:
            fields = ", ".join(dict.fromkeys(error["attr"] for error in errors))
            detail = str(_("Bitte prüfen Sie diese Angaben: %(fields)s.") % {"fields": fields})
        return {"code": "invalid", "detail": detail, "errors": errors}


def _example(status: str, name: str, body: dict) -> OpenApiExample:
    return OpenApiExample(name, value=body, response_only=True, status_codes=[status])


ERROR_EXAMPLES = [
    _example(
        "400",
        _("Angaben passen nicht"),
        {
            "code": "invalid",
            "detail": "Bitte prüfen Sie diese Angaben: capacity, sessions.0.start.",
            "errors": [
                {"attr": "capacity", "code": "min_value", "detail": "Bitte geben Sie mindestens 1 an."},
                {
                    "attr": "sessions.0.start",
                    "code": "invalid",
                    "detail": "Bitte geben Sie Datum und Uhrzeit an.",
                },
            ],
        },
    ),
    _example(
        "401",
        _("Nicht angemeldet"),
        {"code": "not_authenticated", "detail": "Anmeldedaten fehlen.", "errors": []},
    ),
    _example(
        "403",
        _("Keine Berechtigung"),
        {"code": "not_allowed", "detail": "Dafür fehlt Ihnen die Berechtigung.", "errors": []},
    ),
    _example("404", _("Nicht gefunden"), {"code": "not_found", "detail": "Nicht gefunden.", "errors": []}),
    _example(
        "405",
        _("Methode nicht erlaubt"),
        {"code": "method_not_allowed", "detail": "Methode „PUT“ ist nicht erlaubt.", "errors": []},
    ),
    _example(
        "406",
        _("Format nicht lieferbar"),
        {"code": "not_acceptable", "detail": "Dieses Format kann die API nicht liefern.", "errors": []},
    ),
    _example(
        "415",
        _("Format nicht lesbar"),
        {"code": "unsupported_media_type", "detail": "Bitte senden Sie JSON.", "errors": []},
    ),
    _example(
        "429",
        _("Zu viele Anfragen"),
        {
            "code": "throttled",
            "detail": "Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in 30 Sekunden wieder.",
            "errors": [],
        },
    ),
    _example(
        "500",
        _("Fehler auf dem Server"),
        {
            "code": "server_error",
            "detail": "Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal.",
            "errors": [],
        },
    ),
]


class AutoSchema(drf_errors_openapi.AutoSchema):
    """drf-standardized-errors' schema (every operation lists its error answers) with examples in this API's
    error shape instead of the library's own."""

    def _get_error_response_examples(self) -> list[OpenApiExample]:
        status_codes = set(self._get_allowed_error_status_codes())
        return [example for example in ERROR_EXAMPLES if status_codes.intersection(example.status_codes)]
