from datetime import timedelta

import pytest

from courses.models import Competence, Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, moment


@pytest.fixture
def finished_run(db):
    """A run of three two-hour sessions that took place in the last weeks, with two DigComp competences."""
    course = make_course(title="Sicher online bezahlen", level=2)
    course.competences.set(Competence.objects.filter(code__in=["2.1", "4.2"]))
    course.save()
    return CourseRunFactory(course=course, sessions=3, starts_in=-timedelta(days=30))


@pytest.fixture
def completed_enrolment(finished_run):
    user = UserFactory(full_name="Hannelore Schmidt", email="hannelore@example.org")
    return EnrolmentFactory(
        run=finished_run, user=user, status=Enrolment.Status.COMPLETED, completed_at=moment()
    )


@pytest.fixture
def certificate(completed_enrolment):
    from certificates.services import certificate_issue

    return certificate_issue(enrolment=completed_enrolment)
