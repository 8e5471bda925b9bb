"""The site's own error pages. The 404 page is Django's `page_not_found` with templates/404.html (the normal
layout, in the visitor's language); the 500 page is rendered here, where the database may be down. Under /api/
both answer in the API's JSON error shape."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views import csrf, defaults
from django.views.decorators.csrf import requires_csrf_token

from .api import api_error_response, is_api_request

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's page for a form sent without its CSRF token; under /api/ (an address no API view answers) the
    API's JSON error."""
    if is_api_request(request):
        with translation.override(translation.get_language_from_request(request)):
            return api_error_response(
                status=403,
                code="csrf_failed",
                detail=gettext(
                    "Anfragen aus dem Browser brauchen das CSRF-Token; andere Programme senden ein API-Token."
                ),
            )
    return csrf.csrf_failure(request, reason)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """templates/404.html for people; under /api/ the API's JSON error, as from any API view."""
    if is_api_request(request):
        # No API view ran, so the language is the one the request asks for, as the API's views use.
        with translation.override(translation.get_language_from_request(request)):
            return api_error_response(
                status=404,
                code="not_found",
                detail=gettext(
                    "Diese Adresse gibt es in der API nicht. Die Übersicht steht unter /api/docs/."
                ),
            )
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """The 500 page in the visitor's language, rendered without the request's context processors.

    Those read the user and the site settings from the database, which may be what failed. The language is
    the one the LocaleMiddleware chose for the request, or else the one the request asks for. Should the page
    itself fail (a static file missing from the manifest), a bare page in the same words answers instead.
    """
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        if is_api_request(request):
            return api_error_response(
                status=500,
                code="server_error",
                detail=gettext(
                    "Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal."
                ),
            )
        try:
            html = loader.get_template(template_name).render()
        except Exception:
            logger.exception("The error page could not be rendered.")
            html = format_html(
                '<!DOCTYPE html><html lang="{}"><meta charset="utf-8"><title>{}</title><h1>{}</h1><p>{}</p>',
                language,
                gettext("Etwas ist schiefgegangen"),
                gettext("Etwas ist schiefgegangen"),
                gettext("Bitte versuchen Sie es in ein paar Minuten noch einmal."),
            )
    return HttpResponseServerError(html)
