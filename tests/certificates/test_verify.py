"""The public verification page: the status first, what the certificate states, the PDF's SHA-256."""

import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.services import certificate_reissue, certificate_revoke
from courses.models import BadgeAssertion, BadgeClass
from tests.factories import UserFactory, moment

pytestmark = pytest.mark.django_db


def _page(client, certificate, **headers) -> str:
    response = client.get(reverse("certificates:verify", args=[certificate.code]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def _main(text: str) -> str:
    return text.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _revoke(certificate, reason="Anwesenheit falsch eingetragen"):
    return certificate_revoke(certificate=certificate, by=UserFactory(is_superuser=True), reason=reason)


def test_the_status_comes_before_what_the_certificate_states(client, certificate):
    main = _main(_page(client, certificate))
    assert main.index("Gültig") < main.index("Hannelore Schmidt") < main.index("Sicher online bezahlen")
    assert "<h1" in main.split("Gültig", 1)[0]


def test_shows_holder_course_lab_hours_level_and_code(client, certificate):
    text = _page(client, certificate)
    for fact in (
        "Hannelore Schmidt",
        "Sicher online bezahlen",
        certificate.lab_name,
        "6 Stunden",
        "Grundlagen (Stufe 2)",
        certificate.display_code,
    ):
        assert fact in text


def test_dates_are_written_out(client, certificate):
    text = _page(client, certificate)
    first = timezone.localdate(certificate.enrolment.run.sessions.order_by("start").first().start)
    weekday = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"][
        first.weekday()
    ]
    assert re.search(rf"{weekday}, {first.day}\. \w+ {first.year} bis", text)


def test_competences_show_code_and_german_name(client, certificate):
    text = _page(client, certificate)
    assert "2.1" in text
    assert "Mit digitalen Technologien interagieren" in text
    assert "Personenbezogene Daten und Privatsphäre schützen" in text


def test_competences_are_named_in_english_on_the_english_page(client, certificate):
    response = client.get("/en" + reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Interacting through digital technologies" in text
    assert "Mit digitalen Technologien interagieren" not in text


def test_the_page_asks_search_engines_not_to_index_it(client, certificate):
    assert '<meta name="robots" content="noindex">' in _page(client, certificate)


def test_the_sha256_shown_is_that_of_the_downloaded_pdf(client, certificate):
    owner = certificate.enrolment.user
    client.force_login(owner)
    downloads = {}
    for language in ("de", "en"):
        response = client.get(reverse("certificates:pdf", args=[certificate.code]), {"lang": language})
        downloads[language] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
    client.logout()

    text = _page(client, certificate)

    assert downloads["de"] != downloads["en"]
    for digest in downloads.values():
        assert f'data-sha256="{digest}"' in text
    assert "Prüfsumme (SHA-256) der PDF-Datei" in text
    assert "sha256sum" in text


def test_the_in_browser_check_stays_hidden_until_its_script_runs(client, certificate):
    text = _page(client, certificate)
    assert re.search(r"<div class=\"cert-check\" data-verify-check hidden", text)
    assert "js/verify.js" in text
    assert "<script>" not in text


def test_the_holder_is_offered_the_pdf_in_both_languages(client, certificate):
    client.force_login(certificate.enrolment.user)
    text = _page(client, certificate)
    pdf = reverse("certificates:pdf", args=[certificate.code])
    assert f'href="{pdf}?lang=de"' in text
    assert f'href="{pdf}?lang=en"' in text


def test_a_stranger_is_offered_no_pdf(client, certificate):
    client.force_login(UserFactory())
    assert reverse("certificates:pdf", args=[certificate.code]) not in _page(client, certificate)


def test_a_revoked_certificate_shows_reason_and_date_and_offers_no_pdf(clock, client, certificate):
    _revoke(certificate)
    client.force_login(certificate.enrolment.user)

    text = _page(client, certificate)

    assert "Widerrufen" in text
    assert "Grund: Anwesenheit falsch eingetragen" in text
    assert "Widerrufen am Dienstag, 1. Dezember 2026." in text
    assert reverse("certificates:pdf", args=[certificate.code]) not in text
    assert "echt und gültig" not in text


def test_a_replaced_certificate_says_replaced_by_with_a_link_to_the_new_one(client, certificate):
    new = certificate_reissue(
        certificate=certificate, by=UserFactory(is_superuser=True), reason="Name falsch geschrieben"
    )

    text = _page(client, certificate)

    assert "Ersetzt durch" in text
    assert f'href="{reverse("certificates:verify", args=[new.code])}"' in text
    assert new.display_code in text
    assert "Grund: Name falsch geschrieben" in text


def test_a_badge_of_the_same_course_is_linked(client, certificate):
    course = certificate.enrolment.run.course
    badge_class = BadgeClass.objects.create(
        course=course, name="Sicher bezahlen", description="-", criteria="-"
    )
    badge = BadgeAssertion.objects.create(
        badge_class=badge_class,
        enrolment=certificate.enrolment,
        recipient_hash="sha256$0",
        salt="00",
        issued_on=moment(),
    )

    text = _page(client, certificate)

    assert f"/badges/assertions/{badge.uuid}/" in text
    assert "Sicher bezahlen" in text


def test_a_revoked_certificate_links_no_badge(client, certificate):
    course = certificate.enrolment.run.course
    badge_class = BadgeClass.objects.create(
        course=course, name="Sicher bezahlen", description="-", criteria="-"
    )
    badge = BadgeAssertion.objects.create(
        badge_class=badge_class,
        enrolment=certificate.enrolment,
        recipient_hash="sha256$0",
        salt="00",
        issued_on=moment(),
    )
    _revoke(certificate)

    assert str(badge.uuid) not in _page(client, certificate)
