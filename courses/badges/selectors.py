"""Badge classes and assertions: the hosted documents, the public badge pages, the participant's list."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from courses.models import BadgeAssertion, BadgeClass, CoursePage
from labs.models import LabPage


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


def badge_assertion_for_page(*, uuid) -> BadgeAssertion | None:
    """An awarded badge with everything its public page shows (holder, course, lab, competences), in two
    queries."""
    return (
        BadgeAssertion.objects.select_related(
            "badge_class__course", "enrolment__user", "enrolment__run__course", "enrolment__run__lab"
        )
        .prefetch_related("badge_class__course__competences")
        .filter(uuid=uuid)
        .first()
    )


def badge_held_by(*, assertion: BadgeAssertion, user) -> bool:
    """Whether the person is the one the badge was awarded to."""
    return user.is_authenticated and assertion.enrolment.user_id == user.pk


def badge_classes_for_index() -> QuerySet[BadgeClass]:
    """Every badge class with its course, its competences and its lab's `lab_title` (the course page's
    parent), by name."""
    lab = LabPage.objects.filter(
        path=Substr(OuterRef("course__path"), 1, Length(OuterRef("course__path")) - CoursePage.steplen)
    )
    return (
        BadgeClass.objects.select_related("course")
        .prefetch_related("course__competences")
        .annotate(lab_title=Subquery(lab.values("title")[:1]))
        .order_by("name", "pk")
    )
