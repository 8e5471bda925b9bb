import json
import shutil
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import GroupPagePermission, Locale, Page, Site

from accounts.models import Organisation, User
from cms.demo import DemoDataError, demo_data_load, demo_data_seed
from cms.demo.data import DATA_DIR
from cms.models import CatalogPage, HomePage, LabIndexPage, NewsPage, SiteSettings, StandardPage
from cms.services import EDITORS_GROUP
from courses.models import Audience, Competence, CoursePage, CourseRun, Enrolment, Session
from courses.selectors import run_list, user_can_teach
from courses.services import run_close
from labs.models import LabPage, LabRole, Municipality

pytestmark = pytest.mark.django_db


def german(model):
    return model.objects.filter(locale__language_code="de")


def english() -> Locale:
    return Locale.objects.get(language_code="en")


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


def _changes_rows(sql: str) -> bool:
    """INSERT, UPDATE or DELETE, except inserts that skip rows already there (many-to-many `add`)."""
    sql = sql.lstrip().upper()
    if "INSERT OR IGNORE" in sql or "ON CONFLICT DO NOTHING" in sql:
        return False
    return sql.startswith(("INSERT", "UPDATE", "DELETE"))


def test_second_run_writes_nothing(seeded):
    with CaptureQueriesContext(connection) as queries:
        seed()
    assert [query["sql"] for query in queries if _changes_rows(query["sql"])] == []


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
    catalogue = CatalogPage.objects.get(slug="kurse", locale__language_code="de")
    assert catalogue.full_url == "https://kurse.example.org/kurse/"
    assert catalogue.get_translation(english()).full_url == "https://kurse.example.org/en/kurse/"


def test_wagtails_welcome_page_is_gone(seeded):
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_site_pages_are_published_with_a_revision(seeded):
    home = german(HomePage).get()
    assert LabIndexPage.objects.child_of(home).get().slug == "labore"
    catalogues = {page.slug: page for page in CatalogPage.objects.child_of(home)}
    assert catalogues["kurse"].audience == ""
    assert catalogues["innovationsworkshops"].audience == Audience.BUSINESSES
    assert german(NewsPage).live().count() == 2
    # English aliases show their German page and have no revisions of their own.
    for page in Page.objects.filter(depth__gt=1, alias_of__isnull=True).specific():
        assert page.live and page.latest_revision_id, page


def test_legal_pages_are_set_in_site_settings(seeded):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    titles = {settings.imprint_page.title, settings.privacy_page.title, settings.accessibility_page.title}
    assert titles == {"Impressum", "Datenschutz", "Erklärung zur Barrierefreiheit"}
    assert StandardPage.objects.filter(pk=settings.imprint_page.pk).exists()


def test_every_municipality_has_a_lab_with_a_room(seeded):
    assert Municipality.objects.count() == 8
    for municipality in Municipality.objects.all():
        lab = german(LabPage).get(municipality=municipality)
        assert lab.street and lab.postcode and lab.opening_hours and lab.accessibility
        assert lab.rooms.exists()


def test_courses_sit_under_their_labs_with_competences(seeded):
    courses = german(CoursePage).live()
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
    past = [
        run
        for run in run_list(include_past=True)
        if run.last_start < run.created_at and run.status == CourseRun.Status.SCHEDULED
    ]
    assert len(past) == 1
    run = CourseRun.objects.get(pk=past[0].pk)
    assert user_can_teach(user=trainer, run=run)
    result = run_close(run=run, by=trainer)
    assert result.completed and result.not_completed


def test_the_demo_has_a_closed_run_with_badges_and_certificates_in_the_default_design(
    db, django_capture_on_commit_callbacks
):
    from certificates.models import Certificate, CertificateTemplate

    with django_capture_on_commit_callbacks(execute=True):
        seed()
    run = CourseRun.objects.get(status=CourseRun.Status.CLOSED)
    completed = run.enrolments.filter(status="completed")
    assert completed.exists()
    assert all(e.badge_assertion for e in completed)
    certificates = Certificate.objects.filter(enrolment__in=completed)
    assert certificates.count() == completed.count()
    template = CertificateTemplate.objects.get(is_default=True, live=True)
    assert all(c.design["template"] == template.pk and c.files.exists() for c in certificates)


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


def test_manager_edits_the_pages_of_the_managed_labs_only(seeded):
    manager = User.objects.get(email="manager@example.org")
    editable = {lab.slug for lab in LabPage.objects.all() if lab.permissions_for_user(manager).can_edit()}
    assert editable == {"hameln", "bad-pyrmont"}
    assert manager.has_perm("wagtailadmin.access_admin")
    assert manager.has_perm("labs.change_room") and manager.has_perm("labs.view_labrole")


def test_demo_gives_no_lab_page_permissions_of_its_own(seeded):
    """Page permissions on labs come only from the lab groups that lab_role_grant manages."""
    on_labs = GroupPagePermission.objects.filter(page__in=LabPage.objects.all())
    assert not on_labs.filter(group__lab_group__isnull=True).exists()


def test_editors_group_edits_every_page_below_home(seeded):
    editor = User.objects.get(email="editor@example.org")
    assert editor.has_perm("wagtailadmin.access_admin")
    home = german(HomePage).get()
    assert GroupPagePermission.objects.filter(group__name=EDITORS_GROUP, page=home).count() == 3
    assert home.permissions_for_user(editor).can_edit()
    assert german(LabPage).get(slug="aerzen").permissions_for_user(editor).can_publish()
    assert home.get_translation(english()).permissions_for_user(editor).can_publish()
    assert editor.has_perm("wagtail_localize.submit_translation")


def test_the_site_and_a_lab_with_two_courses_are_translated_into_english(seeded):
    translated = {
        page.title for page in Page.objects.filter(locale=english(), alias_of__isnull=True, live=True)
    }
    assert translated == {
        "Regional digital labs",
        "Labs",
        "Courses",
        "Innovation workshops",
        "News",
        "Regional lab Hameln",
        "Smartphone basics",
        "IT security for small businesses",
    }
    course = german(CoursePage).get(slug="smartphone-grundlagen").get_translation(english()).specific
    assert course.summary.startswith("Get to know your smartphone")
    assert "Switching on, unlocking, volume" in course.body
    # Every other page is an English alias of its German page.
    assert (
        Page.objects.filter(locale=english()).count()
        == Page.objects.filter(locale__language_code="de").exclude(depth=1).count()
    )


def _manager_of_hameln_and_bad_pyrmont(user):
    labs = LabRole.objects.filter(user=user, role=LabRole.Role.MANAGER).values_list("lab__slug", flat=True)
    return user.is_staff and set(labs) == {"hameln", "bad-pyrmont"}


def _in_editors_group(user):
    return user.groups.filter(name=EDITORS_GROUP).exists()


def _trainer_with_a_past_run(user):
    teaching = user.teaching_runs.all()
    return LabRole.objects.filter(user=user, role=LabRole.Role.TRAINER).exists() and any(
        run.sessions.order_by("-start").first().start < run.created_at for run in teaching
    )


def _enrolled_and_waiting(user):
    statuses = set(user.enrolments.values_list("status", flat=True))
    return {Enrolment.Status.CONFIRMED, Enrolment.Status.WAITLISTED} <= statuses


def _contact_of(kind):
    def check(user):
        membership = user.organisation_memberships.select_related("organisation").get()
        return membership.organisation.kind == kind and membership.role == "contact"

    return check


# The demo logins of README.md and the role each must have.
README_LOGINS = {
    "admin@example.org": lambda user: user.is_superuser and user.is_staff,
    "manager@example.org": _manager_of_hameln_and_bad_pyrmont,
    "editor@example.org": _in_editors_group,
    "trainer@example.org": _trainer_with_a_past_run,
    "participant@example.org": _enrolled_and_waiting,
    "verein@example.org": _contact_of(Organisation.Kind.ASSOCIATION),
    "firma@example.org": _contact_of(Organisation.Kind.BUSINESS),
}


@pytest.mark.parametrize("email", README_LOGINS)
def test_each_readme_login_exists_with_its_role(seeded, email):
    user = User.objects.get(email=email)
    assert authenticate(RequestFactory().post("/"), username=email, password="demo") == user
    assert README_LOGINS[email](user)
    assert email in seeded


def test_only_admin_and_manager_are_staff(seeded):
    staff = set(User.objects.filter(is_staff=True).values_list("email", flat=True))
    assert staff == {"admin@example.org", "manager@example.org"}


def test_trainer_teaches_runs_in_several_labs(seeded):
    trainer = User.objects.get(email="trainer@example.org")
    assert trainer.teaching_runs.count() >= 3
    assert trainer.teaching_runs.values("lab").distinct().count() >= 3


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


def test_data_files_load():
    data = demo_data_load()
    assert len(data.labs) == 8 and len(data.courses) == 12 and len(data.news) == 2
    assert {account.email for account in data.accounts} == set(README_LOGINS)
    assert sum(run.is_past for run in data.runs) == 2
    assert sum(run.closed for run in data.runs) == 1


def _broken_copy(tmp_path, name, change):
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    entries = json.loads((directory / name).read_text(encoding="utf-8"))
    change(entries)
    (directory / name).write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return directory


def test_run_of_an_unknown_course_is_named_with_its_file_and_entry(tmp_path):
    directory = _broken_copy(tmp_path, "runs.json", lambda runs: runs[2].update(course="gibt-es-nicht"))
    with pytest.raises(DemoDataError, match=r"runs\.json\[2\].*gibt-es-nicht"):
        demo_data_load(directory)


def test_unknown_key_in_a_data_file_is_refused(tmp_path):
    directory = _broken_copy(tmp_path, "labs.json", lambda labs: labs[0].update(colour="blau"))
    with pytest.raises(DemoDataError, match=r"labs\.json\[0\].*colour"):
        demo_data_load(directory)


def test_a_number_given_as_text_is_refused(tmp_path):
    directory = _broken_copy(tmp_path, "runs.json", lambda runs: runs[0].update(capacity="12"))
    with pytest.raises(DemoDataError, match=r"runs\.json\[0\].*capacity"):
        demo_data_load(directory)


def test_run_larger_than_its_room_is_refused(tmp_path):
    directory = _broken_copy(tmp_path, "runs.json", lambda runs: runs[0].update(capacity=40))
    with pytest.raises(DemoDataError, match="Plätze"):
        demo_data_load(directory)


def test_missing_competence_is_refused_before_anything_is_written(db):
    Competence.objects.filter(code="2.1").delete()
    with pytest.raises(CommandError, match="2.1"):
        seed()
    assert not HomePage.objects.exists() and not User.objects.exists()


BERLIN = ZoneInfo("Europe/Berlin")


@time_machine.travel(datetime(2026, 12, 14, 9, 0, tzinfo=BERLIN), tick=False)
def test_runs_are_placed_relative_to_today(db):
    demo_data_seed(participants=0)
    today = date(2026, 12, 14)
    past = CourseRun.objects.get(course__slug="videotelefonie-mit-der-familie", enrolments__isnull=False)
    assert max(s.start.date() for s in past.sessions.all()) < today
    upcoming = Session.objects.exclude(run=past).filter(run__status=CourseRun.Status.SCHEDULED)
    assert min(s.start.astimezone(BERLIN).date() for s in upcoming) > today
    christmas_to_new_year = [s for s in upcoming if s.start.astimezone(BERLIN).date() >= date(2026, 12, 24)]
    assert all(s.start.astimezone(BERLIN).date() >= date(2027, 1, 2) for s in christmas_to_new_year)


def test_demo_accounts_with_duties_can_pass_the_second_factor_with_a_printed_code(settings):
    from accounts.mfa.services import verify_code
    from cms.demo.seed import DEMO_RECOVERY_CODES

    settings.MFA_REQUIRED = True
    call_command("seed_demo", participants=0, stdout=StringIO())
    trainer = User.objects.get(email="trainer@example.org")
    participant = User.objects.get(email="participant@example.org")

    assert verify_code(user=trainer, code=DEMO_RECOVERY_CODES[0]).confirmed
    assert not participant.totpdevice_set.exists()
