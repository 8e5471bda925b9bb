"""What the accounts app itself holds about a person, as sections of the export and steps of the erasure."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import ApiToken, EmailChange, OrganisationMembership
from ..services import api_tokens_revoke_all
from .registry import register_section
from .serialise import iso


def export_account(user) -> dict:
    return {
        "id": user.pk,
        "full_name": user.full_name,
        "email": user.email,
        "language": user.language,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "email_confirmed_at": iso(user.email_confirmed_at),
        "is_active": user.is_active,
    }


def export_organisations(user) -> list[dict]:
    memberships = OrganisationMembership.objects.filter(user=user).select_related("organisation")
    return [
        {
            "organisation": membership.organisation.name,
            "kind": membership.organisation.get_kind_display(),
            "municipality": membership.organisation.municipality,
            "role": membership.get_role_display(),
        }
        for membership in memberships.order_by("organisation__name", "pk")
    ]


def export_email_changes(user) -> list[dict]:
    return [
        {
            "old_email": change.old_email,
            "new_email": change.new_email,
            "requested_at": iso(change.requested_at),
            "confirmed_at": iso(change.confirmed_at),
        }
        for change in EmailChange.objects.filter(user=user).order_by("requested_at", "pk")
    ]


def export_api_tokens(user) -> list[dict]:
    # Names and dates only: the digest stays here, the token itself was never kept.
    return [
        {
            "name": token.name,
            "created": iso(token.created),
            "expiry": iso(token.expiry),
            "last_used_at": iso(token.last_used_at),
        }
        for token in ApiToken.objects.filter(user=user).order_by("created", "pk")
    ]


def erase_account_records(user, options) -> None:
    """Tokens revoked, sessions ended, address changes and memberships removed."""
    api_tokens_revoke_all(user=user)
    sessions_end(user=user)
    EmailChange.objects.filter(user=user).delete()
    OrganisationMembership.objects.filter(user=user).delete()


def sessions_end(*, user) -> int:
    """Delete the person's browser sessions that are still valid. Each names its person only inside its
    signed data, so every valid session is read once; erasures are rare."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


register_section("account", _("Ihr Konto"), export=export_account, order=0)
register_section("organisations", _("Ihre Organisationen"), export=export_organisations, order=10)
register_section("email_changes", _("Änderungen Ihrer E-Mail-Adresse"), export=export_email_changes, order=20)
register_section(
    "api_tokens",
    _("Zugänge für andere Programme (API)"),
    export=export_api_tokens,
    erase=erase_account_records,
    order=30,
)
