from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from cms.models import NewsIndexPage, NewsPage, SiteSettings, StandardPage
from tests.factories import (
    CourseRunFactory,
    LabRoleFactory,
    UserFactory,
    home_page,
    make_course,
    make_lab,
)

pytestmark = pytest.mark.django_db


def test_home_shows_intro_finder_upcoming_courses_and_labs(client, catalogue):
    home = home_page()
    home.intro = "Digital lernen in Ihrer Nähe."
    home.save()
    lab = make_lab("Regionallabor Emmerthal", municipality="emmerthal")
    CourseRunFactory(course=make_course(lab, title="Smartphone für Einsteiger"))
    make_course(lab, title="Ohne Termin")
    html = client.get("/").content.decode()
    assert "Digital lernen in Ihrer Nähe." in html
    assert 'action="/kurse/"' in html and 'name="q"' in html and 'name="near"' in html
    assert "Smartphone für Einsteiger" in html
    assert "Ohne Termin" not in html
    assert "Regionallabor Emmerthal" in html


def test_home_query_count_does_not_grow_with_courses_and_labs(client, catalogue):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    CourseRunFactory(course=make_course(make_lab()))
    client.get("/")
    one = queries()
    for _ in range(8):
        CourseRunFactory(course=make_course(make_lab()), sessions=3)
    assert queries() == one


def test_page_has_skip_link_landmarks_and_language(client, catalogue):
    html = client.get("/").content.decode()
    assert '<html lang="de">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and '<nav class="site-nav"' in html


def test_header_offers_login_to_visitors(client, catalogue):
    html = client.get("/").content.decode()
    assert 'href="/konto/einloggen/"' in html
    assert "Meine Kurse" not in html
    assert "Kursleitung" not in html


def test_header_offers_my_courses_to_signed_in_people(client, catalogue):
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert 'href="/meine-kurse/"' in html
    assert 'href="/kursleitung/"' not in html


def test_header_offers_trainer_area_to_trainers_of_a_run(client, catalogue):
    trainer = UserFactory()
    CourseRunFactory(trainers=[trainer])
    client.force_login(trainer)
    assert 'href="/kursleitung/"' in client.get("/").content.decode()


def test_header_offers_trainer_area_to_lab_staff(client, catalogue):
    manager = UserFactory()
    LabRoleFactory(user=manager)
    client.force_login(manager)
    assert 'href="/kursleitung/"' in client.get("/").content.decode()


def test_header_marks_the_current_section(client, catalogue):
    html = client.get("/kurse/").content.decode()
    assert '<a href="/kurse/" aria-current="page">' in html


def test_language_switch_posts_to_set_language_with_csrf(client, catalogue):
    html = client.get("/kurse/").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/en/kurse/"' in html  # the same page in English
    assert 'name="language" value="en"' in html


def test_language_switch_changes_the_language(client, catalogue):
    client.get("/")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/kurse/"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    assert 'name="language" value="de"' in html


def test_footer_shows_organisation_contact_and_legal_pages(client, catalogue):
    home = home_page()
    imprint = home.add_child(instance=StandardPage(title="Impressum", slug="impressum"))
    privacy = home.add_child(instance=StandardPage(title="Datenschutz", slug="datenschutz"))
    accessibility = home.add_child(instance=StandardPage(title="Barrierefreiheit", slug="barrierefreiheit"))
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation = "Landkreis Musterland"
    settings.contact_email = "kurse@example.org"
    settings.contact_phone = "05151 12 34"
    settings.imprint_page, settings.privacy_page = imprint, privacy
    settings.accessibility_page = accessibility
    settings.save()
    html = client.get("/").content.decode()
    assert "Landkreis Musterland" in html
    assert 'href="mailto:kurse@example.org"' in html
    assert 'href="tel:0515112' in html
    assert '<a href="/impressum/">Impressum</a>' in html
    assert '<a href="/datenschutz/">Datenschutz</a>' in html
    assert '<a href="/barrierefreiheit/">Erklärung zur Barrierefreiheit</a>' in html
    assert '<a href="/verify/">Zertifikat prüfen</a>' in html


def test_footer_leaves_out_legal_links_not_yet_chosen(client, catalogue):
    html = client.get("/").content.decode()
    assert "Impressum" not in html
    assert "Zertifikat prüfen" in html


def test_standard_page_shows_its_blocks(client, catalogue):
    page = home_page().add_child(
        instance=StandardPage(
            title="Über uns",
            slug="ueber-uns",
            body=[
                ("heading", "Wer wir sind"),
                ("paragraph", "<p>Wir sind die Regionallabore.</p>"),
                (
                    "callout",
                    {"heading": "Fragen?", "text": "Rufen Sie uns an.", "link_page": None, "link_text": ""},
                ),
            ],
        )
    )
    html = client.get(page.url).content.decode()
    assert "<h1>Über uns</h1>" in html
    assert "<h2>Wer wir sind</h2>" in html
    assert "Wir sind die Regionallabore." in html
    assert '<aside class="callout"' in html and "Rufen Sie uns an." in html


def test_news_index_lists_newest_first_and_paginates(client, catalogue):
    index = home_page().add_child(instance=NewsIndexPage(title="Neuigkeiten", slug="neuigkeiten"))
    today = timezone.localdate()
    for i in range(12):
        index.add_child(
            instance=NewsPage(
                title=f"Meldung {i:02d}", slug=f"meldung-{i}", date=today - timedelta(days=i), summary="Kurz."
            )
        )
    first = client.get("/neuigkeiten/")
    assert [n.title for n in first.context["news"]][:2] == ["Meldung 00", "Meldung 01"]
    assert len(first.context["news"]) == 10
    second = client.get("/neuigkeiten/", {"page": 2})
    assert [n.title for n in second.context["news"]] == ["Meldung 10", "Meldung 11"]


def test_news_page_shows_date_written_out(client, catalogue):
    index = home_page().add_child(instance=NewsIndexPage(title="Neuigkeiten", slug="neuigkeiten"))
    page = index.add_child(
        instance=NewsPage(title="Neues Labor", slug="neues-labor", date="2026-12-08", summary="Ab Januar.")
    )
    html = client.get(page.url).content.decode()
    assert "Dienstag, 8. Dezember 2026" in html
    assert "Ab Januar." in html
