"""Factories for tests and benchmarks. Pages are created in a real Wagtail tree under a HomePage.

Times never depend on the time of day the tests run at: sessions meet from 18:00 to 20:00 Berlin time on a
day counted from today's local date (built with zoneinfo, so a change to summer time in between keeps 18:00),
and moments such as `confirmed_at` come from `moment()`.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site

from accounts.models import Organisation, OrganisationMembership, User
from cms.models import HomePage, LabIndexPage
from courses.models import Attendance, CoursePage, CourseRun, Enrolment, Session
from labs.models import LabPage, LabRole, Municipality, Room
from labs.services import lab_role_grant

BERLIN = ZoneInfo("Europe/Berlin")
SESSION_STARTS = time(18, 0)
SESSION_LENGTH = timedelta(hours=2)


def local_day(days: int = 0) -> date:
    """The date `days` after today's date in Berlin (before it, if negative)."""
    return timezone.localdate() + timedelta(days=days)


def at_local(day: date, at: time = SESSION_STARTS) -> datetime:
    """A wall-clock time in Berlin on `day`, with the offset that holds on that day."""
    return datetime.combine(day, at, tzinfo=BERLIN)


def session_start(days: int, at: time = SESSION_STARTS) -> datetime:
    """When a session starts that meets `days` after today (18:00 Berlin time unless `at` says otherwise)."""
    return at_local(local_day(days), at)


def moment(offset: timedelta = timedelta()) -> datetime:
    """Now in whole seconds, or `offset` from now: for `confirmed_at`, `waitlisted_at`, `issued_at`, ..."""
    return timezone.now().replace(microsecond=0) + offset


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "geheim-1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def home_page() -> HomePage:
    """The site's HomePage, created (and made the default site's root) on first use."""
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Regionallabore", slug="start"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home


def lab_index_page() -> LabIndexPage:
    index = LabIndexPage.objects.first()
    if index:
        return index
    return home_page().add_child(instance=LabIndexPage(title="Labore", slug="labore"))


def make_lab(title: str | None = None, municipality: str = "hameln", **fields) -> LabPage:
    title = title or f"Regionallabor {factory.Faker._get_faker().unique.city()}"
    lab = LabPage(
        title=title,
        slug=slugify(title),
        municipality=Municipality.objects.get(slug=municipality),
        street="Am Markt 1",
        postcode="31785",
        town="Hameln",
        **fields,
    )
    return lab_index_page().add_child(instance=lab)


def make_course(lab: LabPage | None = None, title: str | None = None, **fields) -> CoursePage:
    lab = lab or make_lab()
    title = title or f"Kurs {factory.Faker._get_faker().unique.word()}"
    course = CoursePage(
        title=title, slug=slugify(title), summary=f"{title} in einfachen Schritten.", **fields
    )
    return lab.add_child(instance=course)


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    lab = factory.LazyFunction(make_lab)
    name = factory.Sequence(lambda n: f"Raum {n}")
    capacity = 20


class CourseRunFactory(DjangoModelFactory):
    """A run with `sessions` weekly sessions (default 2) from 18:00 to 20:00 Berlin time.

    The first meets `starts_in` days after today's local date (a timedelta of whole days, default 7; negative
    for a run in the past), or exactly at `starts_at` when a test needs a start relative to now.
    """

    class Meta:
        model = CourseRun
        skip_postgeneration_save = True

    course = factory.LazyFunction(make_course)
    capacity = 10

    @factory.post_generation
    def with_sessions(obj, create, extracted, **kwargs):
        if not create:
            return
        for i in range(obj._sessions):
            if obj._starts_at is not None:
                start = obj._starts_at + timedelta(days=7 * i)
            else:
                start = at_local(obj._first_day + timedelta(days=7 * i))
            Session.objects.create(run=obj, start=start, end=start + SESSION_LENGTH)

    @factory.post_generation
    def trainers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.trainers.set(extracted)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        sessions = kwargs.pop("sessions", 2)
        starts_in = kwargs.pop("starts_in", timedelta(days=7))
        starts_at = kwargs.pop("starts_at", None)
        if starts_in % timedelta(days=1):
            raise ValueError(f"starts_in counts whole days, not {starts_in!r}; use starts_at for a moment.")
        obj = super()._create(model_class, *args, **kwargs)
        obj._sessions, obj._starts_at, obj._first_day = sessions, starts_at, local_day(starts_in.days)
        return obj


class SessionFactory(DjangoModelFactory):
    """A session three days from today, 18:00 to 20:00 Berlin time."""

    class Meta:
        model = Session

    run = factory.SubFactory(CourseRunFactory, sessions=0)
    start = factory.LazyFunction(lambda: session_start(3))
    end = factory.LazyAttribute(lambda o: o.start + SESSION_LENGTH)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    run = factory.SubFactory(CourseRunFactory)
    user = factory.SubFactory(UserFactory)
    status = Enrolment.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(moment)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    enrolment = factory.SubFactory(EnrolmentFactory)
    status = Attendance.Status.PRESENT


class LabRoleFactory(DjangoModelFactory):
    class Meta:
        model = LabRole

    lab = factory.LazyFunction(make_lab)
    user = factory.SubFactory(UserFactory)
    role = LabRole.Role.MANAGER


def make_manager(lab: LabPage) -> User:
    """A person who manages the lab, with the lab-manager group's admin permissions."""
    user = UserFactory()
    lab_role_grant(lab=lab, user=user, role=LabRole.Role.MANAGER)
    return user


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Heimatverein {n} e. V.")
    kind = Organisation.Kind.ASSOCIATION
    municipality = "Hameln"


def make_contact(organisation: Organisation | None = None, **user_fields) -> User:
    """A person who may book seats for the organisation (a new association unless given)."""
    organisation = organisation or OrganisationFactory()
    user = UserFactory(**user_fields)
    OrganisationMembership.objects.create(
        organisation=organisation, user=user, role=OrganisationMembership.Role.CONTACT
    )
    return user
