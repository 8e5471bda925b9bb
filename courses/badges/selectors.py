"""Badge classes and assertions, for the hosted documents and the participant's list."""

from django.db.models import (
    QuerySet,
)

from courses.models import BadgeAssertion, BadgeClass


def badge_assertions_for_user(*, user) -> QuerySet[BadgeAssertion]:
    return (
        BadgeAssertion.objects.filter(enrolment__user=user, revoked=False)
        .select_related("badge_class", "badge_class__course", "enrolment__run")
        .order_by("-issued_on")
    )


def badge_class_get(*, pk: int) -> BadgeClass | None:
    """A badge class with its course and the competences it aligns to."""
    return (
        BadgeClass.objects.select_related("course")
        .prefetch_related("course__competences")
        .filter(pk=pk)
        .first()
    )


def badge_assertion_get(*, uuid) -> BadgeAssertion | None:
    """An awarded badge with what its hosted documents show."""
    return (
        BadgeAssertion.objects.select_related("badge_class", "enrolment__run__course", "enrolment__run__lab")
        .filter(uuid=uuid)
        .first()
    )
