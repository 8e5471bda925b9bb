"""The certificate as a PDF: a template rendered by WeasyPrint, with a QR code to the verification page.

WeasyPrint never fetches anything from the network (`core.pdf`): the only files it may read are the fonts
shipped in static/fonts; the QR code is inline SVG and the stylesheet is part of the template.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from core.pdf import render_pdf

from .issuer import issuer_name
from .models import Certificate

PDF_VARIANT = "pdf/a-3a"


def private_storage() -> FileSystemStorage:
    """Storage for personal documents, outside the public media folder and never served directly."""
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT, base_url=None)


def qr_svg(url: str) -> str:
    """An inline SVG QR code (error correction M) for the given URL, without fixed size."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=4, border=0, dark="#1a1a1a", omitsize=True)


def render_certificate_html(certificate: Certificate) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "certificates/pdf/certificate.html",
            {
                "certificate": certificate,
                "verify_url": certificate.verify_url,
                "verify_host": urlsplit(settings.SITE_URL).netloc,
                "qr_svg": mark_safe(qr_svg(certificate.verify_url)),  # noqa: S308 - segno's own SVG
                "organisation": issuer_name(),
                "same_day": certificate.first_session == certificate.last_session,
            },
        )


def render_certificate_pdf(certificate: Certificate) -> bytes:
    return render_pdf(render_certificate_html(certificate), variant=PDF_VARIANT)


def store_certificate_pdf(certificate: Certificate) -> str:
    """Render the PDF into private storage under a name fixed by the code, and return that name.

    The file is written beside its final place and then moved over it in one step, so a reader, a second
    worker or a crash in between never leaves a half file or a second copy.
    """
    name = f"certificates/{certificate.code}.pdf"
    data = render_certificate_pdf(certificate)
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
    return name
