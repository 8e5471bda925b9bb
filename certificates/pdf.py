"""The certificate as a PDF: a template rendered by WeasyPrint, with a QR code to the verification page.

WeasyPrint never fetches anything from the network (`core.pdf`): the only files it may read are the fonts
shipped in static/fonts; the QR code (SVG) and the pictures of the design (logos, signature, PNG) are inline
`data:` URLs and the stylesheet is part of the template. A picture that is gone leaves its place empty.

The PDF is PDF/A-3a: tagged, fonts embedded, every picture with its alt text (tests/certificates/test_pdfa.py
checks what can be checked without a validator).
"""

import base64
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string
from django.utils import translation

from core.pdf import render_pdf

from .issuer import issuer_name
from .models import Certificate
from .selectors import certificate_competences

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3a"
# Pictures are scaled down before they go into the PDF: sharp at print size, small files.
LOGO_RENDITION = "max-600x240|format-png"
SIGNATURE_RENDITION = "max-600x200|format-png"
# Dates written out as each language writes them on a document: "30. November 2026", "30 November 2026".
DATE_FORMATS = {"de": "j. F Y", "en": "j F Y"}


def private_storage() -> FileSystemStorage:
    """Storage for personal documents, outside the public media folder and never served directly."""
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT, base_url=None)


def qr_data_url(url: str) -> str:
    """A QR code (error correction M) for the given URL as an SVG `data:` URL: drawn as vectors, and as an
    image it carries its alt text into the PDF's structure."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_data_uri(scale=4, border=0, dark="#1a1a1a", omitsize=True)


def language_of(language: str | None) -> str:
    """A language certificates are written in: the one asked for if the site speaks it, else the default."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def image_data_url(image_id: int | None, *, spec: str) -> str:
    """A picture from the CMS's images as a `data:` URL, or "" when there is none or it cannot be read (the
    image was deleted, its file is gone or broken): a certificate is never held up by a picture."""
    if not image_id:
        return ""
    from wagtail.images import get_image_model

    for _attempt in range(2):
        image = get_image_model().objects.filter(pk=image_id).first()
        if image is None:
            return ""
        try:
            rendition = image.get_rendition(spec)
        except (OSError, ValueError):
            logger.warning("Image %s cannot be read; the certificate is rendered without it.", image_id)
            return ""
        try:
            with rendition.file.open("rb") as file:
                data = file.read()
        except OSError:
            # The rendition's file is gone (media restored without renditions): make it again once.
            rendition.delete()
            continue
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return ""


@dataclass(frozen=True)
class Design:
    """The design of one certificate in one language, ready for the template."""

    district_logo: str = ""
    lab_logo: str = ""
    signature: str = ""
    signer_name: str = ""
    signer_title: str = ""
    text: str = ""


def design_for(design: dict, language: str) -> Design:
    def in_language(value) -> str:
        if isinstance(value, dict):
            return value.get(language) or value.get(settings.LANGUAGE_CODE) or ""
        return value or ""

    return Design(
        district_logo=image_data_url(design.get("district_logo"), spec=LOGO_RENDITION),
        lab_logo=image_data_url(design.get("lab_logo"), spec=LOGO_RENDITION),
        signature=image_data_url(design.get("signature"), spec=SIGNATURE_RENDITION),
        signer_name=design.get("signer_name") or "",
        signer_title=in_language(design.get("signer_title")),
        text=in_language(design.get("text")),
    )


def certificate_context(certificate: Certificate, *, language: str) -> dict:
    return {
        "certificate": certificate,
        "language": language,
        "competences": certificate_competences(certificate=certificate, language=language),
        "design": design_for(certificate.design or {}, language),
        "verify_url": certificate.verify_url,
        "verify_host": urlsplit(settings.SITE_URL).netloc,
        "qr_image": qr_data_url(certificate.verify_url),
        "organisation": issuer_name(),
        "same_day": certificate.first_session == certificate.last_session,
        "date_format": DATE_FORMATS.get(language, DATE_FORMATS["de"]),
    }


def render_certificate_html(certificate: Certificate, *, language: str = "de") -> str:
    language = language_of(language)
    with translation.override(language):
        return render_to_string(
            "certificates/pdf/certificate.html", certificate_context(certificate, language=language)
        )


def render_certificate_pdf(certificate: Certificate, *, language: str = "de") -> bytes:
    return render_pdf(render_certificate_html(certificate, language=language), variant=PDF_VARIANT)


@dataclass(frozen=True)
class StoredFile:
    path: str
    sha256: str
    size: int


def store_certificate_pdf(certificate: Certificate, *, language: str) -> StoredFile:
    """Render the PDF into private storage under a name fixed by code and language, and return it with its
    SHA-256.

    The file is written beside its final place and then moved over it in one step, so a reader, a second
    worker or a crash in between never leaves a half file or a second copy.
    """
    name = f"certificates/{certificate.code}-{language}.pdf"
    data = render_certificate_pdf(certificate, language=language)
    storage = private_storage()
    target = Path(storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if storage.file_permissions_mode is not None:
            os.chmod(temporary, storage.file_permissions_mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(path=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
