from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.text import rich_text_clean


class Municipality(models.Model):
    """One of the district's towns and municipalities (loaded from labs/data/district-places.json)."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname"), unique=True)
    ags = models.CharField(_("Gemeindeschlüssel"), max_length=8, unique=True)
    postcodes = models.JSONField(_("Postleitzahlen"), default=list)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)

    class Meta:
        verbose_name = _("Gemeinde")
        verbose_name_plural = _("Gemeinden")
        ordering = ["name"]

    def __str__(self):
        return self.name


class LabPage(Page):
    """A regional lab: where it is, how to get there, who runs it. Its course offers are its children."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="labs", verbose_name=_("Gemeinde")
    )
    intro = models.TextField(_("Kurzbeschreibung"), max_length=400, blank=True)
    body = RichTextField(_("Beschreibung"), blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    town = models.CharField(_("Ort"), max_length=100, blank=True)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    opening_hours = models.TextField(_("Öffnungszeiten"), blank=True)
    accessibility = models.TextField(
        _("Barrierefreiheit"), blank=True, help_text=_("Zugang, Aufzug, WC, Parkplätze, Anfahrt mit Bus.")
    )
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)

    # The page types around a lab belong to higher apps, which open them in their AppConfig.ready
    # (cms the lab index above, courses the course offers below): until then a lab stands nowhere and
    # holds nothing, so no other page type slips in under a lab.
    parent_page_types: list[str] = []
    subpage_types: list[str] = []

    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    content_panels = Page.content_panels + [
        FieldPanel("municipality"),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("town")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Adresse"),
        ),
        FieldPanel("opening_hours"),
        FieldPanel("accessibility"),
        FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")], heading=_("Kontakt")),
    ]

    class Meta:
        verbose_name = _("Labor")
        verbose_name_plural = _("Labore")

    @classmethod
    def allow_parent_page_type(cls, model_string: str) -> None:
        """Let a lab be created under pages of `model_string` ("app_label.ModelName")."""
        if model_string not in cls.parent_page_types:
            cls.parent_page_types = [*cls.parent_page_types, model_string]
        cls._clean_parent_page_models = None  # Wagtail caches the resolved list

    @classmethod
    def allow_subpage_type(cls, model_string: str) -> None:
        """Let pages of `model_string` ("app_label.ModelName") be created under a lab."""
        if model_string not in cls.subpage_types:
            cls.subpage_types = [*cls.subpage_types, model_string]
        cls._clean_subpage_models = None

    def clean(self):
        super().clean()
        # Every way in (the editor, imports, the demo) stores only what the rich text editor allows.
        self.body = rich_text_clean(self.body)

    @property
    def address(self) -> str:
        return ", ".join(part for part in [self.street, f"{self.postcode} {self.town}".strip()] if part)


class Room(models.Model):
    """A room of a lab in which runs take place."""

    lab = models.ForeignKey(LabPage, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("Labor"))
    name = models.CharField(_("Name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(
        _("Plätze"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    step_free = models.BooleanField(_("stufenlos erreichbar"), default=True)
    equipment = models.TextField(_("Ausstattung"), blank=True)

    class Meta:
        verbose_name = _("Raum")
        verbose_name_plural = _("Räume")
        ordering = ["lab__title", "name"]
        constraints = [models.UniqueConstraint(fields=["lab", "name"], name="labs_room_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.lab.title})"


class LabRole(models.Model):
    """A person's role at one lab: managers schedule runs and see reports, trainers teach, editors
    write the lab's pages."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Laborleitung")
        TRAINER = "trainer", _("Kursleitung")
        EDITOR = "editor", _("Redaktion des Labors")

    lab = models.ForeignKey(LabPage, on_delete=models.CASCADE, related_name="roles", verbose_name=_("Labor"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_roles", verbose_name=_("Person")
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("Rolle im Labor")
        verbose_name_plural = _("Rollen im Labor")
        constraints = [models.UniqueConstraint(fields=["lab", "user", "role"], name="labs_role_unique")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.lab.title}"


class LabGroup(models.Model):
    """The permission group of one role at one lab (managers, editors).

    Its page permissions cover that lab's page and so its course offers, nothing else; members are
    the people with that role at that lab. Found by lab and role, never by the group's name.
    """

    lab = models.ForeignKey(LabPage, on_delete=models.CASCADE, related_name="groups", verbose_name=_("Labor"))
    role = models.CharField(_("Rolle"), max_length=20, choices=LabRole.Role.choices)
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="lab_group", verbose_name=_("Gruppe")
    )

    class Meta:
        verbose_name = _("Gruppe eines Labors")
        verbose_name_plural = _("Gruppen der Labore")
        constraints = [models.UniqueConstraint(fields=["lab", "role"], name="labs_group_unique_role")]

    def __str__(self):
        return self.group.name


# How long a business's workshop request is kept (DSGVO: no longer than needed to answer it): the retention
# job deletes a request 12 months after it was closed ("erledigt"), and one that nobody closes 24 months after
# its last change. `workshop_requests_due_for_deletion` (labs/selectors.py) applies the rule; the form and the
# confirmation mail tell the business.
WORKSHOP_REQUEST_RETENTION_MONTHS = 12  # as the business is told
WORKSHOP_REQUEST_RETENTION = timedelta(days=365)
WORKSHOP_REQUEST_KEEP_OPEN = timedelta(days=730)


class WorkshopRequest(models.Model):
    """A business asks for an in-house workshop (Innovationsworkshop) for its staff.

    Comes in only through the public form (`workshop_request_create`); the chosen lab (none: any lab, or at
    the business) answers it and moves it on in the admin. Keeps only what is needed to answer, and for
    WORKSHOP_REQUEST_RETENTION after it is closed.
    """

    class Status(models.TextChoices):
        NEW = "new", _("neu")
        IN_PROGRESS = "in_progress", _("in Bearbeitung")
        DONE = "done", _("erledigt")

    company = models.CharField(_("Firma oder Organisation"), max_length=200)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150)
    email = models.EmailField(_("E-Mail"))
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    topic = models.CharField(_("Thema"), max_length=500)
    staff_count = models.PositiveSmallIntegerField(
        _("Mitarbeitende"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    preferred_dates = models.CharField(_("Wunschtermine"), max_length=300)
    # None: any lab, or at the business's premises. A lab taken offline or deleted leaves its requests open
    # for the other labs instead of losing them.
    lab = models.ForeignKey(
        LabPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_requests",
        verbose_name=_("Labor"),
    )
    message = models.TextField(_("Nachricht"), max_length=2000, blank=True)
    # The language the business wrote in; their confirmation is sent in it.
    language = models.CharField(_("Sprache"), max_length=10, choices=settings.LANGUAGES, default="de")
    consented_at = models.DateTimeField(_("Einwilligung am"))
    status = models.CharField(_("Stand"), max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("erledigt am"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Workshop-Anfrage")
        verbose_name_plural = _("Workshop-Anfragen")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="labs_workshop_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff_count__gte=1, staff_count__lte=200),
                name="labs_workshop_staff_count_range",
            ),
        ]

    def __str__(self):
        return f"{self.company} – {self.topic}"[:120]
