"""The "certificate ready" mail, delivered through the outbox once the PDF is stored.

Its wording is registered here in German and English and may be changed by editors in the CMS
("E-Mail-Texte"); the link, the code and the verification address come from the templates.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.mail import register_mail, send

from .models import Certificate

CERTIFICATE_READY = "certificate_ready"

register_mail(
    CERTIFICATE_READY,
    label=_("Zertifikat ist fertig"),
    subject={"de": "Ihr Zertifikat ist da", "en": "Your certificate is ready"},
    body={
        "de": (
            "Guten Tag {name},\n\nherzlichen Glückwunsch: Sie haben den Kurs „{course}“ abgeschlossen. "
            "Ihr Zertifikat ist fertig."
        ),
        "en": (
            "Hello {name},\n\ncongratulations: you have completed the course “{course}”. Your certificate "
            "is ready."
        ),
    },
    placeholders={
        "name": _("Name der Person, an die die E-Mail geht"),
        "course": _("Titel des Kurses"),
        "code": _("Prüfcode des Zertifikats"),
    },
    template="certificates/email/certificate_ready",
)


def send_certificate_ready(certificate_id: int, key: str = "") -> None:
    """Tell the holder that the certificate can be downloaded; nothing for a revoked one. A person who came
    without enrolling and gave no email address gets it printed by the trainer."""
    certificate = Certificate.objects.select_related("enrolment__user").filter(pk=certificate_id).first()
    if certificate is None or not certificate.is_valid or not certificate.files.exists():
        return
    user = certificate.enrolment.user
    if user is not None and user.is_active:
        send(
            CERTIFICATE_READY,
            to=[user.email],
            language=user.language,
            context={
                "certificate": certificate,
                "name": user.get_short_name(),
                "course": certificate.course_title,
                "code": certificate.display_code,
                "action_url": settings.SITE_URL + reverse("courses:my_courses"),
            },
        )
    Certificate.objects.filter(pk=certificate.pk, notified_at__isnull=True).update(notified_at=timezone.now())
