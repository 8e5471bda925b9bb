"""The admin's dashboard shows what the worker still owes people: mails and certificates."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from laces.components import Component
from wagtail import hooks

from labs.selectors import lab_ids_managed_by
from outbox.selectors import outbox_owed_count

from .selectors import certificates_owed_count


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
