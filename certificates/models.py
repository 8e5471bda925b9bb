from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin

from courses.models import CoursePage, Enrolment, Level
from labs.models import LabPage

LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]


class CertificateTemplate(DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, ClusterableModel):
    """How the labs' certificates look: logos, who signs, a line of their own.

    Editors preview it with sample data and publish it; a certificate is issued with the published design
    that applies to its course (first), else its lab, else the default. Issued certificates keep the design
    they were issued with.
    """

    name = models.CharField(_("Name der Vorlage"), max_length=100, help_text=_("Nur für die Redaktion."))
    is_default = models.BooleanField(
        _("Standardvorlage"),
        default=False,
        help_text=_("Gilt für alle Kurse, für die keine andere Vorlage gewählt ist."),
    )
    courses = ParentalManyToManyField(
        CoursePage,
        blank=True,
        related_name="+",
        verbose_name=_("Für diese Kurse"),
    )
    labs = ParentalManyToManyField(
        LabPage,
        blank=True,
        related_name="+",
        verbose_name=_("Für alle Kurse dieser Labore"),
    )
    district_logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Logo des Landkreises"),
    )
    lab_logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Logo des Labors"),
    )
    signer_name = models.CharField(_("Name der unterschreibenden Person"), max_length=100, blank=True)
    signer_title = models.CharField(
        _("Funktion der unterschreibenden Person"),
        max_length=100,
        blank=True,
        help_text=_("Zum Beispiel „Leitung Regionallabor Hameln“."),
    )
    signer_title_en = models.CharField(
        _("Funktion (englisch)"), max_length=100, blank=True, help_text=_("Leer: wie auf Deutsch.")
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Unterschrift (Bild)"),
        help_text=_("Am besten ein PNG mit durchsichtigem Hintergrund."),
    )
    text = models.CharField(
        _("Eigene Zeile"),
        max_length=200,
        blank=True,
        help_text=_("Erscheint unter dem Kurs, zum Beispiel ein Dank an die Förderer."),
    )
    text_en = models.CharField(
        _("Eigene Zeile (englisch)"), max_length=200, blank=True, help_text=_("Leer: wie auf Deutsch.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("is_default"), FieldPanel("labs"), FieldPanel("courses")],
            heading=_("Wofür die Vorlage gilt"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("district_logo"), FieldPanel("lab_logo")])],
            heading=_("Logos"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("signer_name"),
                FieldRowPanel([FieldPanel("signer_title"), FieldPanel("signer_title_en")]),
                FieldPanel("signature"),
            ],
            heading=_("Unterschrift"),
        ),
        FieldRowPanel([FieldPanel("text"), FieldPanel("text_en")]),
    ]

    class Meta:
        verbose_name = _("Zertifikatsvorlage")
        verbose_name_plural = _("Zertifikatsvorlagen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def design(self) -> dict:
        """What a certificate keeps of this template when it is issued."""
        return {
            "template": self.pk,
            "district_logo": self.district_logo_id,
            "lab_logo": self.lab_logo_id,
            "signature": self.signature_id,
            "signer_name": self.signer_name,
            "signer_title": {"de": self.signer_title, "en": self.signer_title_en or self.signer_title},
            "text": {"de": self.text, "en": self.text_en or self.text},
        }

    # Preview with sample data: the certificate's HTML (fast) and the real PDF, each in both languages.
    preview_modes = [
        ("", _("Seite, Deutsch")),
        ("en", _("Seite, Englisch")),
        ("pdf", _("PDF, Deutsch")),
        ("pdf-en", _("PDF, Englisch")),
    ]
    PREVIEW_LANGUAGES = {"": "de", "en": "en", "pdf": "de", "pdf-en": "en"}

    def preview_language(self, request, mode_name) -> str:
        """The mode's language; `?lang=` overrides it (a link to the preview in the other language)."""
        return request.GET.get("lang") or self.PREVIEW_LANGUAGES.get(mode_name, "de")

    def get_preview_template(self, request, mode_name):
        return "certificates/pdf/certificate.html"

    def get_preview_context(self, request, mode_name):
        from .preview import preview_context

        return preview_context(template=self, language=self.preview_language(request, mode_name))

    def serve_preview(self, request, mode_name):
        if mode_name.startswith("pdf"):
            from .preview import preview_pdf_response

            return preview_pdf_response(template=self, language=self.preview_language(request, mode_name))
        return super().serve_preview(request, mode_name)


class Certificate(models.Model):
    """A certificate of completion. Names, titles and the design are copied at issue so later edits never
    change it. A corrected certificate is a new one with a new code; the old one is revoked and points to it.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("gültig")
        REVOKED = "revoked", _("widerrufen")

    code = models.CharField(_("Prüfcode"), max_length=20, unique=True, editable=False)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("Anmeldung")
    )
    participant_name = models.CharField(_("Name"), max_length=150)
    course_title = models.CharField(_("Kurs"), max_length=255)
    lab_name = models.CharField(_("Labor"), max_length=255)
    competences = models.JSONField(_("Kompetenzen"), default=list)
    first_session = models.DateField(_("von"))
    last_session = models.DateField(_("bis"))
    hours = models.DecimalField(_("Stunden"), max_digits=5, decimal_places=1)
    level = models.PositiveSmallIntegerField(_("Niveau (DigComp)"), null=True, blank=True)
    # The holder's language when it was issued: the PDF made first and mailed.
    language = models.CharField(_("Sprache"), max_length=2, choices=LANGUAGES, default="de")
    design = models.JSONField(_("Gestaltung"), default=dict, blank=True, editable=False)
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
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("ersetzt durch"),
        editable=False,
    )
    notified_at = models.DateTimeField(_("Nachricht verschickt am"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Zertifikat")
        verbose_name_plural = _("Zertifikate")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(status="valid"), name="certificate_one_valid_per_enrolment"
            )
        ]

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
        """The public verification page, absolute: the QR code's target, /verify/{code}/ in every language
        (DESIGN.md); the page offers its English version."""
        with translation.override(settings.LANGUAGE_CODE):
            return settings.SITE_URL + self.get_absolute_url()

    @property
    def pdf_url(self) -> str:
        return reverse("certificates:pdf", args=[self.code])


class CertificateFile(models.Model):
    """A rendered PDF of a certificate in one language, with its SHA-256, so a printed or mailed copy can be
    checked against the verification page. Rendered once; the bytes never change afterwards."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(_("Sprache"), max_length=2, choices=LANGUAGES)
    # Path inside PRIVATE_STORAGE_ROOT; the file is served only through the access-checked view.
    path = models.CharField(_("Datei"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("Größe in Bytes"))
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("PDF eines Zertifikats")
        verbose_name_plural = _("PDFs der Zertifikate")
        ordering = ["certificate", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "language"], name="certificate_file_one_per_language"
            )
        ]

    def __str__(self):
        return f"{self.certificate.code} ({self.language})"
