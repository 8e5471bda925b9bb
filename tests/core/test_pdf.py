"""PDFs from HTML: the text is there, set in the shipped fonts, and nothing but those fonts is ever read."""

import io
import threading

import pytest
from pypdf import PdfReader
from weasyprint.urls import URLFetcher

from core import pdf as core_pdf
from core.pdf import FONTS_DIR, FontsOnlyFetcher, render_pdf

HTML = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Liste</title><style>
@font-face { font-family: "Open Sans"; src: url("OpenSans-Regular.ttf"); }
body { font-family: "Open Sans"; }
</style>%s</head><body><h1>Teilnehmerliste</h1><p>Jürgen Größe</p>%s</body></html>"""


def fonts_of(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_pdf_holds_the_text_in_the_shipped_font():
    pdf = render_pdf(HTML % ("", ""))

    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Teilnehmerliste" in text and "Jürgen Größe" in text
    assert any("OpenSans" in name.replace("-", "") for name in fonts_of(pdf))


def test_nothing_but_the_fonts_is_read(monkeypatch):
    # A fresh font configuration for this thread: one kept from an earlier render has the font already.
    monkeypatch.setattr(core_pdf, "_local", threading.local())
    read = []
    original = URLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        read.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", recording_fetch)
    links = (
        '<link rel="stylesheet" href="https://example.org/site.css">'
        '<link rel="stylesheet" href="/etc/passwd">'
    )
    images = '<img src="http://127.0.0.1:8000/logo.png" alt=""><img src="../../manage.py" alt="">'

    pdf = render_pdf(HTML % (links, images))

    assert pdf.startswith(b"%PDF")
    assert read == [(FONTS_DIR / "OpenSans-Regular.ttf").resolve().as_uri()]


def test_the_font_configuration_is_kept_between_documents_of_a_thread(monkeypatch):
    monkeypatch.setattr(core_pdf, "_local", threading.local())
    read = []
    original = URLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        read.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", recording_fetch)
    first, second = render_pdf(HTML % ("", "")), render_pdf(HTML % ("", ""))

    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert read == [(FONTS_DIR / "OpenSans-Regular.ttf").resolve().as_uri()]
    assert any("OpenSans" in name.replace("-", "") for name in fonts_of(second))


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/font.woff",
        "ftp://example.org/x",
        "file://example.org/font.ttf",
        "file:///etc/passwd",
        (FONTS_DIR / ".." / ".." / "manage.py").as_uri(),
        (FONTS_DIR / "missing.ttf").as_uri(),
    ],
)
def test_the_fetcher_refuses_anything_but_the_fonts(url):
    with pytest.raises(ValueError):
        FontsOnlyFetcher().fetch(url)
