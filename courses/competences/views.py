"""The person's Kompetenzpass as a page and as a PDF to keep or show."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.pdf import render_pdf

from .selectors import competence_passport

PDF_FILENAME = "Kompetenzpass.pdf"


@login_required
@require_GET
@never_cache
def passport_view(request):
    passport = competence_passport(user=request.user)
    return render(request, "courses/competences/passport.html", {"passport": passport})


@login_required
@require_GET
@never_cache
def passport_pdf_view(request):
    """A4, rendered in the request: a few pages of text at most."""
    context = {
        "passport": competence_passport(user=request.user, with_next_steps=False),
        "person": request.user,
        "printed_at": timezone.now(),
    }
    html = render_to_string("courses/competences/passport_pdf.html", context)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{PDF_FILENAME}"'
    response["X-Robots-Tag"] = "noindex"
    return response
