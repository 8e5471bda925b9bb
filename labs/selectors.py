"""Read queries of the labs app."""

from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from wagtail.models import Page

from .models import (
    WORKSHOP_REQUEST_KEEP_OPEN,
    WORKSHOP_REQUEST_RETENTION,
    LabPage,
    LabRole,
    WorkshopRequest,
)


def labs_published(*, under: Page | None = None, locale_id: int | None = None) -> QuerySet[LabPage]:
    """The published labs with their municipality, by name: below `under` if given, else those of the locale
    (a page listing them passes its own), else the German ones, which runs and roles point to."""
    labs = LabPage.objects.live().public().select_related("municipality")
    if under is not None:
        labs = labs.child_of(under)
    elif locale_id is not None:
        labs = labs.filter(locale_id=locale_id)
    else:
        labs = labs.filter(locale__language_code=settings.LANGUAGE_CODE)
    return labs.order_by("title")


def lab_ids_managed_by(*, user) -> QuerySet:
    """The ids of the labs a person manages, as a subquery."""
    return LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER).values("lab_id")


def labs_managed_by(*, user) -> QuerySet[LabPage]:
    """The labs whose runs, rooms and roles a person manages in the admin: all for superusers (the German
    pages, which runs and roles point to)."""
    labs = LabPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    if not user.is_superuser:
        labs = labs.filter(pk__in=lab_ids_managed_by(user=user))
    return labs.order_by("title")


def user_is_lab_manager(*, user, lab_id: int) -> bool:
    if user.is_superuser:
        return True
    return LabRole.objects.filter(user=user, lab_id=lab_id, role=LabRole.Role.MANAGER).exists()


# Workshop requests from businesses


def workshop_requests_for(*, user) -> QuerySet[WorkshopRequest]:
    """The workshop requests a person looks after in the admin, newest first, with their lab.

    Superusers see all. A lab's managers see their labs' requests and the open pool of requests that name no
    lab: those went to every lab by mail, and a manager takes one over by entering their lab.
    """
    requests = WorkshopRequest.objects.select_related("lab")
    if not user.is_superuser:
        requests = requests.filter(Q(lab__isnull=True) | Q(lab_id__in=lab_ids_managed_by(user=user)))
    return requests.order_by("-created_at", "-pk")


def user_handles_workshop_request(*, user, lab_id: int | None) -> bool:
    """Whether the person may change a request of this lab (None: the open pool, any lab's managers)."""
    if user.is_superuser:
        return True
    roles = LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER)
    if lab_id is not None:
        roles = roles.filter(lab_id=lab_id)
    return roles.exists()


def workshop_request_lab_recipients(*, lab: LabPage | None) -> tuple[list[LabPage], list]:
    """Who hears of a new request: the lab's contact address and its managers. With no lab named: every
    published lab's contact address, and where none of them has one, their managers.

    Returns the labs whose contact address gets it and the managers (users) who get it.
    """
    if lab is not None:
        labs = [lab] if lab.contact_email else []
        managers = _managers_of([lab.pk])
        return labs, managers
    published = list(labs_published())
    labs = [each for each in published if each.contact_email]
    managers = [] if labs else _managers_of([each.pk for each in published])
    return labs, managers


def _managers_of(lab_ids: list[int]) -> list:
    roles = LabRole.objects.filter(
        lab_id__in=lab_ids, role=LabRole.Role.MANAGER, user__is_active=True
    ).select_related("user")
    managers = {role.user_id: role.user for role in roles.order_by("user_id")}
    return list(managers.values())


def workshop_requests_due_for_deletion(*, now: datetime) -> QuerySet[WorkshopRequest]:
    """The requests the retention rule says to delete (see WORKSHOP_REQUEST_RETENTION in labs/models.py):
    closed ones a year after closing, open ones two years after their last change."""
    closed_long_ago = Q(status=WorkshopRequest.Status.DONE, closed_at__lte=now - WORKSHOP_REQUEST_RETENTION)
    forgotten = ~Q(status=WorkshopRequest.Status.DONE) & Q(updated_at__lte=now - WORKSHOP_REQUEST_KEEP_OPEN)
    return WorkshopRequest.objects.filter(closed_long_ago | forgotten)


def workshop_request_sent(*, workshop_request_id) -> WorkshopRequest | None:
    """A request with its lab, for the confirmation page of the browser that sent it."""
    if not isinstance(workshop_request_id, int):
        return None
    return WorkshopRequest.objects.select_related("lab").filter(pk=workshop_request_id).first()
