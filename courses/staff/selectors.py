"""What lab managers pick from and list in the admin."""

from django.db.models import (
    Q,
    QuerySet,
)

from courses.models import CoursePage, CourseRun
from courses.selectors import with_seat_counts
from labs.models import LabRole
from labs.selectors import lab_ids_managed_by, labs_managed_by


def runs_managed_by(*, user) -> QuerySet[CourseRun]:
    """The runs a person may schedule and change in the admin, with course, lab and seat counts:
    every run for superusers, else the runs of the labs they manage."""
    runs = with_seat_counts(CourseRun.objects.all()).select_related("course", "lab", "room")
    if user.is_superuser:
        return runs
    return runs.filter(lab_id__in=lab_ids_managed_by(user=user))


def courses_managed_by(*, user) -> QuerySet[CoursePage]:
    """The course offers a person may schedule runs of: those under the labs they manage."""
    courses = CoursePage.objects.order_by("title")
    if user.is_superuser:
        return courses
    in_labs = Q(pk__in=[])
    for lab in labs_managed_by(user=user).only("path", "depth"):
        in_labs |= Q(path__startswith=lab.path, depth=lab.depth + 1)
    return courses.filter(in_labs)


def trainer_candidates(*, user, keep=()) -> QuerySet:
    """The people who can be named trainers of a run: everyone with a role at a lab the person manages
    (any lab for superusers), plus `keep` (the run's current trainers)."""
    from accounts.models import User

    roles = LabRole.objects.all()
    if not user.is_superuser:
        roles = roles.filter(lab_id__in=lab_ids_managed_by(user=user))
    keep_ids = [person.pk for person in keep]
    return User.objects.filter(Q(pk__in=roles.values("user_id")) | Q(pk__in=keep_ids)).order_by(
        "full_name", "email"
    )
