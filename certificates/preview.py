"""The CMS's preview of a certificate template: the real certificate template (HTML) and the real PDF,
filled with a sample certificate that is never saved.

The sample is issued today for "Erika Mustermann", with three competences; its course and lab are the first
the template is chosen for, so editors see their own titles. Its code, MUST-ERMU-STER, exists nowhere.
"""

from datetime import timedelta
from decimal import Decimal

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from courses.models import Competence, Level

from .models import Certificate, CertificateTemplate
from .pdf import certificate_context, language_of, render_certificate_pdf

SAMPLE_NAME = "Erika Mustermann"
SAMPLE_COURSE = "Sicher im Internet: Passwörter, E-Mails und Online-Banking"
SAMPLE_LAB = "Regionallabor Hameln"
SAMPLE_CODE = "MUSTERMUSTER"  # printed as MUST-ERMU-STER; only letters of the code alphabet
SAMPLE_COMPETENCES = ("1.1", "2.1", "4.2")


def sample_certificate(*, template: CertificateTemplate) -> Certificate:
    """A certificate as the template would issue it today, not saved."""
    today = timezone.localdate()
    course = next(iter(template.courses.all()), None)
    lab = next(iter(template.labs.all()), None)
    if lab is None and course is not None:
        lab = course.get_parent()
    return Certificate(
        code=SAMPLE_CODE,
        participant_name=SAMPLE_NAME,
        course_title=course.title if course else SAMPLE_COURSE,
        lab_name=lab.title if lab else SAMPLE_LAB,
        competences=[
            {"code": c.code, "name": c.name, "name_en": c.name_en}
            for c in Competence.objects.filter(code__in=SAMPLE_COMPETENCES).order_by("code")
        ],
        first_session=today - timedelta(days=14),
        last_session=today,
        hours=Decimal("6.0"),
        level=(course.level if course else None) or Level.L2,
        design=template.design(),
        issued_at=timezone.now(),
    )


def preview_context(*, template: CertificateTemplate, language: str) -> dict:
    """What the certificate template gets in the preview: the certificate's own context, with the
    stylesheet linked (a browser reads the fonts from the static files) instead of inlined."""
    language = language_of(language)
    context = certificate_context(sample_certificate(template=template), language=language)
    context["stylesheet_url"] = reverse("certificate_template_stylesheet")
    return context


def preview_pdf_response(*, template: CertificateTemplate, language: str) -> HttpResponse:
    """The sample certificate as the PDF it will be, shown in the browser."""
    language = language_of(language)
    data = render_certificate_pdf(sample_certificate(template=template), language=language)
    response = HttpResponse(data, content_type="application/pdf")
    name = slugify(template.name) or "zertifikat"
    response["Content-Disposition"] = f'inline; filename="vorschau-{name}-{language}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
