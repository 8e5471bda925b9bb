"""English pages: every German page has an English counterpart (a translation, or an alias that shows the
German text with a note), pages live at /… and /en/…, and everything operational stays with the German
pages."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.actions.move_page import MovePageAction
from wagtail.models import GroupPagePermission, Locale, Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import CatalogPage, StandardPage
from cms.templatetags.page_languages import content_language
from cms.translations import page_translation_publish
from courses.models import CoursePage
from courses.services import course_create
from labs.models import LabRole
from labs.services import lab_role_grant
from tests.factories import (
    CourseRunFactory,
    UserFactory,
    home_page,
    lab_index_page,
    make_course,
    make_lab,
    make_manager,
)

pytestmark = pytest.mark.django_db

NOTE = "Diese Seite gibt es noch nicht auf Englisch. Sie lesen die deutsche Fassung."


def english(page: Page) -> Page:
    return page.get_translation(Locale.objects.get(language_code="en")).specific


def translate_course(course: CoursePage, **texts) -> CoursePage:
    return page_translation_publish(course, {course.title: texts["title"], course.summary: texts["summary"]})


def html(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def hreflang(page_html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', page_html))


def switch_target(page_html: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)"', page_html).group(1)


def english_note() -> str:
    with translation.override("en"):
        return translation.gettext(NOTE)


@pytest.fixture
def catalogue():
    page = home_page().add_child(instance=CatalogPage(title="Kurse", slug="kurse"))
    page_translation_publish(page, {"Kurse": "Courses"})
    return page


@pytest.fixture
def course(lab):
    return make_course(lab, title="Smartphone-Grundlagen")


# The English tree follows the German one


def test_a_new_german_course_page_gets_its_english_alias(lab):
    course = make_course(lab, title="Online-Banking")
    alias = english(course)
    assert alias.alias_of_id == course.pk
    assert alias.live and alias.title == "Online-Banking"
    assert alias.get_parent().pk == english(lab).pk


def test_a_page_created_in_the_cms_gets_its_english_alias_once(client):
    client.force_login(UserFactory(is_superuser=True))
    home = home_page()
    data = nested_form_data({"title": "Über uns", "slug": "ueber-uns", "body": streamfield([])})
    response = client.post(reverse("wagtailadmin_pages:add", args=["cms", "standardpage", home.pk]), data)
    assert response.status_code == 302
    page = StandardPage.objects.get(slug="ueber-uns", locale__language_code="de")
    assert english(page).alias_of_id == page.pk
    assert StandardPage.objects.filter(slug="ueber-uns").count() == 2


def test_a_course_created_through_the_api_service_gets_its_english_alias(lab, manager):
    course = course_create(lab=lab, by=manager, title="Videotelefonie", summary="Mit der Familie sprechen.")
    assert english(course).alias_of_id == course.pk
    # The slug check counts the German pages only: changing the course keeps its slug.
    assert CoursePage.objects.filter(slug="videotelefonie").count() == 2


def test_publishing_the_german_page_updates_its_english_alias(course):
    course.summary = "Neu: in kleinen Gruppen."
    course.save_revision().publish()
    assert english(course).summary == "Neu: in kleinen Gruppen."


def test_a_moved_course_takes_its_english_page_along(course, other_lab):
    MovePageAction(course, other_lab, pos="last-child").execute(skip_permission_checks=True)
    assert english(course).get_parent().pk == english(other_lab).pk


def test_a_deleted_course_takes_its_english_alias_along(course):
    alias_pk = english(course).pk
    course.delete()
    assert not Page.objects.filter(pk=alias_pk).exists()


# What an English visitor sees


def test_an_english_translation_shows_its_english_text_with_the_german_pages_runs(client, course):
    run = CourseRunFactory(course=course, capacity=8)
    translated = translate_course(course, title="Smartphone basics", summary="Get to know your smartphone.")
    page = html(client, translated.url)
    assert translated.url.startswith("/en/")
    assert '<html lang="en">' in page
    assert "Smartphone basics" in page and "Get to know your smartphone." in page
    assert course.summary not in page
    with translation.override("en"):
        enrol_url = reverse("courses:enrol", args=[run.pk])
    assert enrol_url.startswith("/en/") and enrol_url in page
    assert english_note() not in page


def test_an_untranslated_course_shows_the_german_text_marked_german_with_a_note(client, course):
    CourseRunFactory(course=course)
    page = html(client, english(course).url)
    assert '<html lang="en">' in page
    assert english_note() in page
    content = page.split('<div lang="de">', 1)[1]
    assert "Smartphone-Grundlagen" in content and course.summary in content
    assert english_note() not in content


def test_a_card_of_an_untranslated_page_in_an_english_list_can_be_marked_german(course, other_lab):
    other = make_course(other_lab, title="Online-Banking")
    translated = translate_course(other, title="Online banking", summary="Banking at home.")
    with translation.override("en"):
        assert content_language(english(course)) == "de"
        assert content_language(translated) == ""
    assert content_language(course) == ""


def test_german_pages_stay_as_they_were(client, course):
    translate_course(course, title="Smartphone basics", summary="Get to know your smartphone.")
    page = html(client, course.url, **{"accept-language": "en"})
    assert course.url == f"/labore/{course.get_parent().slug}/smartphone-grundlagen/"
    assert '<html lang="de">' in page
    assert "Smartphone-Grundlagen" in page and "Smartphone basics" not in page
    assert NOTE not in page and '<div lang="de">' not in page


def test_the_english_catalogue_lists_each_course_once_in_english(client, catalogue, lab):
    translated = make_course(lab, title="Smartphone-Grundlagen")
    translate_course(translated, title="Smartphone basics", summary="Get to know your smartphone.")
    make_course(lab, title="Online-Banking")
    german = html(client, "/kurse/")
    page = html(client, "/en/kurse/")
    assert german.count(">Smartphone-Grundlagen<") + german.count("Smartphone-Grundlagen</") >= 1
    assert "Smartphone basics" not in german
    assert page.count("Smartphone basics") == 1 and "Smartphone-Grundlagen" not in page
    assert page.count("Online-Banking</") == 1
    assert f"/en/labore/{lab.slug}/online-banking/" in page
    assert f'href="/labore/{lab.slug}/' not in page


def test_the_english_home_page_lists_the_next_courses_once_in_english(client, lab):
    translated = make_course(lab, title="Smartphone-Grundlagen")
    CourseRunFactory(course=translated)
    translate_course(translated, title="Smartphone basics", summary="Get to know your smartphone.")
    CourseRunFactory(course=make_course(lab, title="Online-Banking"))
    german = html(client, "/")
    page = html(client, "/en/")
    assert page.count("Smartphone basics") == german.count("Smartphone-Grundlagen") > 0
    assert "Smartphone-Grundlagen" not in page
    assert page.count("/en/labore/") >= 2 and f'href="/labore/{lab.slug}/' not in page


def test_the_english_lab_index_lists_each_lab_once(client, lab, other_lab):
    german = html(client, lab_index_page().url)
    page = html(client, english(lab_index_page()).url)
    for each in (lab, other_lab):
        assert (
            page.count(f'href="/en/labore/{each.slug}/"') == german.count(f'href="/labore/{each.slug}/"') > 0
        )
        assert f'href="/labore/{each.slug}/"' not in page


def test_the_site_search_in_english_finds_the_english_pages(client, course):
    page = html(client, "/en/suche/?q=Smartphone")
    assert f"/en/labore/{course.get_parent().slug}/smartphone-grundlagen/" in page
    assert f'href="/labore/{course.get_parent().slug}/smartphone-grundlagen/"' not in page


# Addresses and the language switch


def test_an_unprefixed_page_is_german_whatever_the_browser_asks(client, course):
    page = html(client, "/konto/einloggen/", **{"accept-language": "en"})
    assert '<html lang="de">' in page
    with translation.override("en"):
        assert reverse("accounts:login") == "/en/konto/einloggen/"
    assert '<html lang="en">' in html(client, "/en/konto/einloggen/")


def test_the_api_still_answers_in_the_requests_language_with_the_german_pages(client, course):
    response = client.get("/api/v1/courses/", headers={"accept-language": "en"})
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert [row["id"] for row in response.json()["results"]] == [course.pk]
    missing = client.get("/api/v1/courses/gibt-es-nicht/", headers={"accept-language": "en"})
    assert missing.status_code == 404 and missing["Content-Language"] == "en"
    german = client.get("/api/v1/courses/gibt-es-nicht/", headers={"accept-language": "de"})
    assert german["Content-Language"] == "de" and german.json() != missing.json()


def test_the_language_switch_leads_to_the_pages_translation_with_its_own_address(client, course):
    translated = page_translation_publish(
        course, {"Smartphone-Grundlagen": "Smartphone basics", "smartphone-grundlagen": "smartphone-basics"}
    )
    assert translated.url.endswith("/smartphone-basics/")
    assert switch_target(html(client, course.url)) == translated.url
    assert switch_target(html(client, translated.url)) == course.url
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.post("/i18n/setlang/", {"language": "en", "next": translated.url})
    assert response.status_code == 302 and response["Location"] == translated.url
    response = client.post("/i18n/setlang/", {"language": "de", "next": course.url})
    assert response["Location"] == course.url


def test_the_language_switch_of_a_site_view_leads_to_the_same_view(client, course):
    assert switch_target(html(client, "/konto/einloggen/?next=/meine-kurse/")) == (
        "/en/konto/einloggen/?next=/meine-kurse/"
    )
    assert switch_target(html(client, "/en/konto/einloggen/")) == "/konto/einloggen/"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/konto/einloggen/"})
    assert response["Location"] == "/en/konto/einloggen/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/konto/einloggen/"})
    assert response["Location"] == "/en/konto/einloggen/"


def test_hreflang_names_english_only_where_a_translation_exists(client, course, lab):
    root = "http://localhost"
    german_url, alias_url = course.full_url, english(course).full_url
    links = hreflang(html(client, course.url))
    assert links == {"de": german_url, "x-default": german_url}
    assert hreflang(html(client, english(course).url)) == links
    translated = translate_course(course, title="Smartphone basics", summary="Get to know your smartphone.")
    links = hreflang(html(client, course.url))
    assert links == {"de": german_url, "en": alias_url, "x-default": german_url}
    assert translated.full_url == alias_url and alias_url.startswith(root + "/en/")
    view_links = hreflang(html(client, "/konto/einloggen/"))
    assert view_links == {
        "de": f"{root}/konto/einloggen/",
        "en": f"{root}/en/konto/einloggen/",
        "x-default": f"{root}/konto/einloggen/",
    }


# Operational things stay with the German pages


def test_lists_for_staff_and_the_api_show_the_german_pages_only(client, course, lab):
    assert client.get("/api/v1/labs/").json()["count"] == 1
    assert client.get("/api/v1/courses/").json()["count"] == 1
    assert client.get(f"/api/v1/courses/?lab={lab.slug}").json()["count"] == 1
    assert client.get(f"/calendar/labs/{lab.slug}.ics").status_code == 200


def test_a_labs_editors_and_managers_may_translate_the_labs_pages(client, lab, course):
    editor = UserFactory()
    lab_role_grant(lab=lab, user=editor, role=LabRole.Role.EDITOR)
    manager = make_manager(lab)
    other = make_lab("Regionallabor Aerzen", municipality="aerzen")
    for person in (editor, manager):
        assert person.has_perm("wagtail_localize.submit_translation")
        permitted = set(
            GroupPagePermission.objects.filter(group__user=person).values_list("page_id", flat=True)
        )
        assert {lab.pk, english(lab).pk} <= permitted and english(other).pk not in permitted
        assert english(course).permissions_for_user(person).can_edit()
        assert not english(other).permissions_for_user(person).can_edit()
    client.force_login(editor)
    submit = reverse("wagtail_localize:submit_page_translation", args=[course.pk])
    assert client.get(submit).status_code == 200
    en = Locale.objects.get(language_code="en")
    response = client.post(submit, {"locales": [en.pk]})
    assert response.status_code == 302
    translated = english(course)
    assert translated.alias_of_id is None
    assert client.get(reverse("wagtailadmin_pages:edit", args=[translated.pk])).status_code == 200
