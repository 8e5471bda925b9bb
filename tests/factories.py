"""Factories for tests and benchmarks. Pages are created in a real Wagtail tree under a HomePage."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site

from accounts.models import User
from cms.models import HomePage, LabIndexPage
from courses.models import Attendance, CoursePage, CourseRun, Enrolment, Session
from labs.models import LabPage, LabRole, Municipality, Room
from labs.services import lab_role_grant


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
    """A run with `sessions` sessions (default 2), the first `starts_in` from now (default 7 days)."""

    class Meta:
        model = CourseRun
        skip_postgeneration_save = True

    course = factory.LazyFunction(make_course)
    capacity = 10

    @factory.post_generation
    def with_sessions(obj, create, extracted, **kwargs):
        if not create:
            return
        first = timezone.now().replace(microsecond=0) + obj._starts_in
        for i in range(obj._sessions):
            start = first + timedelta(days=7 * i)
            Session.objects.create(run=obj, start=start, end=start + timedelta(hours=2))

    @factory.post_generation
    def trainers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.trainers.set(extracted)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        sessions = kwargs.pop("sessions", 2)
        starts_in = kwargs.pop("starts_in", timedelta(days=7))
        obj = super()._create(model_class, *args, **kwargs)
        obj._sessions, obj._starts_in = sessions, starts_in
        return obj


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    run = factory.SubFactory(CourseRunFactory, sessions=0)
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    run = factory.SubFactory(CourseRunFactory)
    user = factory.SubFactory(UserFactory)
    status = Enrolment.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


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
