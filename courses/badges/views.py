"""Open Badges 2.0 hosted documents and images (public, read-only, JSON-LD), and the badge pages for people:
what badges are, and one page per awarded badge that its holder can share."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from courses.badges.selectors import (
    badge_assertion_for_page,
    badge_assertion_get,
    badge_class_get,
    badge_classes_for_index,
    badge_held_by,
)
from courses.badges.services import badge_name_visibility_set
from courses.exceptions import NotAllowed

from . import documents as badges

JSON_LD = "application/ld+json"
INDEX_PAGE_SIZE = 24
# ASCII for download file names: "Übersicht für Ältere" -> "uebersicht-fuer-aeltere".
GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


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


def _download_name(badge_name: str) -> str:
    slug = slugify(badge_name.translate(GERMAN_LETTERS))[:80].strip("-")
    return f"badge-{slug}.png" if slug else "badge.png"


@require_GET
def issuer_view(request):
    return _json(badges.issuer_document(), max_age=3600)


@require_GET
def badge_class_view(request, pk):
    return _json(badges.badge_class_document(_or_404(badge_class_get(pk=pk))))


@require_GET
def badge_class_image_view(request, pk):
    return _png(badges.badge_class_png(_or_404(badge_class_get(pk=pk))))


def _assertion_json(assertion) -> HttpResponse:
    if assertion.revoked:
        # Open Badges 2.0: a revoked hosted assertion answers 410 Gone with revoked and the reason.
        return _json(badges.revoked_assertion_document(assertion), status=410, max_age=60)
    return _json(badges.assertion_document(assertion), max_age=60)


@require_GET
def assertion_view(request, uuid):
    return _assertion_json(_or_404(badge_assertion_get(uuid=uuid)))


@require_GET
def assertion_image_view(request, uuid):
    """The baked badge; `?download=1` saves it as a file, to import into a badge collection (backpack)."""
    assertion = _or_404(badge_assertion_get(uuid=uuid))
    if assertion.revoked:
        raise Http404
    response = _png(badges.assertion_png(assertion))
    if request.GET.get("download"):
        filename = _download_name(assertion.badge_class.name)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def index_view(request):
    """What badges are, how to show and verify them, and every badge the labs award."""
    paginator = Paginator(badge_classes_for_index(), INDEX_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(request, "courses/badges/index.html", {"page_obj": page_obj, "badge_classes": page_obj})


@require_GET
def assertion_page_view(request, uuid):
    """One awarded badge for people; a client that asks for JSON(-LD) gets the hosted assertion instead."""
    wanted = request.get_preferred_type(["text/html", JSON_LD, "application/json"])
    if wanted in (JSON_LD, "application/json"):
        response = _assertion_json(_or_404(badge_assertion_get(uuid=uuid)))
    else:
        response = _assertion_page(request, _or_404(badge_assertion_for_page(uuid=uuid)))
        add_never_cache_headers(response)
    patch_vary_headers(response, ["Accept"])
    return response


def _assertion_page(request, assertion) -> HttpResponse:
    badge_class = assertion.badge_class
    course = badge_class.course
    holder = assertion.enrolment.user
    if assertion.revoked:
        image_url = reverse("badges:badge_class_image", args=[badge_class.pk])
    else:
        image_url = reverse("badges:assertion_image", args=[assertion.uuid])
    context = {
        "assertion": assertion,
        "badge_class": badge_class,
        "course": course,
        "course_url": course.url if course.live else "",
        "lab": assertion.enrolment.run.lab,
        "competences": list(course.competences.all()),
        "holder_name": holder.full_name if assertion.show_name and holder is not None else "",
        "is_holder": badge_held_by(assertion=assertion, user=request.user),
        "issuer_name": settings.WAGTAIL_SITE_NAME,
        "page_url": badges.absolute(reverse("badges:assertion_page", args=[assertion.uuid])),
        "json_url": reverse("badges:assertion", args=[assertion.uuid]),
        "image_url": image_url,
        "og_image_url": badges.absolute(image_url),
    }
    return render(request, "courses/badges/assertion.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assertion_name_view(request, uuid):
    """The holder shows or hides their name on the badge's page. GET (after logging in) leads to the page."""
    page = reverse("badges:assertion_page", args=[uuid])
    assertion = _or_404(badge_assertion_for_page(uuid=uuid))
    if request.method == "GET":
        return redirect(page)
    if not badge_held_by(assertion=assertion, user=request.user):
        raise Http404
    show = request.POST.get("show")
    if show not in ("0", "1"):
        messages.error(request, _("Bitte wählen Sie, ob Ihr Name auf der Seite stehen soll."))
        return redirect(page)
    try:
        badge_name_visibility_set(assertion=assertion, by=request.user, show=show == "1")
    except NotAllowed as exc:
        raise Http404 from exc
    if show == "1":
        messages.success(request, _("Ihr Name steht jetzt auf der Seite dieses Badges."))
    else:
        messages.success(request, _("Ihr Name steht nicht mehr auf der Seite dieses Badges."))
    return redirect(page)
