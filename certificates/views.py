"""Public verification of certificates and the owner's PDF download."""

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .codes import normalise_code
from .selectors import badge_for_certificate, certificate_by_code
from .services import NotFound, certificate_pdf_file


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


def verify_form_view(request):
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


@never_cache
def verify_view(request, code):
    certificate = certificate_by_code(code=code)
    if certificate is None:
        context = {"form": VerifyForm(), "not_found": True, "typed_code": code[:40]}
        return render(request, "certificates/verify_form.html", context, status=404)
    badge = badge_for_certificate(certificate=certificate)
    return render(request, "certificates/verify.html", {"certificate": certificate, "badge": badge})


@never_cache
def certificate_pdf_view(request, code):
    certificate = certificate_by_code(code=code)
    if certificate is None:
        raise Http404
    try:
        file = certificate_pdf_file(certificate=certificate, user=request.user)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(
        file, content_type="application/pdf", filename=f"Zertifikat-{certificate.display_code}.pdf"
    )
    response["X-Robots-Tag"] = "noindex"
    return response
