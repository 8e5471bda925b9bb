"""What search engines and link previews read: JSON-LD on course and lab pages, Open Graph tags, the
sitemap and robots.txt."""

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, PageViewRestriction

from cms.models import StandardPage
from cms.seo import og_locale, robots_paths
from courses.models import Competence, CoursePage
from labs.models import LabPage, Room
from tests.factories import CourseRunFactory, EnrolmentFactory, home_page, make_course, make_lab, moment

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def json_ld(html: str) -> list[dict]:
    """The JSON-LD documents in the page, parsed."""
    blocks = re.findall(
        r'<script type="application/ld\+json"(?: nonce="[^"]+")?>(.*?)</script>', html, re.DOTALL
    )
    return [json.loads(block) for block in blocks]


def meta(html: str, key: str) -> list[str]:
    """The contents of the meta tags named `key` (property="og:..." or name="...")."""
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def lab():
    return make_lab(
        "Regionallabor Hameln",
        intro="Mitten in der Altstadt.",
        opening_hours="Dienstag 10:00 bis 18:00 Uhr\nDonnerstag 14:00 bis 20:00 Uhr",
        contact_email="hameln@example.org",
        contact_phone="05151 123 45",
        latitude=52.1033,
        longitude=9.3561,
    )


@pytest.fixture
def course(lab):
    course = make_course(
        lab,
        title="Smartphone für Einsteiger",
        audience="citizens",
        level=2,
        price="kostenfrei",
        prerequisites="Ein eigenes Smartphone.",
    )
    course.competences.add(Competence.objects.get(code="2.1"))
    course.save()
    return course


@pytest.fixture
def two_runs(clock, course, lab):
    """One run in a room of the lab, one at a village hall; three seats of the first are taken."""
    room = Room.objects.create(lab=lab, name="Werkstatt", capacity=12)
    in_lab = CourseRunFactory(course=course, room=room, capacity=12, sessions=2)
    for _ in range(3):
        EnrolmentFactory(run=in_lab)
    outside = CourseRunFactory(
        course=course,
        capacity=8,
        sessions=1,
        starts_in=timedelta(days=21),
        title="Abendkurs",
        venue_name="Dorfgemeinschaftshaus Groß Berkel",
        venue_address="Dorfstraße 1, 31855 Aerzen",
    )
    return in_lab, outside


# --- JSON-LD on course pages ----------------------------------------------------------------------------


def test_course_page_describes_the_course_for_search_engines(client, course, two_runs):
    (data,) = json_ld(client.get(course.url).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == "Smartphone für Einsteiger"
    assert data["description"] == "Smartphone für Einsteiger in einfachen Schritten."
    assert data["url"] == course.full_url
    assert data["inLanguage"] == "de"
    assert data["provider"]["@type"] == "EducationalOrganization"
    assert data["provider"]["name"] == "Regionallabor Hameln"
    assert data["provider"]["parentOrganization"]["@type"] == "GovernmentOrganization"
    assert data["educationalLevel"]["name"] == "Grundlagen (Stufe 2)"
    assert [term["termCode"] for term in data["teaches"]] == ["2.1"]
    assert data["teaches"][0]["inDefinedTermSet"]["name"] == "DigComp 2.2"
    assert data["offers"]["@type"] == "Offer"
    assert (data["offers"]["price"], data["offers"]["priceCurrency"]) == ("0", "EUR")
    assert data["isAccessibleForFree"] is True


def test_each_upcoming_run_is_a_course_instance_with_place_and_seats(client, course, two_runs):
    in_lab, outside = two_runs
    (data,) = json_ld(client.get(course.url).content.decode())
    first, second = data["hasCourseInstance"]
    assert first["@type"] == second["@type"] == "CourseInstance"
    assert first["courseMode"] == "onsite"
    assert first["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert first["eventStatus"] == "https://schema.org/EventScheduled"
    # The clock stands in December: Berlin is an hour ahead of UTC, and the dates say so.
    assert first["startDate"] == "2026-12-08T18:00:00+01:00"
    assert first["endDate"] == "2026-12-15T20:00:00+01:00"
    assert (first["maximumAttendeeCapacity"], first["remainingAttendeeCapacity"]) == (12, 9)
    assert first["url"] == f"http://localhost/termine/{in_lab.pk}/anmelden/"
    assert first["courseWorkload"] == "PT4H"
    assert first["location"] == {
        "@type": "Place",
        "name": "Regionallabor Hameln, Werkstatt",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Am Markt 1",
            "postalCode": "31785",
            "addressLocality": "Hameln",
            "addressCountry": "DE",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 52.1033, "longitude": 9.3561},
    }
    assert [session["startDate"] for session in first["subEvent"]] == [
        "2026-12-08T18:00:00+01:00",
        "2026-12-15T18:00:00+01:00",
    ]
    assert second["name"] == "Smartphone für Einsteiger – Abendkurs"
    assert second["remainingAttendeeCapacity"] == 8
    assert "subEvent" not in second
    assert second["location"] == {
        "@type": "Place",
        "name": "Dorfgemeinschaftshaus Groß Berkel",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Dorfstraße 1",
            "postalCode": "31855",
            "addressLocality": "Aerzen",
            "addressCountry": "DE",
        },
    }


def test_a_run_nobody_can_enrol_in_any_more_points_to_the_course_page(client, course, clock):
    run = CourseRunFactory(course=course, enrolment_closes_at=moment(-timedelta(hours=1)))
    (data,) = json_ld(client.get(course.url).content.decode())
    assert data["hasCourseInstance"][0]["url"] == f"{course.full_url}#termin-{run.pk}"


def test_an_outside_venue_in_free_words_keeps_its_address_as_text(client, course, clock):
    CourseRunFactory(course=course, venue_name="Schützenhaus", venue_address="hinter der Kirche")
    (data,) = json_ld(client.get(course.url).content.decode())
    location = data["hasCourseInstance"][0]["location"]
    assert location == {"@type": "Place", "name": "Schützenhaus", "address": "hinter der Kirche"}


@pytest.mark.parametrize(
    ("fmt", "mode", "attendance"),
    [("online", "online", "OnlineEventAttendanceMode"), ("hybrid", "blended", "MixedEventAttendanceMode")],
)
def test_online_and_blended_runs_meet_on_the_web(client, lab, clock, fmt, mode, attendance):
    course = make_course(lab, title="Videotelefonie", format=fmt)
    CourseRunFactory(course=course)
    (data,) = json_ld(client.get(course.url).content.decode())
    instance = data["hasCourseInstance"][0]
    assert instance["courseMode"] == mode
    assert instance["eventAttendanceMode"] == f"https://schema.org/{attendance}"
    places = instance["location"] if isinstance(instance["location"], list) else [instance["location"]]
    assert places[-1]["@type"] == "VirtualLocation"
    assert [place["@type"] for place in places] == (
        ["VirtualLocation"] if fmt == "online" else ["Place", "VirtualLocation"]
    )


@pytest.mark.parametrize(
    ("price", "offer_price", "free"),
    [("", "0", True), ("kostenlos", "0", True), ("5 Euro", "5", False), ("12,50 €", "12.50", False)],
)
def test_the_offer_names_the_price_in_euros(client, lab, price, offer_price, free):
    course = make_course(lab, title="Bildbearbeitung", price=price)
    (data,) = json_ld(client.get(course.url).content.decode())
    assert (data["offers"]["price"], data["offers"]["priceCurrency"]) == (offer_price, "EUR")
    assert data["isAccessibleForFree"] is free
    assert data["hasCourseInstance"] == []


def test_a_price_without_an_amount_is_given_as_written(client, lab):
    course = make_course(lab, title="Drucken", price="nach Materialverbrauch")
    (data,) = json_ld(client.get(course.url).content.decode())
    assert data["offers"]["price"] == "nach Materialverbrauch"


def test_a_closing_script_tag_in_a_title_cannot_break_out(client, lab, clock):
    title = 'Sicher surfen </script><script>alert("x")</script> & mehr'
    course = make_course(lab, title=title)
    CourseRunFactory(course=course)
    html = client.get(course.url).content.decode()
    head = html.split("</head>")[0]
    (block,) = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', head, re.DOTALL)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == title
    assert "<script>alert" not in html


def test_course_page_queries_do_not_grow_with_runs(client, course, clock):
    for days in range(2):
        CourseRunFactory(course=course, starts_in=timedelta(days=7 + days))
    client.get(course.url)
    two = queries(client, course.url)
    for days in range(18):
        EnrolmentFactory(run=CourseRunFactory(course=course, starts_in=timedelta(days=10 + days), sessions=3))
    assert queries(client, course.url) == two
    (data,) = json_ld(client.get(course.url).content.decode())
    assert len(data["hasCourseInstance"]) == 20


# --- JSON-LD on lab pages -------------------------------------------------------------------------------


def test_lab_page_describes_the_lab_as_a_place_with_its_events(client, lab, course, two_runs):
    in_lab, outside = two_runs
    (data,) = json_ld(client.get(lab.url).content.decode())
    assert data["@type"] == "EducationalOrganization"
    assert data["name"] == "Regionallabor Hameln"
    assert data["description"] == "Mitten in der Altstadt."
    assert data["url"] == lab.full_url
    assert data["address"]["streetAddress"] == "Am Markt 1"
    assert data["address"]["postalCode"] == "31785"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 52.1033, "longitude": 9.3561}
    assert data["openingHours"] == ["Dienstag 10:00 bis 18:00 Uhr", "Donnerstag 14:00 bis 20:00 Uhr"]
    assert data["telephone"] == "05151 123 45"
    assert data["email"] == "hameln@example.org"
    first, second = data["event"]
    assert first["@type"] == second["@type"] == "Event"
    assert first["name"] == "Smartphone für Einsteiger"
    assert first["startDate"] == "2026-12-08T18:00:00+01:00"
    assert first["endDate"] == "2026-12-15T20:00:00+01:00"
    assert first["url"] == f"{course.full_url}#termin-{in_lab.pk}"
    assert first["location"]["address"]["streetAddress"] == "Am Markt 1"
    assert second["location"]["name"] == "Dorfgemeinschaftshaus Groß Berkel"
    assert first["organizer"] == {"@id": data["@id"]}


def test_a_lab_without_coordinates_is_placed_at_its_municipality(client):
    lab = make_lab("Regionallabor Aerzen", municipality="aerzen")
    lab.town = ""
    lab.save_revision().publish()
    (data,) = json_ld(client.get(lab.url).content.decode())
    assert data["address"]["addressLocality"] == "Aerzen"
    assert data["geo"]["@type"] == "GeoCoordinates"
    assert data["event"] == []


def test_lab_page_queries_do_not_grow_with_runs(client, lab, clock):
    for days in range(2):
        CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=7 + days))
    client.get(lab.url)
    two = queries(client, lab.url)
    for days in range(18):
        EnrolmentFactory(run=CourseRunFactory(course=make_course(lab), starts_in=timedelta(days=10 + days)))
    assert queries(client, lab.url) == two
    (data,) = json_ld(client.get(lab.url).content.decode())
    assert len(data["event"]) == 20


def test_pages_previewed_before_they_were_ever_saved_describe_themselves_too(lab):
    """The CMS previews a new page below its parent before it has a locale, municipality or runs."""
    course = CoursePage(title="Neu", slug="neu", summary="Kurz.", depth=lab.depth + 1)
    course.path = course._get_path(lab.path, course.depth, 1)
    course.set_url_path(lab)
    (data,) = json_ld(course.make_preview_request().content.decode())
    assert (data["name"], data["provider"]["name"], data["hasCourseInstance"]) == ("Neu", lab.title, [])
    index = lab.get_parent()
    new_lab = LabPage(title="Neues Labor", slug="neues-labor", depth=index.depth + 1)
    new_lab.path = new_lab._get_path(index.path, new_lab.depth, 1)
    new_lab.set_url_path(index)
    (data,) = json_ld(new_lab.make_preview_request().content.decode())
    assert (data["name"], data["event"]) == ("Neues Labor", [])


def test_other_pages_carry_no_structured_data(client, lab):
    assert json_ld(client.get(home_page().url).content.decode()) == []


# --- Open Graph, canonical and description ------------------------------------------------------------


def test_course_page_has_open_graph_tags_and_a_canonical_link(client, course):
    html = client.get(course.url).content.decode()
    assert meta(html, "og:title") == ["Smartphone für Einsteiger"]
    assert meta(html, "og:description") == ["Smartphone für Einsteiger in einfachen Schritten."]
    assert meta(html, "og:url") == [course.full_url]
    assert meta(html, "og:type") == ["website"]
    assert meta(html, "og:locale") == ["de_DE"]
    assert meta(html, "og:site_name") == ["Regionallabore"]
    assert meta(html, "og:image") == []
    assert meta(html, "twitter:card") == ["summary"]
    assert f'<link rel="canonical" href="{course.full_url}">' in html
    # The summary stands in for the search description the editor left empty.
    assert meta(html, "description") == ["Smartphone für Einsteiger in einfachen Schritten."]


def test_the_editors_search_description_comes_first_and_only_once(client, course):
    course.search_description = "Ihr erstes Smartphone, in Ruhe erklärt."
    course.seo_title = "Smartphone-Kurs in Hameln"
    course.save_revision().publish()
    html = client.get(course.url).content.decode()
    assert meta(html, "description") == ["Ihr erstes Smartphone, in Ruhe erklärt."]
    assert meta(html, "og:description") == ["Ihr erstes Smartphone, in Ruhe erklärt."]
    assert meta(html, "og:title") == ["Smartphone-Kurs in Hameln"]


def test_lab_page_previews_its_introduction(client, lab):
    html = client.get(lab.url).content.decode()
    assert meta(html, "og:description") == ["Mitten in der Altstadt."]
    assert meta(html, "description") == ["Mitten in der Altstadt."]


def test_open_graph_locales_name_language_and_country():
    assert (og_locale("de"), og_locale("en"), og_locale("en-gb")) == ("de_DE", "en_GB", "en_GB")


def test_a_page_with_a_picture_shows_it_in_link_previews(client):
    image = Image.objects.create(title="Das Labor", file=get_test_image_file(size=(1600, 900)))
    page = home_page().add_child(
        instance=StandardPage(
            title="Über uns",
            slug="ueber-uns",
            body=[
                ("paragraph", "<p>Wir sind die <b>Regionallabore</b> des Landkreises.</p>"),
                ("image", {"image": image, "alt_text": "Menschen am 3D-Drucker", "decorative": False}),
            ],
        )
    )
    html = client.get(page.url).content.decode()
    (url,) = meta(html, "og:image")
    assert url.startswith("http://localhost/") and url.endswith(".png")
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["630"]
    assert meta(html, "og:image:alt") == ["Menschen am 3D-Drucker"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "og:description") == ["Wir sind die Regionallabore des Landkreises."]


def test_a_picture_whose_file_is_lost_is_left_out_of_link_previews(client):
    image = Image.objects.create(title="Weg", file=get_test_image_file())
    image.file.storage.delete(image.file.name)
    page = home_page().add_child(
        instance=StandardPage(
            title="Presse", slug="presse", body=[("image", {"image": image, "alt_text": "x"})]
        )
    )
    response = client.get(page.url)
    assert response.status_code == 200
    assert meta(response.content.decode(), "og:image") == []


def test_a_list_page_beyond_the_first_keeps_its_number_in_the_canonical_link(client, catalogue):
    html = client.get(catalogue.url + "?page=2&audience=citizens").content.decode()
    assert f'<link rel="canonical" href="{catalogue.full_url}?page=2">' in html
    for nonsense in ("-1", "1", "abc", "99999999999"):
        html = client.get(catalogue.url + f"?page={nonsense}").content.decode()
        assert f'<link rel="canonical" href="{catalogue.full_url}">' in html


def test_views_outside_the_cms_carry_no_page_meta(client, catalogue):
    html = client.get("/suche/?q=Smartphone").content.decode()
    assert meta(html, "og:title") == [] and 'rel="canonical"' not in html


# --- sitemap.xml ----------------------------------------------------------------------------------------


def sitemap(client) -> dict[str, ElementTree.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return {url.findtext(f"{SITEMAP}loc"): url for url in root.findall(f"{SITEMAP}url")}


def test_sitemap_lists_the_live_public_pages_with_their_last_change(client, catalogue, course):
    course.save_revision().publish()
    urls = sitemap(client)
    lab = course.get_parent()
    for page in (home_page(), catalogue, lab.get_parent(), lab, course):
        assert page.full_url in urls
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", urls[course.full_url].findtext(f"{SITEMAP}lastmod"))


def test_sitemap_leaves_out_drafts_and_private_pages(client, lab):
    draft = make_course(lab, title="Noch nicht fertig")
    draft.unpublish()
    private = home_page().add_child(instance=StandardPage(title="Intern", slug="intern"))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="geheim")
    below_private = private.add_child(instance=StandardPage(title="Auch intern", slug="auch-intern"))
    urls = sitemap(client)
    assert lab.full_url in urls
    for page in (draft, private, below_private):
        assert page.full_url not in urls
    assert not any("/cms/" in url or "/konto/" in url for url in urls)


@pytest.fixture
def english(settings):
    """English content under /en/: an English locale and Wagtail's translations switched on."""
    settings.WAGTAIL_I18N_ENABLED = True
    locale, _ = Locale.objects.get_or_create(language_code="en")
    return locale


def counterpart(page, locale):
    """The page's counterpart in `locale`: the alias the locale synchronisation made, or a new alias."""
    found = page.get_translation_or_none(locale)
    if found is None:
        found = page.copy_for_translation(locale, copy_parents=True, alias=True)
    return found.specific


def translate(page, locale, **fields):
    """Publish an English translation of `page` in place of its alias, as translating it in the CMS does."""
    translation = counterpart(page, locale)
    translation.alias_of = None
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    translation.save_revision().publish()
    return translation


def test_sitemap_names_each_language_once_with_its_translations(client, english, lab):
    about = home_page().add_child(instance=StandardPage(title="Über uns", slug="ueber-uns"))
    translated = translate(about, english, title="About us")
    urls = sitemap(client)
    german, english_url = about.full_url, translated.full_url
    assert english_url == "http://localhost/en/ueber-uns/"
    assert german in urls and english_url in urls
    for url in (german, english_url):
        alternates = {link.get("hreflang"): link.get("href") for link in urls[url].findall(f"{XHTML}link")}
        assert alternates == {"de": german, "en": english_url, "x-default": german}
    assert not urls[lab.full_url].findall(f"{XHTML}link")


def test_an_untranslated_page_shown_in_english_is_listed_once_in_german(client, english, lab):
    translate(home_page(), english, title="Regional labs")
    alias = counterpart(lab.get_parent(), english)
    assert alias.full_url == "http://localhost/en/labore/"
    urls = sitemap(client)
    assert lab.get_parent().full_url in urls
    assert alias.full_url not in urls


def test_an_english_translation_previews_in_english_and_an_alias_points_to_the_german_page(client, english):
    about = home_page().add_child(
        instance=StandardPage(title="Über uns", slug="ueber-uns", search_description="Wer wir sind.")
    )
    translated = translate(about, english, title="About us", search_description="Who we are.")
    html = client.get("/en/ueber-uns/").content.decode()
    assert meta(html, "og:locale") == ["en_GB"]
    assert meta(html, "og:title") == ["About us"]
    assert f'<link rel="canonical" href="{translated.full_url}">' in html
    news = home_page().add_child(instance=StandardPage(title="Presse", slug="presse"))
    counterpart(news, english)
    html = client.get("/en/presse/").content.decode()
    assert f'<link rel="canonical" href="{news.full_url}">' in html
    assert meta(html, "og:locale") == ["de_DE"]


def test_sitemap_queries_do_not_grow_with_pages(client, lab):
    make_course(lab)
    client.get("/sitemap.xml")
    few = queries(client, "/sitemap.xml")
    for _ in range(10):
        make_course(make_lab())
    assert queries(client, "/sitemap.xml") == few


# --- robots.txt -----------------------------------------------------------------------------------------


def test_robots_may_read_everything_but_staff_tools_and_personal_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for private in ("/cms/", "/django-admin/", "/konto/", "/kursleitung/", "/team/", "/api/"):
        assert f"Disallow: {private}" in lines
    assert lines[-1] == "Sitemap: http://localhost/sitemap.xml"


def test_robots_stay_out_of_personal_pages_in_every_language():
    paths = robots_paths()
    assert "/en/konto/" in paths and "/en/kursleitung/" in paths
    assert "/de/konto/" not in paths and "/en/cms/" not in paths
