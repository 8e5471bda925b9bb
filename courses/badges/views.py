"""Open Badges 2.0 hosted documents and images: public, read-only, JSON-LD."""

import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from courses.badges.selectors import badge_assertion_get, badge_class_get

from . import documents as badges

JSON_LD = "application/ld+json"


def _json(document: dict, *, status: int = 200, max_age: int = 300) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type=f"{JSON_LD}; charset=utf-8",
        status=status,
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _png(data: bytes, *, max_age: int = 3600) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _or_404(found):
    if found is None:
        raise Http404
    return found


@require_GET
def issuer_view(request):
    return _json(badges.issuer_document(), max_age=3600)


@require_GET
def badge_class_view(request, pk):
    return _json(badges.badge_class_document(_or_404(badge_class_get(pk=pk))))


@require_GET
def badge_class_image_view(request, pk):
    return _png(badges.badge_class_png(_or_404(badge_class_get(pk=pk))))


@require_GET
def assertion_view(request, uuid):
    assertion = _or_404(badge_assertion_get(uuid=uuid))
    if assertion.revoked:
        # Open Badges 2.0: a revoked hosted assertion answers 410 Gone with revoked and the reason.
        return _json(badges.revoked_assertion_document(assertion), status=410, max_age=60)
    return _json(badges.assertion_document(assertion), max_age=60)


@require_GET
def assertion_image_view(request, uuid):
    assertion = _or_404(badge_assertion_get(uuid=uuid))
    if assertion.revoked:
        raise Http404
    return _png(badges.assertion_png(assertion))
