"""PDF documents rendered by WeasyPrint from HTML, without ever touching the network.

The only files WeasyPrint may read are the fonts shipped in static/fonts: a template names them relative
to that folder (`src: url("OpenSans-Regular.ttf")`) and keeps its stylesheet and pictures inline (pictures as
`data:` URLs, which carry their bytes and reach nothing).
"""

import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


class FontsOnlyFetcher(URLFetcher):
    """Lets WeasyPrint read the project's font files and inline `data:` pictures, nothing else (no http, no
    other files)."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused to fetch {url}: only the project's fonts may be read.")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(FONTS_DIR.resolve()) or not path.is_file():
            raise ValueError(f"Refused to fetch {url}: only the project's fonts may be read.")
        return super().fetch(path.as_uri(), headers)


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept: a new one per document costs time and leaves memory behind
    that is never given back (a worker rendering hundreds of certificates grew by about 380 KiB each)."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(html: str, *, variant: str | None = None) -> bytes:
    """The HTML as a tagged PDF (screen readers follow its headings and tables), its relative URLs read
    from the fonts folder; `variant` asks for an archival flavour such as "pdf/a-3a"."""
    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=FontsOnlyFetcher())
    return document.write_pdf(pdf_variant=variant, pdf_tags=True, font_config=_font_config())
