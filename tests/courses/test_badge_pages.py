"""The badge pages for people: /badges/ explains badges and lists them; each awarded badge has a page its
holder can share, with their name only if they chose so, and a baked PNG to download."""

import struct
import zlib
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.exceptions import NotAllowed
from courses.badges.services import badge_award, badge_class_for_course, badge_name_visibility_set
from courses.models import BadgeAssertion, BadgeClass, Competence, Enrolment
from tests.factories import BERLIN, CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab

pytestmark = pytest.mark.django_db

SITE = "https://lernen.example.org"
# A Tuesday evening, written out on the page as "Dienstag, 8. Dezember 2026".
COMPLETED_AT = datetime(2026, 12, 8, 20, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def holder():
    return UserFactory(email="erika@example.org", full_name="Erika Mustermann")


def _award(user, *, title="Sicher online bezahlen", lab=None, competences=("2.1", "4.2")) -> BadgeAssertion:
    course = make_course(lab or make_lab("Regionallabor Hameln"), title=title)
    course.competences.set(Competence.objects.filter(code__in=competences))
    course.save()
    run = CourseRunFactory(course=course, sessions=2, starts_in=-timedelta(days=20))
    enrolment = EnrolmentFactory(
        run=run, user=user, status=Enrolment.Status.COMPLETED, completed_at=COMPLETED_AT
    )
    return badge_award(enrolment=enrolment, badge_class=badge_class_for_course(course=course))


@pytest.fixture
def assertion(holder):
    return _award(holder)


def _page(assertion) -> str:
    return reverse("badges:assertion_page", args=[assertion.uuid])


def _name_url(assertion) -> str:
    return reverse("badges:assertion_name", args=[assertion.uuid])


def _download(assertion) -> str:
    return reverse("badges:assertion_image", args=[assertion.uuid]) + "?download=1"


def _revoke(assertion, reason="Irrtümlich verliehen"):
    assertion.revoked = True
    assertion.revocation_reason = reason
    assertion.save()


def _png_text(data: bytes) -> dict[str, str]:
    """The iTXt chunks of a PNG, keyword to text, each checked against its CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    texts, pos = {}, 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0] == zlib.crc32(kind + body)
        if kind == b"iTXt":
            keyword, rest = body.split(b"\x00", 1)
            texts[keyword.decode()] = rest[2:].split(b"\x00", 2)[2].decode()
        pos += 12 + length
    return texts


# The assertion page


def test_assertion_page_shows_the_badge_course_lab_date_and_competences(client, assertion):
    response = client.get(_page(assertion))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'alt="Sicher online bezahlen"' in html
    assert "<h1>Sicher online bezahlen</h1>" in html
    assert "Dienstag, 8. Dezember 2026" in html
    assert "Regionallabor Hameln" in html
    assert f'href="{assertion.badge_class.course.url}"' in html
    assert "2.1 Mit digitalen Technologien interagieren" in html
    assert "Teilnahme an mindestens 80 % der Termine des Kurses „Sicher online bezahlen“." in html


def test_assertion_page_says_it_is_verified_and_by_whom(client, assertion):
    html = client.get(_page(assertion)).content.decode()
    assert "Geprüft: echt" in html
    assert "Ausgestellt von: Regionallabore." in html
    assert "Status: widerrufen" not in html


def test_assertion_page_links_to_the_json_ld_and_the_explanation(client, assertion):
    html = client.get(_page(assertion)).content.decode()
    assert f'href="{reverse("badges:assertion", args=[assertion.uuid])}"' in html
    assert f'href="{reverse("badges:index")}#open-badges"' in html


def test_assertion_page_is_never_indexed(client, assertion):
    badge_name_visibility_set(assertion=assertion, by=assertion.enrolment.user, show=True)
    html = client.get(_page(assertion)).content.decode()
    assert '<meta name="robots" content="noindex">' in html


def test_assertion_page_names_competences_in_the_page_language(client, assertion):
    client.cookies["django_language"] = "en"
    html = client.get(_page(assertion)).content.decode()
    assert "2.1 Interacting through digital technologies" in html


def test_holder_name_is_hidden_by_default(client, assertion):
    html = client.get(_page(assertion)).content.decode()
    assert "Erika Mustermann" not in html
    assert "Der Name der Person wird nur gezeigt, wenn sie es erlaubt." in html


def test_holder_name_is_shown_when_chosen(client, assertion):
    BadgeAssertion.objects.filter(pk=assertion.pk).update(show_name=True)
    html = client.get(_page(assertion)).content.decode()
    assert "Verliehen an Erika Mustermann" in html


def test_holder_sees_the_name_choice_share_link_and_download(client, assertion):
    client.force_login(assertion.enrolment.user)
    html = client.get(_page(assertion)).content.decode()
    assert f'action="{_name_url(assertion)}"' in html
    assert "Meinen Namen auf dieser Seite zeigen" in html
    assert f'value="{SITE}{_page(assertion)}"' in html
    assert f'href="{_download(assertion)}"' in html


@pytest.mark.parametrize("who", ["anonymous", "someone else"])
def test_others_never_see_the_holders_controls(client, assertion, who):
    if who == "someone else":
        client.force_login(UserFactory())
    html = client.get(_page(assertion)).content.decode()
    assert _name_url(assertion) not in html
    assert "Meinen Namen" not in html
    assert "?download=1" not in html


def test_unknown_assertion_page_is_404(client):
    assert client.get("/badges/assertions/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_malformed_assertion_page_is_404(client):
    assert client.get("/badges/assertions/kein-badge/").status_code == 404


def test_assertion_page_query_count_does_not_grow_with_competences(client, holder, django_assert_num_queries):
    lab = make_lab("Regionallabor Hameln")
    few = _award(holder, title="Wenig", lab=lab, competences=("1.1",))
    many = _award(holder, title="Viel", lab=lab, competences=[c.code for c in Competence.objects.all()])
    client.force_login(holder)
    client.get(_page(few))  # fills per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as with_few:
        client.get(_page(few))
    with django_assert_num_queries(len(with_few)):
        response = client.get(_page(many))
    assert response.content.decode().count("<li>") >= Competence.objects.count()


# Content negotiation: the page's address also answers JSON-LD


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
def test_page_url_answers_json_ld_when_asked(client, assertion, accept):
    response = client.get(_page(assertion), headers={"accept": accept})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response.json()["id"] == f"{SITE}/badges/assertions/{assertion.uuid}.json"
    assert "Accept" in response["Vary"]


def test_page_url_answers_html_to_browsers(client, assertion):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(_page(assertion), headers={"accept": accept})
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


def test_json_ld_stays_at_json_address(client, assertion):
    response = client.get(reverse("badges:assertion", args=[assertion.uuid]), headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response.json()["type"] == "Assertion"


# Revoked badges


def test_revoked_page_says_so_with_the_reason(client, assertion):
    _revoke(assertion)
    html = client.get(_page(assertion)).content.decode()
    assert "Status: widerrufen" in html
    assert "Grund: Irrtümlich verliehen" in html
    assert "Geprüft: echt" not in html


def test_revoked_page_offers_no_download_or_share_link(client, assertion):
    _revoke(assertion)
    client.force_login(assertion.enrolment.user)
    html = client.get(_page(assertion)).content.decode()
    assert "?download=1" not in html
    assert "Link teilen" not in html
    assert client.get(_download(assertion)).status_code == 404


def test_revoked_page_asked_for_json_answers_410(client, assertion):
    _revoke(assertion)
    response = client.get(_page(assertion), headers={"accept": "application/ld+json"})
    assert response.status_code == 410
    assert response.json()["revocationReason"] == "Irrtümlich verliehen"


# The holder's choice of showing their name


def test_holder_shows_their_name(client, assertion):
    client.force_login(assertion.enrolment.user)
    response = client.post(_name_url(assertion), {"show": "1"})
    assert response.status_code == 302 and response["Location"] == _page(assertion)
    assertion.refresh_from_db()
    assert assertion.show_name is True
    assert "Verliehen an Erika Mustermann" in client.get(_page(assertion)).content.decode()


def test_holder_hides_their_name_again(client, assertion):
    BadgeAssertion.objects.filter(pk=assertion.pk).update(show_name=True)
    client.force_login(assertion.enrolment.user)
    client.post(_name_url(assertion), {"show": "0"})
    assertion.refresh_from_db()
    assert assertion.show_name is False
    assert "Erika Mustermann" not in client.get(_page(assertion)).content.decode()


def test_someone_elses_choice_is_not_found_and_changes_nothing(client, assertion):
    client.force_login(UserFactory())
    response = client.post(_name_url(assertion), {"show": "1"})
    assert response.status_code == 404
    assertion.refresh_from_db()
    assert assertion.show_name is False


def test_anonymous_choice_goes_to_login_and_changes_nothing(client, assertion):
    response = client.post(_name_url(assertion), {"show": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assertion.refresh_from_db()
    assert assertion.show_name is False


def test_name_address_after_login_leads_to_the_badge_page(client, assertion):
    client.force_login(assertion.enrolment.user)
    response = client.get(_name_url(assertion))
    assert response.status_code == 302 and response["Location"] == _page(assertion)


@pytest.mark.parametrize("value", ["", "ja", "2"])
def test_unreadable_choice_changes_nothing_and_says_why(client, assertion, value):
    client.force_login(assertion.enrolment.user)
    response = client.post(_name_url(assertion), {"show": value}, follow=True)
    assert "Bitte wählen Sie, ob Ihr Name auf der Seite stehen soll." in response.content.decode()
    assertion.refresh_from_db()
    assert assertion.show_name is False


def test_choice_for_unknown_badge_is_404(client, holder):
    client.force_login(holder)
    url = reverse("badges:assertion_name", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url, {"show": "1"}).status_code == 404


def test_only_the_holder_may_set_the_name_choice(assertion):
    with pytest.raises(NotAllowed):
        badge_name_visibility_set(assertion=assertion, by=UserFactory(), show=True)
    assertion.refresh_from_db()
    assert assertion.show_name is False


# The download


def test_download_is_the_baked_png_as_an_attachment(client, assertion):
    response = client.get(_download(assertion))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="badge-sicher-online-bezahlen.png"'
    assert _png_text(response.content) == {"openbadges": f"{SITE}/badges/assertions/{assertion.uuid}.json"}


def test_download_file_name_is_plain_ascii(client, holder):
    assertion = _award(holder, title="Übersicht für Ältere: Straße & Co.")
    disposition = client.get(_download(assertion))["Content-Disposition"]
    assert disposition == 'attachment; filename="badge-uebersicht-fuer-aeltere-strasse-co.png"'


def test_image_without_download_is_shown_inline(client, assertion):
    response = client.get(reverse("badges:assertion_image", args=[assertion.uuid]))
    assert "Content-Disposition" not in response


# /badges/


def _badge_classes(n: int):
    lab = make_lab()
    for _ in range(n):
        course = make_course(lab)
        course.competences.set(Competence.objects.filter(code__in=["1.1", "2.1"]))
        badge_class_for_course(course=course)


def test_index_explains_badges(client):
    html = client.get(reverse("badges:index")).content.decode()
    assert "Was ist ein Badge?" in html
    assert 'id="open-badges"' in html
    assert "Open Badges 2.0" in html
    assert "Backpack" in html
    assert "Ihr Name bleibt verborgen" in html


def test_index_lists_badge_classes_with_course_lab_and_competences(client, assertion):
    html = client.get(reverse("badges:index")).content.decode()
    badge_class = assertion.badge_class
    assert reverse("badges:badge_class_image", args=[badge_class.pk]) in html
    assert "Sicher online bezahlen" in html
    assert f'href="{badge_class.course.url}"' in html
    assert "Regionallabor Hameln" in html
    assert "4.2 Personenbezogene Daten und Privatsphäre schützen" in html


def test_index_is_paginated(client):
    _badge_classes(30)
    first = client.get(reverse("badges:index")).content.decode()
    second = client.get(reverse("badges:index"), {"page": 2}).content.decode()
    assert first.count('class="card badge-card"') == 24
    assert second.count('class="card badge-card"') == 6
    assert "Seite 2 von 2" in second


def test_index_with_a_bad_page_number_shows_a_page(client):
    _badge_classes(3)
    response = client.get(reverse("badges:index"), {"page": "x'; drop"})
    assert response.status_code == 200
    assert response.content.decode().count('class="card badge-card"') == 3


def test_index_query_count_is_the_same_for_3_and_30_badges(client, django_assert_num_queries):
    _badge_classes(3)
    client.get(reverse("badges:index"))  # fills per-process caches (content types, translations)
    cache.clear()
    with CaptureQueriesContext(connection) as with_three:
        client.get(reverse("badges:index"))
    _badge_classes(27)
    cache.clear()
    with django_assert_num_queries(len(with_three)):
        client.get(reverse("badges:index"))


def test_index_without_badges_says_so(client):
    assert not BadgeClass.objects.exists()
    assert "Noch keine." in client.get(reverse("badges:index")).content.decode()


# "Meine Kurse"


def test_my_courses_links_to_the_badge_page_not_the_json(client, assertion):
    client.force_login(assertion.enrolment.user)
    html = client.get(reverse("courses:my_courses")).content.decode()
    assert f'href="{_page(assertion)}"' in html
    assert reverse("badges:assertion", args=[assertion.uuid]) not in html


def _certificate(enrolment, language):
    from certificates.models import Certificate

    return Certificate.objects.create(
        code="K7QM3XRT9HVD",
        enrolment=enrolment,
        participant_name="Erika Mustermann",
        course_title="Sicher online bezahlen",
        lab_name="Regionallabor Hameln",
        first_session=COMPLETED_AT.date() - timedelta(days=7),
        last_session=COMPLETED_AT.date(),
        hours=4,
        language=language,
        issued_at=COMPLETED_AT,
    )


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [("de", "PDF auf Deutsch", "PDF in English"), ("en", "PDF in English", "PDF auf Deutsch")],
)
def test_my_courses_offers_the_certificate_in_both_languages_its_own_first(
    client, assertion, language, first, second
):
    certificate = _certificate(assertion.enrolment, language)
    client.force_login(assertion.enrolment.user)
    html = client.get(reverse("courses:my_courses")).content.decode()
    pdf = reverse("certificates:pdf", args=[certificate.code])
    assert f'href="{pdf}?lang=de"' in html and f'href="{pdf}?lang=en"' in html
    assert html.index(f"?lang={language}") < html.index(f"?lang={'en' if language == 'de' else 'de'}")
    assert html.index(first) < html.index(second)


def test_my_courses_links_to_the_kompetenzpass(client, holder):
    client.force_login(holder)
    html = client.get(reverse("courses:my_courses")).content.decode()
    passport = reverse("competences:passport")
    assert f'<a class="more-link" href="{passport}">Mein Kompetenzpass' in html


def test_a_badge_class_made_while_english_is_active_keeps_its_criteria_in_german(db):
    from django.utils import translation

    from courses.badges.services import badge_class_for_course
    from tests.factories import CourseRunFactory

    course = CourseRunFactory().course
    with translation.override("en"):
        badge_class = badge_class_for_course(course=course)
    assert badge_class.criteria.startswith("Teilnahme an mindestens")
