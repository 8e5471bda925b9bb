"""The CMS (/cms/): the dashboard shows what the worker still owes people (mails and certificates); the
menu "Zertifikatsvorlagen" lets the labs design their certificates.

A certificate template is a snippet with drafts, revisions, locking and a preview (HTML and PDF, German and
English, with a sample certificate). Publishing it is refused while another published template already
covers the same course, lab or the default (`certificates.forms`). Its model permissions (add, change,
publish, view) open the menu: the CMS group "Redaktion" and the labs' manager groups hold them; what a
person may choose, change and take offline is limited to the labs whose pages they may edit.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from laces.components import Component
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, UnpublishView

from labs.selectors import lab_ids_managed_by
from outbox.selectors import outbox_owed_count

from .forms import CertificateTemplateForm
from .models import CertificateTemplate
from .selectors import certificates_owed_count, template_choices_out_of_reach


def owed_summary(*, mails: int, certificates: int) -> str:
    """The counts in a German sentence, e.g. "3 E-Mails und 1 Zertifikat stehen noch aus." """
    if mails and certificates:
        return _("%(mails)s und %(certificates)s stehen noch aus.") % {
            "mails": ngettext("%(count)s E-Mail", "%(count)s E-Mails", mails) % {"count": mails},
            "certificates": ngettext("%(count)s Zertifikat", "%(count)s Zertifikate", certificates)
            % {"count": certificates},
        }
    if mails:
        return ngettext("%(count)s E-Mail steht noch aus.", "%(count)s E-Mails stehen noch aus.", mails) % {
            "count": mails
        }
    if certificates:
        return ngettext(
            "%(count)s Zertifikat steht noch aus.", "%(count)s Zertifikate stehen noch aus.", certificates
        ) % {"count": certificates}
    return _("Alle E-Mails und Zertifikate sind verschickt.")


class OwedPanel(Component):
    name = "owed"
    order = 90
    template_name = "certificates/admin/owed_panel.html"

    def __init__(self, *, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        mails, certificates = outbox_owed_count(), certificates_owed_count()
        outbox_url = ""
        if self.user.is_superuser:
            outbox_url = reverse("admin:outbox_outboxitem_changelist") + "?stand=owed"
        return {
            "summary": owed_summary(mails=mails, certificates=certificates),
            "owed": bool(mails or certificates),
            "outbox_url": outbox_url,
        }


@hooks.register("construct_homepage_panels")
def add_owed_panel(request, panels):
    user = request.user
    if user.is_superuser or lab_ids_managed_by(user=user).exists():
        panels.append(OwedPanel(user=user))


# --- Certificate templates --------------------------------------------------------------------------------

NAMES_SHOWN = 3


def _names(pages) -> str:
    titles = [page.title for page in pages]
    if len(titles) <= NAMES_SHOWN:
        return ", ".join(titles)
    more = len(titles) - NAMES_SHOWN
    return ngettext("%(names)s und %(count)s weiterer", "%(names)s und %(count)s weitere", more) % {
        "names": ", ".join(titles[:NAMES_SHOWN]),
        "count": more,
    }


def applies_to(template: CertificateTemplate) -> str:
    """What the template is chosen for, in a line: "Standardvorlage · Labore: Hameln · Kurse: …"."""
    parts = []
    if template.is_default:
        parts.append(_("Standardvorlage"))
    labs = list(template.labs.all())
    if labs:
        parts.append(_("Labore: %(names)s") % {"names": _names(labs)})
    courses = list(template.courses.all())
    if courses:
        parts.append(_("Kurse: %(names)s") % {"names": _names(courses)})
    return " · ".join(parts) or _("Noch für nichts gewählt")


def publication_status(template: CertificateTemplate) -> str:
    """Wagtail's "live" / "live + draft" / "draft". Templates are published right away, never scheduled:
    saying so here saves the look-up of a scheduled revision for every row."""
    template.__dict__.setdefault("scheduled_revision", None)
    return template.status_string


class CertificateTemplateUnpublishView(UnpublishView):
    """Taking a template offline is changing what its courses' certificates look like: it takes the same
    reach as choosing them (a lab's managers cannot take the default or another lab's template offline)."""

    def dispatch(self, request, *args, **kwargs):
        template = self.object
        if template_choices_out_of_reach(
            user=request.user,
            is_default=template.is_default,
            course_ids=template.courses.values_list("pk", flat=True),
            lab_ids=template.labs.values_list("pk", flat=True),
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Zertifikatsvorlagen")
    menu_order = 860
    add_to_admin_menu = True
    list_display = [
        "name",
        Column("applies_to", label=gettext_lazy("Gilt für"), accessor=applies_to),
        LiveStatusTagColumn(accessor=publication_status),
        UpdatedAtColumn(),
    ]
    edit_handler = ObjectList(CertificateTemplate.panels, base_form_class=CertificateTemplateForm)
    unpublish_view_class = CertificateTemplateUnpublishView

    def get_queryset(self, request):
        # The "Gilt für" column reads both lists of every row: two queries for the whole page.
        return CertificateTemplate.objects.prefetch_related("labs", "courses")


register_snippet(CertificateTemplateViewSet)


def preview_stylesheet(request):
    """The certificate's stylesheet for the HTML preview, its fonts read from the static files (the PDF
    inlines the same stylesheet and reads the fonts from disk)."""
    css = render_to_string("certificates/pdf/certificate.css", {"fonts_url": static("fonts/")})
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@hooks.register("register_admin_urls")
def register_preview_stylesheet():
    return [
        path(
            "zertifikatsvorlagen/vorschau.css",
            preview_stylesheet,
            name="certificate_template_stylesheet",
        )
    ]


class IssuedCertificatesMenuItem(MenuItem):
    """Lab managers (and superusers) find their labs' issued certificates, to revoke or re-issue them."""

    def is_shown(self, request):
        user = request.user
        return user.is_superuser or lab_ids_managed_by(user=user).exists()


@hooks.register("register_admin_menu_item")
def register_issued_certificates_menu_item():
    return IssuedCertificatesMenuItem(
        gettext_lazy("Ausgestellte Zertifikate"),
        reverse("certificates:staff_list"),
        icon_name="doc-full-inverse",
        order=410,
    )
