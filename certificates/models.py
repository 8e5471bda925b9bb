from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import Enrolment, Level


class Certificate(models.Model):
    """A certificate of completion. Names and titles are copied at issue so later edits never change it."""

    class Status(models.TextChoices):
        VALID = "valid", _("gültig")
        REVOKED = "revoked", _("widerrufen")

    code = models.CharField(_("Prüfcode"), max_length=20, unique=True, editable=False)
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("Anmeldung")
    )
    participant_name = models.CharField(_("Name"), max_length=150)
    course_title = models.CharField(_("Kurs"), max_length=255)
    lab_name = models.CharField(_("Labor"), max_length=255)
    competences = models.JSONField(_("Kompetenzen"), default=list)
    first_session = models.DateField(_("von"))
    last_session = models.DateField(_("bis"))
    hours = models.DecimalField(_("Stunden"), max_digits=5, decimal_places=1)
    level = models.PositiveSmallIntegerField(_("Niveau (DigComp)"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ausgestellt am"))
    status = models.CharField(_("Stand"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    revocation_reason = models.CharField(_("Grund des Widerrufs"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("widerrufen von"),
        editable=False,
    )
    # Path inside PRIVATE_STORAGE_ROOT; the file is served only through the access-checked view.
    pdf = models.CharField(_("PDF-Datei"), max_length=200, blank=True, editable=False)
    notified_at = models.DateTimeField(_("Nachricht verschickt am"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Zertifikat")
        verbose_name_plural = _("Zertifikate")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.code} – {self.participant_name} – {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    @property
    def display_code(self) -> str:
        """The code as printed and typed: groups of four, e.g. "K7QM-3XRT-9HVD"."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level else ""

    @property
    def verify_url(self) -> str:
        """The public verification page, absolute: the QR code's target."""
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def pdf_url(self) -> str:
        return reverse("certificates:pdf", args=[self.code])
