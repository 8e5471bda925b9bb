"""The staff's way to erase accounts in the Django admin: the same service the person uses, after a page
that asks again."""

from django.contrib import messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..exceptions import DomainError
from .services import person_erase


def erase_accounts_action(model_admin, request, queryset):
    people = list(queryset.order_by("pk"))
    if request.POST.get("confirmed") != "yes":
        context = {
            **model_admin.admin_site.each_context(request),
            "title": _("Konten löschen (DSGVO)"),
            "people": people,
            "opts": model_admin.model._meta,
            "revoke": request.POST.get("revoke_certificates") == "on",
        }
        return TemplateResponse(request, "accounts/privacy/admin_erase_confirm.html", context)
    revoke = request.POST.get("revoke_certificates") == "on"
    erased = already = 0
    for person in people:
        try:
            result = person_erase(user=person, by=request.user, revoke_certificates=revoke)
        except DomainError as exc:
            model_admin.message_user(request, exc.message, messages.ERROR)
            return None
        if result.already_erased:
            already += 1
        else:
            erased += 1
    if erased:
        model_admin.message_user(
            request,
            ngettext("%(n)d Konto ist gelöscht.", "%(n)d Konten sind gelöscht.", erased) % {"n": erased},
            messages.SUCCESS,
        )
    if already:
        model_admin.message_user(
            request,
            ngettext(
                "%(n)d Konto war schon gelöscht; daran hat sich nichts geändert.",
                "%(n)d Konten waren schon gelöscht; daran hat sich nichts geändert.",
                already,
            )
            % {"n": already},
            messages.INFO,
        )
    return None
