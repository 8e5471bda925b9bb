from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from wagtail.models import GroupPagePermission, Page, Site

from accounts.models import Organisation, User
from cms.models import CatalogPage, HomePage, LabIndexPage, NewsPage, SiteSettings, StandardPage
from courses.models import Audience, CoursePage, CourseRun, Enrolment
from courses.selectors import run_list, user_can_teach
from courses.services import run_close
from labs.models import LabPage, LabRole, Municipality

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db):
    return seed()


def test_second_run_changes_no_row_of_any_model(seeded):
    before = row_counts()
    seed()
    assert row_counts() == before


def test_home_page_is_the_default_sites_root_for_any_host(seeded):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    request = RequestFactory().get("/", HTTP_HOST="kurse.example.org")
    assert Site.find_for_request(request) == site


def test_page_urls_use_the_public_address(settings):
    settings.SITE_URL = "https://kurse.example.org"
    call_command("seed_demo", participants=0, stdout=StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("kurse.example.org", 443)
    assert CatalogPage.objects.get(slug="kurse").full_url == "https://kurse.example.org/kurse/"


def test_wagtails_welcome_page_is_gone(seeded):
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_site_pages_are_published_with_a_revision(seeded):
    home = HomePage.objects.get()
    assert LabIndexPage.objects.child_of(home).get().slug == "labore"
    catalogues = {page.slug: page for page in CatalogPage.objects.child_of(home)}
    assert catalogues["kurse"].audience == ""
    assert catalogues["innovationsworkshops"].audience == Audience.BUSINESSES
    assert NewsPage.objects.live().count() == 2
    for page in Page.objects.filter(depth__gt=1).specific():
        assert page.live and page.latest_revision_id, page


def test_legal_pages_are_set_in_site_settings(seeded):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    titles = {settings.imprint_page.title, settings.privacy_page.title, settings.accessibility_page.title}
    assert titles == {"Impressum", "Datenschutz", "Erklärung zur Barrierefreiheit"}
    assert StandardPage.objects.filter(pk=settings.imprint_page.pk).exists()


def test_every_municipality_has_a_lab_with_a_room(seeded):
    assert Municipality.objects.count() == 8
    for municipality in Municipality.objects.all():
        lab = LabPage.objects.get(municipality=municipality)
        assert lab.street and lab.postcode and lab.opening_hours and lab.accessibility
        assert lab.rooms.exists()


def test_courses_sit_under_their_labs_with_competences(seeded):
    courses = CoursePage.objects.live()
    assert courses.count() == 12
    for course in courses:
        assert isinstance(course.get_parent().specific, LabPage)
        assert course.competences.exists()
        assert course.attendance_rule_percent == 80
    assert courses.filter(audience=Audience.BUSINESSES).count() >= 2


def test_runs_cover_full_nearly_full_outside_venue_and_past(seeded):
    runs = list(run_list(include_past=True))
    assert any(run.seats_left == 0 and run.waitlist_length > 0 for run in runs)
    assert any(run.seats_left == 1 for run in runs)
    assert any(run.venue_name.startswith("Dorfgemeinschaftshaus") and run.venue_address for run in runs)
    assert all(8 <= run.capacity <= 16 for run in runs)
    assert all(1 <= len(run.sessions.all()) <= 4 for run in runs)


def test_trainer_can_close_the_past_run(seeded):
    trainer = User.objects.get(email="trainer@example.org")
    past = [run for run in run_list(include_past=True) if run.last_start < run.created_at]
    assert len(past) == 1
    run = CourseRun.objects.get(pk=past[0].pk)
    assert user_can_teach(user=trainer, run=run)
    result = run_close(run=run, by=trainer)
    assert result.completed and result.not_completed


def test_demo_accounts_log_in_with_the_given_password(db):
    seed("--password", "probe-1234", "--participants", "2")
    for email in [
        "admin@example.org",
        "manager@example.org",
        "trainer@example.org",
        "participant2@example.org",
    ]:
        login = RequestFactory().post("/")
        assert authenticate(login, username=email, password="probe-1234") is not None, email
    assert not User.objects.filter(email="participant3@example.org").exists()


def test_more_participants_are_added_on_a_later_run(db):
    seed("--participants", "2")
    seed("--participants", "4")
    assert User.objects.filter(email__startswith="participant", email__endswith="@example.org").count() == 5


def test_roles_and_groups(seeded):
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_superuser and admin.is_staff
    manager = User.objects.get(email="manager@example.org")
    assert manager.is_staff
    assert LabRole.objects.filter(user=manager, role=LabRole.Role.MANAGER).count() == 2
    assert manager.has_perm("wagtailadmin.access_admin")
    assert manager.has_perm("courses.add_courserun") and manager.has_perm("labs.change_room")
    assert manager.has_perm("labs.view_labrole")
    managed = GroupPagePermission.objects.filter(group__name="Laborleitung").values_list("page", flat=True)
    assert set(managed) == set(
        LabRole.objects.filter(user=manager, role=LabRole.Role.MANAGER).values_list("lab", flat=True)
    )
    editor = User.objects.get(email="editor@example.org")
    assert editor.has_perm("wagtailadmin.access_admin")
    assert (
        GroupPagePermission.objects.filter(group__name="Redaktion", page=HomePage.objects.get()).count() == 3
    )
    trainer = User.objects.get(email="trainer@example.org")
    assert LabRole.objects.filter(user=trainer, role=LabRole.Role.TRAINER).exists()
    assert trainer.teaching_runs.count() >= 3


def test_participant_and_organisations(seeded):
    participant = User.objects.get(email="participant@example.org")
    statuses = set(participant.enrolments.values_list("status", flat=True))
    assert {Enrolment.Status.CONFIRMED, Enrolment.Status.WAITLISTED} <= statuses
    kinds = {
        membership.organisation.kind
        for membership in User.objects.get(email="verein@example.org").organisation_memberships.all()
    }
    assert kinds == {Organisation.Kind.ASSOCIATION}
    business = User.objects.get(email="firma@example.org").organisation_memberships.get()
    assert business.organisation.kind == Organisation.Kind.BUSINESS and business.role == "contact"


def test_prints_the_demo_logins_in_german(seeded):
    for email in ["admin@example.org", "manager@example.org", "editor@example.org", "trainer@example.org"]:
        assert email in seeded
    assert "Passwort für alle: demo" in seeded


def test_negative_participant_count_is_refused(db):
    with pytest.raises(CommandError):
        seed("--participants", "-1")
    assert not CoursePage.objects.exists()


@pytest.mark.parametrize("participants", ["0", "12"])
def test_nobody_waits_while_a_seat_is_free(db, participants):
    seed("--participants", participants)
    for run in run_list(include_past=True):
        assert run.waitlist_length == 0 or run.seats_left == 0, run
