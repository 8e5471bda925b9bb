import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from core.pdf import FONTS_DIR, FontsOnlyFetcher

pytestmark = pytest.mark.django_db


def _pdf_bytes(certificate, settings) -> bytes:
    return (settings.PRIVATE_STORAGE_ROOT / certificate.pdf).read_bytes()


def test_pdf_names_participant_course_and_code(certificate, settings):
    reader = PdfReader(io.BytesIO(_pdf_bytes(certificate, settings)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Hannelore Schmidt" in text
    assert "Sicher online bezahlen" in text
    assert certificate.display_code in text


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler and zbar"
)
def test_qr_code_points_to_the_verification_page(certificate, settings, tmp_path):
    pdf_path = settings.PRIVATE_STORAGE_ROOT / certificate.pdf
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf_path), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    result = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"{settings.SITE_URL}/verify/{certificate.code}/"


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
