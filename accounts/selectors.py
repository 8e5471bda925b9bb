"""Read queries of the accounts app."""

from django.db.models import QuerySet

from .models import Organisation, OrganisationMembership, User


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
