"""Read queries of the accounts app."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.settings import knox_settings

from .models import ApiToken, EmailChange, Organisation, OrganisationMembership, User
from .tokens import MAX_AGE


def email_is_registered(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def organisation_contact(*, user, organisation_id: int) -> bool:
    """Whether the person may book and manage seats for the organisation."""
    if not user.is_authenticated:
        return False
    return OrganisationMembership.objects.filter(
        user=user, organisation_id=organisation_id, role=OrganisationMembership.Role.CONTACT
    ).exists()


def organisations_of_contact(*, user) -> QuerySet[Organisation]:
    """The organisations the person is a contact of, by name."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=OrganisationMembership.Role.CONTACT
    ).order_by("name", "pk")


def email_change_pending(*, user) -> EmailChange | None:
    """The change of address the person asked for last, while its link still works: not yet made, not
    expired, and asked for from the address the person has now. An older request gives way to a newer one."""
    if not user.is_authenticated:
        return None
    newest = EmailChange.objects.filter(user=user).order_by("-pk").first()
    if (
        newest is None
        or newest.confirmed_at is not None
        or newest.requested_at <= timezone.now() - MAX_AGE
        or newest.old_email.lower() != user.email.lower()
    ):
        return None
    return newest


def api_tokens_for_user(*, user) -> QuerySet[ApiToken]:
    """The person's API tokens that still work, newest first."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    now = timezone.now()
    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=now), user=user).order_by(
        "-created", "-pk"
    )


def api_token_rules() -> dict:
    """How long a new token works (`token_days`, None if for ever) and how many a person may hold at once
    (`token_limit`, None if any number)."""
    ttl = knox_settings.TOKEN_TTL
    return {"token_days": ttl.days if ttl else None, "token_limit": knox_settings.TOKEN_LIMIT_PER_USER}
