"""Certificate templates: which one a certificate gets, the CMS menu "Zertifikatsvorlagen" with its rules for
publishing, the preview with a sample certificate, and who may design them."""

import importlib
import io
import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import GroupPagePermission

from certificates.models import Certificate, CertificateTemplate
from certificates.preview import SAMPLE_NAME, preview_context
from certificates.selectors import certificate_template_for_run, template_conflicts
from labs.services import lab_role_grant
from tests.factories import CourseRunFactory, UserFactory, home_page, make_course, make_lab

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_certificates_certificatetemplate:add"
EDIT_URL = "wagtailsnippets_certificates_certificatetemplate:edit"
LIST_URL = "wagtailsnippets_certificates_certificatetemplate:list"
PREVIEW_URL = "wagtailsnippets_certificates_certificatetemplate:preview_on_edit"
UNPUBLISH_URL = "wagtailsnippets_certificates_certificatetemplate:unpublish"
TEMPLATE_PERMISSIONS = {
    "add_certificatetemplate",
    "change_certificatetemplate",
    "publish_certificatetemplate",
    "view_certificatetemplate",
}


def make_template(name: str, *, live: bool = True, labs=(), courses=(), **fields) -> CertificateTemplate:
    template = CertificateTemplate(name=name, signer_name=f"Unterschrift {name}", live=live, **fields)
    template.labs = labs
    template.courses = courses
    template.save()
    revision = template.save_revision()
    if live:
        revision.publish()
    return template


def form_data(template: CertificateTemplate | None = None, **fields) -> dict:
    """What the CMS's form posts: the template's values, changed by `fields`."""
    data = {
        "name": template.name if template else "Neue Vorlage",
        "signer_name": template.signer_name if template else "Dr. Annette Vogelsang",
        "signer_title": "Leitung der Regionallabore",
        "signer_title_en": "",
        "text": "",
        "text_en": "",
        "district_logo": "",
        "lab_logo": "",
        "signature": "",
    }
    if template and template.is_default:
        data["is_default"] = "on"
    if template:
        data["labs"] = [str(pk) for pk in template.labs.values_list("pk", flat=True)]
        data["courses"] = [str(pk) for pk in template.courses.values_list("pk", flat=True)]
    for key, value in fields.items():
        if key == "is_default":
            if value:
                data["is_default"] = "on"
            else:
                data.pop("is_default", None)
        elif key in ("labs", "courses"):
            data[key] = [str(page.pk) for page in value]
        else:
            data[key] = value
    return data


@pytest.fixture
def admin(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def run(lab):
    return CourseRunFactory(course=make_course(lab=lab, title="Fotos vom Smartphone"), sessions=2)


# --- Which template a certificate gets --------------------------------------------------------------


def test_the_courses_own_template_wins_over_its_labs_and_the_default(run):
    make_template("Standard", is_default=True)
    make_template("Labor", labs=[run.lab])
    course_template = make_template("Kurs", courses=[run.course])
    assert certificate_template_for_run(run=run) == course_template


def test_the_labs_template_wins_over_the_default(run):
    make_template("Standard", is_default=True)
    lab_template = make_template("Labor", labs=[run.lab])
    make_template("Anderer Kurs", courses=[make_course(lab=run.lab)])
    assert certificate_template_for_run(run=run) == lab_template


def test_the_default_applies_when_nothing_else_does(run, other_lab):
    default = make_template("Standard", is_default=True)
    make_template("Anderes Labor", labs=[other_lab])
    assert certificate_template_for_run(run=run) == default


def test_drafts_are_never_used(run):
    default = make_template("Standard", is_default=True)
    make_template("Kurs, noch Entwurf", live=False, courses=[run.course])
    make_template("Labor, noch Entwurf", live=False, labs=[run.lab])
    assert certificate_template_for_run(run=run) == default


def test_without_any_published_template_there_is_none(run):
    make_template("Entwurf", live=False, is_default=True)
    assert certificate_template_for_run(run=run) is None


def test_conflicts_name_the_published_template_holding_a_course_lab_or_the_default(run, other_lab):
    make_template("Standard", is_default=True)
    make_template("Labor", labs=[run.lab])
    make_template("Kurs", courses=[run.course])
    make_template("Entwurf", live=False, labs=[other_lab])
    conflicts = template_conflicts(
        template_id=None, is_default=True, course_ids=[run.course.pk], lab_ids=[run.lab.pk, other_lab.pk]
    )
    assert conflicts.default == "Standard"
    assert conflicts.courses == (("Fotos vom Smartphone", "Kurs"),)
    assert conflicts.labs == ((run.lab.title, "Labor"),)


def test_a_template_never_conflicts_with_itself(run):
    template = make_template("Standard", is_default=True, labs=[run.lab], courses=[run.course])
    assert not template_conflicts(
        template_id=template.pk, is_default=True, course_ids=[run.course.pk], lab_ids=[run.lab.pk]
    )


# --- The CMS menu ------------------------------------------------------------------------------------


def test_publishing_a_second_default_is_refused_on_the_field(client, admin):
    make_template("Standard", is_default=True)
    response = client.post(reverse(ADD_URL), {**form_data(is_default=True), "action-publish": "publish"})
    assert response.status_code == 200
    assert response.context["form"].errors["is_default"] == [
        "„Standard“ ist schon die veröffentlichte Standardvorlage. Es gibt nur eine: "
        "Nehmen Sie hier oder dort den Haken heraus."
    ]
    assert list(CertificateTemplate.objects.values_list("name", flat=True)) == ["Standard"]


def test_publishing_for_a_lab_another_published_template_covers_is_refused(client, admin, run):
    make_template("Hameln", labs=[run.lab])
    draft = make_template("Hameln neu", live=False)
    response = client.post(
        reverse(EDIT_URL, args=[draft.pk]), {**form_data(draft, labs=[run.lab]), "action-publish": "publish"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["labs"] == [
        f"Für das Labor „{run.lab.title}“ gilt schon die veröffentlichte Vorlage „Hameln“. "
        "Wählen Sie das Labor hier oder dort ab."
    ]
    draft.refresh_from_db()
    assert not draft.live
    assert certificate_template_for_run(run=run).name == "Hameln"


def test_publishing_for_a_course_another_published_template_covers_is_refused(client, admin, run):
    make_template("Smartphone", courses=[run.course])
    response = client.post(reverse(ADD_URL), {**form_data(courses=[run.course]), "action-publish": "publish"})
    assert response.status_code == 200
    assert "Für den Kurs „Fotos vom Smartphone“ gilt schon" in response.context["form"].errors["courses"][0]
    assert CertificateTemplate.objects.count() == 1


def test_a_draft_may_overlap_with_what_is_published(client, admin, run):
    make_template("Hameln", labs=[run.lab])
    response = client.post(reverse(ADD_URL), form_data(name="Hameln neu", labs=[run.lab]))
    assert response.status_code == 302
    draft = CertificateTemplate.objects.get(name="Hameln neu")
    assert not draft.live
    assert certificate_template_for_run(run=run).name == "Hameln"


def test_the_published_template_is_published_again_with_its_changes(client, admin, run):
    template = make_template("Standard", is_default=True, labs=[run.lab])
    response = client.post(
        reverse(EDIT_URL, args=[template.pk]),
        {**form_data(template, signer_name="Dr. Jan Kruse"), "action-publish": "publish"},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.live, template.signer_name) == (True, "Dr. Jan Kruse")


def test_a_published_template_is_used_for_the_next_certificate(client, admin, run):
    response = client.post(
        reverse(ADD_URL),
        {
            **form_data(name="Hameln", labs=[run.lab], signer_name="Dr. Jan Kruse"),
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302
    assert certificate_template_for_run(run=run).design()["signer_name"] == "Dr. Jan Kruse"


def test_the_list_shows_name_what_it_applies_to_and_whether_it_is_published(client, admin, run):
    make_template("Standard", is_default=True)
    make_template("Hameln", labs=[run.lab], courses=[run.course])
    make_template("Neue Vorlage", live=False)
    response = client.get(reverse(LIST_URL))
    rows = {row.name: row for row in response.context["object_list"]}
    assert set(rows) == {"Standard", "Hameln", "Neue Vorlage"}
    page = " ".join(response.content.decode().split())
    assert "Standardvorlage" in page
    assert f"Labore: {run.lab.title} · Kurse: Fotos vom Smartphone" in page
    assert "Noch für nichts gewählt" in page
    statuses = re.findall(r'<span class="w-status[^"]*">\s*([^<]+?)\s*</span>', page)
    assert sorted(statuses) == ["Entwurf", "Veröffentlicht", "Veröffentlicht"]


def test_the_list_needs_the_same_queries_for_3_and_13_templates(client, admin, run):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LIST_URL)).status_code == 200
        return len(captured)

    for number in range(3):
        make_template(f"Vorlage {number}", labs=[run.lab] if number == 0 else [], courses=[run.course])
    few = queries()
    labs = [make_lab(f"Labor {number}") for number in range(3)]
    for number in range(3, 13):
        make_template(f"Vorlage {number}", labs=labs, courses=[run.course])
    assert queries() == few


# --- The preview --------------------------------------------------------------------------------------


def test_the_sample_is_erika_mustermann_today_with_three_competences_and_is_not_saved(clock):
    template = make_template("Standard", is_default=True)
    context = preview_context(template=template, language="de")
    certificate = context["certificate"]
    assert certificate.participant_name == SAMPLE_NAME == "Erika Mustermann"
    assert len(context["competences"]) == 3
    assert certificate.issued_at.date() == date(2026, 12, 1)
    assert certificate.pk is None and not Certificate.objects.exists()


def test_the_sample_takes_the_title_of_a_course_the_template_is_for(run):
    template = make_template("Smartphone", courses=[run.course])
    certificate = preview_context(template=template, language="de")["certificate"]
    assert certificate.course_title == "Fotos vom Smartphone"
    assert certificate.lab_name == run.lab.title


def _preview(client, template, mode: str = ""):
    """The preview as the CMS shows it: the form's state is posted first, then the frame is loaded."""
    url = reverse(PREVIEW_URL, args=[template.pk])
    assert client.post(url, form_data(template)).json()["is_valid"]
    return client.get(url, {"mode": mode})


def test_the_preview_of_a_draft_shows_the_certificate_with_the_signer(client, admin):
    draft = make_template("Entwurf", live=False)
    response = _preview(client, draft)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unterschrift Entwurf" in page
    assert "Erika Mustermann" in page
    assert '<html lang="de">' in page
    assert reverse("certificate_template_stylesheet") in page


def test_the_preview_in_english_is_written_in_english(client, admin):
    draft = make_template("Entwurf", live=False)
    page = _preview(client, draft, mode="en").content.decode()
    assert '<html lang="en">' in page
    assert "Certificate" in page


@pytest.mark.parametrize(("mode", "language"), [("pdf", "de"), ("pdf-en", "en")])
def test_the_pdf_preview_is_the_certificates_pdf(client, admin, mode, language):
    draft = make_template("Entwurf", live=False)
    response = _preview(client, draft, mode=mode)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "Unterschrift Entwurf" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == language
    assert not Certificate.objects.exists()


def test_the_preview_stylesheet_reads_the_fonts_from_the_static_files(client, admin):
    response = client.get(reverse("certificate_template_stylesheet"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert 'url("/static/fonts/OpenSans-Regular.ttf")' in response.content.decode()


def test_the_preview_stylesheet_is_for_the_cms_only(client):
    response = client.get(reverse("certificate_template_stylesheet"))
    assert response.status_code == 302


# --- Who may design them ---------------------------------------------------------------------------------


def _grant_template_permissions():
    migration = importlib.import_module("certificates.migrations.0005_certificate_template_permissions")
    migration.grant_template_permissions(apps, None)


def _codenames(group: Group) -> set[str]:
    return set(
        group.permissions.filter(content_type__model="certificatetemplate").values_list("codename", flat=True)
    )


def test_the_editors_and_the_lab_managers_groups_may_design_templates(lab):
    editors = Group.objects.create(name="Redaktion")
    manager = UserFactory()
    lab_role_grant(lab=lab, user=manager, role="manager")
    others = Group.objects.create(name="Verwaltung")
    _grant_template_permissions()
    assert _codenames(editors) == TEMPLATE_PERMISSIONS
    assert _codenames(lab.groups.get(role="manager").group) == TEMPLATE_PERMISSIONS
    assert _codenames(others) == set()


def _admin_access(group: Group) -> Group:
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group


@pytest.fixture
def editor(client):
    """A member of the site's editors, who may edit every page (as `cms.services` sets them up)."""
    editors = _admin_access(Group.objects.create(name="Redaktion"))
    change_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.create(group=editors, page=home_page(), permission=change_page)
    _grant_template_permissions()
    user = UserFactory()
    user.groups.add(editors)
    client.force_login(user)
    return user


@pytest.fixture
def lab_manager(client, lab):
    """A manager of `lab`, in the lab's group with the template permissions."""
    user = UserFactory()
    lab_role_grant(lab=lab, user=user, role="manager")
    _grant_template_permissions()
    client.force_login(user)
    return user


def test_an_editor_reaches_the_menu_and_publishes_the_default(client, editor, run):
    assert "Zertifikatsvorlagen" in client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.post(
        reverse(ADD_URL),
        {**form_data(name="Standard", is_default=True, labs=[run.lab]), "action-publish": "on"},
    )
    assert response.status_code == 302
    assert certificate_template_for_run(run=run).name == "Standard"


def test_a_lab_manager_publishes_a_template_for_their_lab_and_its_courses(client, lab_manager, run):
    response = client.post(
        reverse(ADD_URL),
        {**form_data(name="Hameln", labs=[run.lab], courses=[run.course]), "action-publish": "on"},
    )
    assert response.status_code == 302
    assert CertificateTemplate.objects.get().live


def test_a_lab_manager_may_not_choose_another_lab(client, lab_manager, other_lab):
    response = client.post(reverse(ADD_URL), {**form_data(labs=[other_lab]), "action-publish": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["labs"] == [
        "Das Labor „Regionallabor Bad Pyrmont“ dürfen Sie nicht bearbeiten. Wählen Sie es hier ab."
    ]
    assert not CertificateTemplate.objects.exists()


def test_a_lab_manager_may_not_choose_a_course_of_another_lab(client, lab_manager, other_lab):
    course = make_course(lab=other_lab, title="Tablet für Einsteiger")
    response = client.post(reverse(ADD_URL), form_data(courses=[course]))
    assert response.status_code == 200
    assert (
        "Den Kurs „Tablet für Einsteiger“ dürfen Sie nicht bearbeiten"
        in response.context["form"].errors["courses"][0]
    )
    assert not CertificateTemplate.objects.exists()


def test_a_lab_manager_may_not_change_the_default(client, lab_manager, other_lab):
    default = make_template("Standard", is_default=True)
    response = client.post(
        reverse(EDIT_URL, args=[default.pk]), form_data(default, signer_name="Jemand anderes")
    )
    assert response.status_code == 200
    assert (
        "Nur wer die Seiten aller Labore bearbeiten darf" in response.context["form"].errors["is_default"][0]
    )
    default.refresh_from_db()
    assert default.signer_name == "Unterschrift Standard"
    assert default.latest_revision.as_object().signer_name == "Unterschrift Standard"


def test_a_lab_manager_may_not_take_the_default_offline(client, lab_manager, other_lab):
    default = make_template("Standard", is_default=True)
    response = client.post(reverse(UNPUBLISH_URL, args=[default.pk]))
    assert response.status_code in (302, 403)
    default.refresh_from_db()
    assert default.live


def test_a_lab_manager_takes_their_labs_template_offline(client, lab_manager, lab):
    template = make_template("Hameln", labs=[lab])
    response = client.post(reverse(UNPUBLISH_URL, args=[template.pk]))
    assert response.status_code == 302
    template.refresh_from_db()
    assert not template.live


def test_staff_without_the_permissions_do_not_reach_the_templates(client):
    group = Group.objects.create(name="Nur Verwaltung")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)
    assert "Zertifikatsvorlagen" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(reverse(LIST_URL)).status_code in (302, 403)


def test_new_lab_managers_and_the_sites_editors_get_the_template_permissions_without_a_migration(lab):
    from cms.services import site_structure_ensure

    manager = UserFactory()
    lab_role_grant(lab=lab, user=manager, role="manager")
    site_structure_ensure()
    assert _codenames(lab.groups.get(role="manager").group) == TEMPLATE_PERMISSIONS
    assert _codenames(Group.objects.get(name="Redaktion")) == TEMPLATE_PERMISSIONS
