"""Read queries of the labs app."""

from django.db.models import QuerySet
from wagtail.models import Page

from .models import LabPage, LabRole


def labs_published(*, under: Page | None = None) -> QuerySet[LabPage]:
    """The published labs (below `under`, if given) with their municipality, by name."""
    labs = LabPage.objects.live().public().select_related("municipality")
    if under is not None:
        labs = labs.child_of(under)
    return labs.order_by("title")


def lab_ids_managed_by(*, user) -> QuerySet:
    """The ids of the labs a person manages, as a subquery."""
    return LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER).values("lab_id")


def labs_managed_by(*, user) -> QuerySet[LabPage]:
    """The labs whose runs, rooms and roles a person manages in the admin: all for superusers."""
    labs = LabPage.objects.all()
    if not user.is_superuser:
        labs = labs.filter(pk__in=lab_ids_managed_by(user=user))
    return labs.order_by("title")


def user_is_lab_manager(*, user, lab_id: int) -> bool:
    if user.is_superuser:
        return True
    return LabRole.objects.filter(user=user, lab_id=lab_id, role=LabRole.Role.MANAGER).exists()
