from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.exceptions import DomainError

from .models import Certificate, CertificateFile
from .services import certificate_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund des Widerrufs"),
        max_length=200,
        help_text=_("Wird auf der öffentlichen Prüfseite angezeigt."),
    )


@admin.action(description=_("Ausgewählte Zertifikate widerrufen"))
def revoke_certificates(modeladmin, request, queryset):
    form = RevokeForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        revoked = 0
        for certificate in queryset:
            try:
                certificate_revoke(
                    certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                modeladmin.message_user(request, f"{certificate.display_code}: {exc.message}", messages.ERROR)
            else:
                revoked += 1
        if revoked:
            modeladmin.message_user(
                request,
                ngettext("%(n)d Zertifikat widerrufen.", "%(n)d Zertifikate widerrufen.", revoked)
                % {"n": revoked},
                messages.SUCCESS,
            )
        return None
    return TemplateResponse(
        request,
        "certificates/admin/revoke.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Zertifikate widerrufen"),
            "opts": modeladmin.model._meta,
            "certificates": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


class CertificateFileInline(admin.TabularInline):
    """The rendered PDFs with their SHA-256, as the verification page shows them; never edited."""

    model = CertificateFile
    fields = ["language", "sha256", "size", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["display_code", "participant_name", "course_title", "lab_name", "issued_at", "status"]
    list_filter = ["status", "lab_name"]
    search_fields = ["code", "participant_name", "course_title"]
    date_hierarchy = "issued_at"
    actions = [revoke_certificates]
    inlines = [CertificateFileInline]
    list_select_related = ["replaced_by"]
    readonly_fields = [
        "code",
        "enrolment",
        "participant_name",
        "course_title",
        "lab_name",
        "competences",
        "first_session",
        "last_session",
        "hours",
        "level",
        "language",
        "issued_at",
        "status",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "replaced_by",
        "notified_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("Prüfcode"), ordering="code")
    def display_code(self, obj):
        return obj.display_code

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
