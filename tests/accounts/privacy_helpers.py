"""A person with something in every part of the export, and a stranger with the same, for the privacy
tests."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import EmailChange, OrganisationMembership
from accounts.services import api_token_create
from certificates.services import certificate_issue
from courses.models import CalendarFeed, Enrolment
from labs.models import WorkshopRequest
from tests.factories import (
    AttendanceFactory,
    CourseRunFactory,
    EnrolmentFactory,
    OrganisationFactory,
    UserFactory,
    moment,
)

PASSWORD = "geheim-1234"


def rich_person(*, name: str = "Hannelore Schmidt", email: str = "hannelore@example.org"):
    """A person with an account, an organisation, a pending address change, an API token, a calendar
    address, a seat in an upcoming run, a completed run with attendance and a certificate, and a workshop
    request sent with their address."""
    user = UserFactory(full_name=name, email=email, email_confirmed_at=timezone.now())
    organisation = OrganisationFactory()
    OrganisationMembership.objects.create(user=user, organisation=organisation)
    EmailChange.objects.create(user=user, old_email=email, new_email=f"neu.{email}")
    api_token_create(user=user, name="Website der Gemeinde")
    CalendarFeed.objects.create(user=user)
    upcoming = EnrolmentFactory(user=user, age_band="65-74", municipality="hameln")
    finished = CourseRunFactory(sessions=2, starts_in=-timedelta(days=30))
    completed = EnrolmentFactory(
        run=finished, user=user, status=Enrolment.Status.COMPLETED, completed_at=moment(), age_band="65-74"
    )
    for session in finished.sessions.all():
        AttendanceFactory(session=session, enrolment=completed)
    certificate = certificate_issue(enrolment=completed)
    WorkshopRequest.objects.create(
        company="Bäckerei Schmidt",
        contact_name=name,
        email=email,
        phone="05151 12345",
        topic="Kassensystem",
        staff_count=5,
        preferred_dates="Montags",
        consented_at=timezone.now(),
    )
    return {"user": user, "upcoming": upcoming, "completed": completed, "certificate": certificate}
