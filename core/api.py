"""What every app's API shares below the router: the error body for answers outside DRF's views and
conditional GET."""

from datetime import datetime

from django.http import HttpRequest, JsonResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error_response(*, status: int, code: str, detail: str) -> JsonResponse:
    """An error in the API's one shape (`config.api_errors`), for answers that DRF does not give: an unknown
    address under /api/, a crash before a view runs."""
    return JsonResponse({"code": code, "detail": str(detail), "errors": []}, status=status)


class ConditionalGetMixin:
    """ETag and, where the view knows it, Last-Modified on GET and HEAD of a DRF view.

    The ETag is a hash of the JSON sent: it changes whenever anything in the answer changes (a seat taken,
    a text edited) and never otherwise. Last-Modified comes from `get_last_modified()`, which a view gives
    only where every value of its answer has a known time of change (a lab's page); a run's seats have none.
    A client that sends the ETag back (If-None-Match) or the time (If-Modified-Since) while they still hold
    gets 304 Not Modified without a body.
    """

    def get_last_modified(self) -> datetime | None:
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        set_response_etag(response)
        last_modified = self.get_last_modified()
        if last_modified is not None:
            last_modified = int(last_modified.timestamp())
            response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request._request, etag=response["ETag"], last_modified=last_modified, response=response
        )


class ErrorItemSerializer(serializers.Serializer):
    attr = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Das Feld, dessen Wert nicht passt, bei verschachtelten Feldern mit Punkten "
            "(`sessions.0.start`); null, wenn es die ganze Anfrage betrifft."
        ),
    )
    code = serializers.CharField(help_text=_("Kurzer, fester Code für Programme, zum Beispiel `max_length`."))
    detail = serializers.CharField(help_text=_("Die Meldung für Menschen, in der Sprache der Anfrage."))


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error the API answers with."""

    code = serializers.CharField(
        help_text=_("Kurzer, fester Code für Programme, zum Beispiel `invalid`, `not_found`, `run_full`.")
    )
    detail = serializers.CharField(help_text=_("Die Meldung für Menschen, in der Sprache der Anfrage."))
    errors = ErrorItemSerializer(many=True, help_text=_("Die Fehler je Feld; leer, wenn es keine gibt."))

    class Meta:
        ref_name = "Error"
