"""Public verification of certificates and the PDF download in the holder's chosen language."""

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.authentication import request_person
from accounts.exceptions import NotFound

from .codes import normalise_code
from .models import LANGUAGES, Certificate
from .selectors import badge_for_certificate, certificate_by_code, certificate_competences
from .services import certificate_pdf_file, user_can_download_certificate


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Prüfcode"),
        max_length=40,
        help_text=_(
            "Er steht unten rechts auf dem Zertifikat, zum Beispiel K7QM-3XRT-9HVD. "
            "Groß- und Kleinschreibung und Bindestriche spielen keine Rolle."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("Ein Prüfcode hat 12 Buchstaben und Ziffern. Bitte prüfen Sie Ihre Eingabe."),
                code="invalid",
            )
        return code


def asked_language(request, certificate: Certificate) -> str:
    """The language asked for with `?lang=`; the certificate's own when none or an unknown one is asked."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(LANGUAGES) else certificate.language


def not_found_response(request, code: str):
    context = {"form": VerifyForm(), "not_found": True, "typed_code": code[:40]}
    return render(request, "certificates/verify_form.html", context, status=404)


@require_GET
def verify_form_view(request):
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


@never_cache
@require_GET
def verify_view(request, code):
    certificate = certificate_by_code(code=code)
    if certificate is None:
        return not_found_response(request, code)
    context = {
        "certificate": certificate,
        "competences": certificate_competences(certificate=certificate, language=get_language()),
        "files": certificate.files.all(),
        "badge": badge_for_certificate(certificate=certificate) if certificate.is_valid else None,
        # Only the holder and the lab's staff may download; nobody is offered a revoked certificate.
        "download_languages": LANGUAGES
        if certificate.is_valid and user_can_download_certificate(certificate=certificate, user=request.user)
        else [],
    }
    return render(request, "certificates/verify.html", context)


@never_cache
@require_GET
def certificate_pdf_view(request, code):
    certificate = certificate_by_code(code=code)
    if certificate is None:
        raise Http404
    language = asked_language(request, certificate)
    try:
        file = certificate_pdf_file(certificate=certificate, user=request_person(request), language=language)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(
        file,
        content_type="application/pdf",
        filename=f"Zertifikat-{certificate.display_code}-{language}.pdf",
    )
    response["X-Robots-Tag"] = "noindex"
    return response
