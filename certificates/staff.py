"""The lab managers' certificate pages (/team/zertifikate/): find a certificate, see everything about it,
revoke it or issue a corrected one, each through one service.

Managers see the certificates of their labs, superusers all. Anyone else, trainers included, gets "not
found", whatever code is put into the address.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.exceptions import DomainError

from .exceptions import ParticipantNameInvalid, RevocationReasonMissing
from .forms_staff import CertificateReissueForm, CertificateRevokeForm, CertificateSearchForm
from .models import LANGUAGES, Certificate
from .selectors import (
    badge_for_certificate,
    certificate_competences,
    certificate_history,
    certificate_managed_by,
    certificates_managed_by,
    user_manages_certificates,
)
from .services import certificate_reissue, certificate_revoke

PAGE_SIZE = 25


def _certificate_or_404(request, code: str) -> Certificate:
    certificate = certificate_managed_by(user=request.user, code=code)
    if certificate is None:
        raise Http404
    return certificate


def _back(certificate: Certificate):
    return redirect("certificates:staff_detail", code=certificate.code)


@login_required
@never_cache
@require_GET
def list_view(request):
    """The labs' certificates, newest first, found by code or name."""
    if not user_manages_certificates(user=request.user):
        raise Http404
    form = CertificateSearchForm(request.GET)
    query = form.query()
    page = Paginator(certificates_managed_by(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "certificates/staff/list.html", {"form": form, "query": query, "page_obj": page})


@login_required
@never_cache
@require_GET
def detail_view(request, code: str):
    certificate = _certificate_or_404(request, code)
    context = {
        "certificate": certificate,
        "enrolment": certificate.enrolment,
        "run": certificate.enrolment.run,
        "competences": certificate_competences(certificate=certificate, language=get_language()),
        "files": certificate.files.all(),
        "history": certificate_history(certificate=certificate),
        "badge": badge_for_certificate(certificate=certificate) if certificate.is_valid else None,
        "languages": LANGUAGES,
    }
    return render(request, "certificates/staff/detail.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def revoke_view(request, code: str):
    """Revoke with a reason that the public verification page shows from then on."""
    certificate = _certificate_or_404(request, code)
    form = CertificateRevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(certificate=certificate, by=request.user, reason=form.cleaned_data["reason"])
        except RevocationReasonMissing as exc:
            form.add_error("reason", exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(certificate)
        else:
            messages.success(
                request,
                _("Zertifikat %(code)s ist widerrufen. Die Prüfseite zeigt das ab sofort.")
                % {"code": certificate.display_code},
            )
            return _back(certificate)
    return render(request, "certificates/staff/revoke.html", {"certificate": certificate, "form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reissue_view(request, code: str):
    """Replace the certificate by a corrected one with a new code; the holder gets it by e-mail."""
    certificate = _certificate_or_404(request, code)
    form = CertificateReissueForm(
        request.POST if request.method == "POST" else None,
        initial={"participant_name": certificate.participant_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = certificate_reissue(
                certificate=certificate,
                by=request.user,
                reason=form.cleaned_data["reason"],
                participant_name=form.cleaned_data["participant_name"],
            )
        except RevocationReasonMissing as exc:
            form.add_error("reason", exc.message)
        except ParticipantNameInvalid as exc:
            form.add_error("participant_name", exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(certificate)
        else:
            messages.success(request, _reissued_message(new))
            return _back(new)
    return render(request, "certificates/staff/reissue.html", {"certificate": certificate, "form": form})


def _reissued_message(certificate: Certificate) -> str:
    if certificate.enrolment.user_id is None:
        return _(
            "Neues Zertifikat %(code)s ausgestellt. Die Person hat keine E-Mail-Adresse: "
            "Bitte drucken Sie es aus und geben Sie es ihr."
        ) % {"code": certificate.display_code}
    return _("Neues Zertifikat %(code)s ausgestellt; die Person bekommt es per E-Mail.") % {
        "code": certificate.display_code
    }


urlpatterns = [
    path("", list_view, name="staff_list"),
    path("<str:code>/", detail_view, name="staff_detail"),
    path("<str:code>/widerrufen/", revoke_view, name="staff_revoke"),
    path("<str:code>/neu-ausstellen/", reissue_view, name="staff_reissue"),
]
