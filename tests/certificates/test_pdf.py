import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from certificates.pdf import render_certificate_html, render_certificate_pdf
from core.pdf import FONTS_DIR, FontsOnlyFetcher
from courses.models import Competence

pytestmark = pytest.mark.django_db

SIX_COMPETENCES = ["1.1", "1.2", "1.3", "2.3", "4.2", "5.2"]  # among the longest names in both languages


def _stored_pdf(certificate, settings, language="de") -> Path:
    return settings.PRIVATE_STORAGE_ROOT / certificate.files.get(language=language).path


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def _text(data: bytes) -> str:
    return " ".join(_reader(data).pages[0].extract_text().split())


def _images(data: bytes) -> list:
    """The raster pictures the page draws (the QR code is a vector drawing)."""
    xobjects = _reader(data).pages[0]["/Resources"].get("/XObject", {})
    return [x for x in (ref.get_object() for ref in xobjects.values()) if x.get("/Subtype") == "/Image"]


def _longest_certificate(certificate):
    """The certificate with a long name, a long title and six competences, not saved."""
    certificate.participant_name = "Maria-Magdalena Alexandra von Hohenzollern-Sigmaringen-Wittgenstein"
    certificate.course_title = (
        "Digitale Verwaltung im Alltag: Online-Anträge, elektronische Identität, sichere Passwörter "
        "und Videosprechstunden mit Behörden und Ärztinnen"
    )
    certificate.competences = [
        {"code": c.code, "name": c.name, "name_en": c.name_en}
        for c in Competence.objects.filter(code__in=SIX_COMPETENCES)
    ]
    certificate.level = 4
    return certificate


def test_pdf_names_participant_course_and_code(certificate, settings):
    reader = PdfReader(_stored_pdf(certificate, settings))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Hannelore Schmidt" in text
    assert "Sicher online bezahlen" in text
    assert certificate.display_code in text


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler and zbar"
)
def test_qr_code_points_to_the_verification_page(certificate, settings, tmp_path):
    pdf_path = _stored_pdf(certificate, settings)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf_path), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    result = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"{settings.SITE_URL}/verify/{certificate.code}/"


def test_an_english_certificate_points_to_the_same_verification_page(certificate, settings):
    with translation.override("en"):
        assert certificate.verify_url == f"{settings.SITE_URL}/verify/{certificate.code}/"


def test_german_certificate_speaks_german(certificate, certificate_template):
    text = _text(render_certificate_pdf(certificate, language="de"))
    assert "Zertifikat" in text
    assert "Hiermit bestätigen wir, dass" in text
    assert "Ausgestellt am" in text


def test_english_certificate_speaks_english(certificate, certificate_template):
    text = _text(render_certificate_pdf(certificate, language="en"))
    assert "Certificate" in text
    assert "Zertifikat" not in text
    assert "Issued on" in text
    assert "Hiermit" not in text and "Stunden" not in text


def test_english_dates_are_written_without_the_german_full_stop(certificate):
    certificate.first_session = certificate.last_session
    text = _text(render_certificate_pdf(certificate, language="en"))
    day = certificate.first_session
    assert f"{day.day} {day:%B} {day.year}" in text  # the C locale's month names are English
    assert f"{day.day}. " not in text


def test_competences_are_named_in_the_certificates_language(certificate):
    german = _text(render_certificate_pdf(certificate, language="de"))
    english = _text(render_certificate_pdf(certificate, language="en"))
    assert "Personenbezogene Daten und Privatsphäre schützen" in german
    assert "Protecting personal data and privacy" in english
    assert "Privatsphäre" not in english


@pytest.mark.parametrize("language", ["de", "en"])
def test_html_language_follows_the_certificate_language(certificate, language):
    html = render_certificate_html(certificate, language=language)
    assert f'<html lang="{language}">' in html


def test_an_unknown_language_is_written_in_german(certificate):
    assert '<html lang="de">' in render_certificate_html(certificate, language="fr")


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("de", "Zertifikat für Hannelore Schmidt: Sicher online bezahlen"),
        ("en", "Certificate for Hannelore Schmidt"),
    ],
)
def test_pdf_metadata_names_holder_course_lab_and_language(certificate, language, title):
    reader = _reader(render_certificate_pdf(certificate, language=language))
    assert reader.metadata.title.startswith(title)
    assert certificate.lab_name in reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == language


def test_the_design_is_printed_in_the_language(certificate_template, completed_enrolment):
    from certificates.services import certificate_issue

    certificate = certificate_issue(enrolment=completed_enrolment)
    german = render_certificate_pdf(certificate, language="de")
    english = render_certificate_pdf(certificate, language="en")
    assert "Dr. Annette Vogelsang" in _text(german) and "Dr. Annette Vogelsang" in _text(english)
    assert "Leitung der Regionallabore" in _text(german)
    assert "Head of the Regional Labs" in _text(english)
    assert "Gefördert vom Land Niedersachsen" in _text(german)
    assert "Funded by the State of Lower Saxony" in _text(english)
    assert len(_images(german)) == 3  # both logos and the signature


@pytest.mark.parametrize("language", ["de", "en"])
def test_long_name_long_title_six_competences_and_all_pictures_fit_one_page(
    certificate_template, completed_enrolment, language
):
    from certificates.services import certificate_issue

    certificate = _longest_certificate(certificate_issue(enrolment=completed_enrolment))
    data = render_certificate_pdf(certificate, language=language)
    assert len(_reader(data).pages) == 1
    text = _text(data)
    assert "Hohenzollern-Sigmaringen-Wittgenstein" in text
    assert "Ärztinnen" in text
    assert "5.2" in text
    assert (
        "Gefördert vom Land Niedersachsen" if language == "de" else "Funded by the State of Lower Saxony"
    ) in text
    assert len(_images(data)) == 3


def test_names_and_titles_as_long_as_the_fields_allow_still_fit_one_page(
    certificate_template, completed_enrolment
):
    from certificates.services import certificate_issue

    certificate = _longest_certificate(certificate_issue(enrolment=completed_enrolment))
    certificate.participant_name = ("Maria-Magdalena Alexandra " * 6)[:150]
    certificate.course_title = ("Digitale Verwaltung im Alltag: Online-Anträge und mehr " * 6)[:255]
    assert len(_reader(render_certificate_pdf(certificate, language="de")).pages) == 1


def test_a_deleted_logo_is_left_out(certificate_template, completed_enrolment, pictures):
    from certificates.services import certificate_issue

    certificate = certificate_issue(enrolment=completed_enrolment)
    pictures["lab_logo"].delete()
    data = render_certificate_pdf(certificate, language="de")
    assert len(_reader(data).pages) == 1
    assert len(_images(data)) == 2
    assert "Hannelore Schmidt" in _text(data)


def test_a_logo_whose_file_is_gone_is_left_out(certificate_template, completed_enrolment, pictures):
    from certificates.services import certificate_issue

    certificate = certificate_issue(enrolment=completed_enrolment)
    district_logo = pictures["district_logo"]
    district_logo.renditions.all().delete()
    Path(district_logo.file.path).unlink()
    data = render_certificate_pdf(certificate, language="de")
    assert len(_reader(data).pages) == 1
    assert len(_images(data)) == 2
    assert "Hannelore Schmidt" in _text(data)


def test_a_logo_whose_file_is_broken_is_left_out(certificate_template, completed_enrolment, pictures):
    from certificates.services import certificate_issue

    certificate = certificate_issue(enrolment=completed_enrolment)
    lab_logo = pictures["lab_logo"]
    lab_logo.renditions.all().delete()
    Path(lab_logo.file.path).write_bytes(b"not a picture")
    data = render_certificate_pdf(certificate, language="de")
    assert len(_reader(data).pages) == 1
    assert len(_images(data)) == 2


def test_a_lost_rendition_file_is_made_again(certificate_template, completed_enrolment, pictures):
    from certificates.services import certificate_issue

    certificate = certificate_issue(enrolment=completed_enrolment)
    for rendition in pictures["signature"].renditions.all():
        Path(rendition.file.path).unlink()
    assert len(_images(render_certificate_pdf(certificate, language="de"))) == 3


def test_a_certificate_without_design_has_no_pictures(certificate):
    data = render_certificate_pdf(certificate, language="de")
    assert certificate.design == {}
    assert _images(data) == []
    assert len(_reader(data).pages) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/font.woff",
        "http://127.0.0.1:8000/static/css/site.css",
        "ftp://example.org/x",
        "file:///etc/passwd",
        (FONTS_DIR / ".." / ".." / "manage.py").as_uri(),
    ],
)
def test_fetcher_refuses_anything_but_the_fonts(url):
    with pytest.raises(ValueError):
        FontsOnlyFetcher().fetch(url)


def test_fetcher_reads_a_shipped_font():
    response = FontsOnlyFetcher().fetch((FONTS_DIR / "OpenSans-Regular.ttf").as_uri())
    try:
        assert len(response.read()) > 10000
    finally:
        response.close()
