import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.text import rich_text_clean
from labs.models import LabPage, Room


class Competence(models.Model):
    """A DigComp 2.2 competence (loaded from courses/data/digcomp-2.2.json)."""

    code = models.CharField(_("Nummer"), max_length=5, unique=True)
    area_code = models.CharField(_("Bereich"), max_length=2)
    area_name = models.CharField(_("Bereichsname"), max_length=200)
    name = models.CharField(_("Name"), max_length=200)
    name_en = models.CharField(_("Name (englisch)"), max_length=200)

    class Meta:
        verbose_name = _("Kompetenz (DigComp 2.2)")
        verbose_name_plural = _("Kompetenzen (DigComp 2.2)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the language of the page: the framework's own English, else German."""
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Bürgerinnen und Bürger")
    ASSOCIATIONS = "associations", _("Vereine")
    BUSINESSES = "businesses", _("Unternehmen")


class Topic(models.TextChoices):
    BASICS = "basics", _("Erste Schritte")
    SAFETY = "safety", _("Sicherheit und Datenschutz")
    COMMUNICATION = "communication", _("Kommunikation und Social Media")
    ADMINISTRATION = "administration", _("Online-Verwaltung")
    MAKING = "making", _("Werkstatt und 3D-Druck")
    AI = "ai", _("Künstliche Intelligenz")
    WORK = "work", _("Digital arbeiten")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("vor Ort")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("vor Ort und online")


class Level(models.IntegerChoices):
    """DigComp 2.2 proficiency levels, grouped as the framework groups them."""

    L1 = 1, _("Grundlagen (Stufe 1)")
    L2 = 2, _("Grundlagen (Stufe 2)")
    L3 = 3, _("Mittelstufe (Stufe 3)")
    L4 = 4, _("Mittelstufe (Stufe 4)")
    L5 = 5, _("Fortgeschritten (Stufe 5)")
    L6 = 6, _("Fortgeschritten (Stufe 6)")
    L7 = 7, _("Hochspezialisiert (Stufe 7)")
    L8 = 8, _("Hochspezialisiert (Stufe 8)")


class CoursePage(Page):
    """A course offer of a lab. Its scheduled runs are plain models, never page inlines."""

    summary = models.TextField(_("Kurz gesagt"), max_length=300, help_text=_("Ein bis zwei einfache Sätze."))
    body = RichTextField(_("Beschreibung"), blank=True)
    audience = models.CharField(
        _("Für wen"), max_length=20, choices=Audience.choices, default=Audience.CITIZENS
    )
    topic = models.CharField(_("Thema"), max_length=20, choices=Topic.choices, default=Topic.BASICS)
    format = models.CharField(_("Form"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    level = models.PositiveSmallIntegerField(_("Niveau"), choices=Level.choices, default=Level.L1)
    competences = ParentalManyToManyField(
        Competence, blank=True, related_name="courses", verbose_name=_("Kompetenzen")
    )
    prerequisites = models.TextField(_("Voraussetzungen"), blank=True)
    bring_along = models.TextField(_("Bitte mitbringen"), blank=True)
    price = models.CharField(_("Kosten"), max_length=100, blank=True, default="kostenfrei")
    attendance_rule_percent = models.PositiveSmallIntegerField(
        _("Mindestanwesenheit in Prozent"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Wer mindestens so viele Termine besucht, schließt den Kurs ab."),
    )

    parent_page_types = ["labs.LabPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("audience"),
        index.FilterField("topic"),
        index.FilterField("level"),
        index.FilterField("format"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("audience"), FieldPanel("topic")]),
                FieldRowPanel([FieldPanel("format"), FieldPanel("level")]),
                FieldPanel("competences", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Einordnung"),
        ),
        FieldPanel("prerequisites"),
        FieldPanel("bring_along"),
        FieldRowPanel([FieldPanel("price"), FieldPanel("attendance_rule_percent")]),
    ]

    class Meta:
        verbose_name = _("Kursangebot")
        verbose_name_plural = _("Kursangebote")

    def clean(self):
        super().clean()
        # Every way in (the editor, the API, imports) stores only what the rich text editor allows.
        self.body = rich_text_clean(self.body)

    @property
    def lab(self) -> LabPage:
        return self.get_parent().specific


MAX_RUN_CAPACITY = 500


class CourseRun(ClusterableModel):
    """One scheduled instance of a course offer, with its sessions, seats and trainers."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("geplant")
        CANCELLED = "cancelled", _("abgesagt")
        CLOSED = "closed", _("abgeschlossen")

    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="runs", verbose_name=_("Kursangebot")
    )
    lab = models.ForeignKey(
        LabPage, on_delete=models.PROTECT, related_name="runs", verbose_name=_("Labor"), editable=False
    )
    title = models.CharField(
        _("Zusatz zum Titel"), max_length=150, blank=True, help_text=_("Zum Beispiel „Abendkurs“.")
    )
    # A course date meets in one room or hall: a few hundred seats at the most, on every database.
    capacity = models.PositiveSmallIntegerField(
        _("Plätze"), validators=[MinValueValidator(1), MaxValueValidator(MAX_RUN_CAPACITY)]
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="runs", verbose_name=_("Raum")
    )
    venue_name = models.CharField(
        _("Anderer Ort"),
        max_length=150,
        blank=True,
        help_text=_("Nur wenn der Kurs nicht im Labor stattfindet."),
    )
    venue_address = models.CharField(_("Adresse des Orts"), max_length=200, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teaching_runs", verbose_name=_("Kursleitung")
    )
    enrolment_closes_at = models.DateTimeField(
        _("Anmeldeschluss"), null=True, blank=True, help_text=_("Leer: bis zum Beginn des ersten Termins.")
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.SCHEDULED, editable=False
    )
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("enrolment_closes_at")]),
        FieldPanel("room"),
        FieldRowPanel([FieldPanel("venue_name"), FieldPanel("venue_address")], heading=_("Anderer Ort")),
        FieldPanel("trainers"),
        InlinePanel("sessions", heading=_("Termine"), label=_("Termin"), min_num=1),
    ]

    class Meta:
        verbose_name = _("Kurstermin")
        verbose_name_plural = _("Kurstermine")
        ordering = ["-created_at"]
        permissions = [("take_attendance", _("Anwesenheit erfassen"))]

    def __str__(self):
        return f"{self.course.title} – {self.title}" if self.title else self.course.title

    def clean(self):
        super().clean()
        if self.room_id and self.course_id and self.room.lab_id != self.course.get_parent().id:
            raise ValidationError({"room": _("Dieser Raum gehört zu einem anderen Labor.")})
        if self.room_id and self.capacity and self.capacity > self.room.capacity:
            raise ValidationError(
                {"capacity": _("Der Raum hat nur %(n)s Plätze.") % {"n": self.room.capacity}}
            )

    def save(self, *args, **kwargs):
        if self.course_id and not self.lab_id:
            self.lab_id = self.course.get_parent().id
        super().save(*args, **kwargs)

    @property
    def display_title(self) -> str:
        return str(self)

    @property
    def location(self) -> str:
        """Where the run meets: the outside venue if there is one, else the room of the lab."""
        if self.venue_name:
            return ", ".join(part for part in [self.venue_name, self.venue_address] if part)
        parts = [self.room.name] if self.room_id else []
        parts += [self.lab.title, self.lab.address]
        return ", ".join(part for part in parts if part)


class Session(models.Model):
    """One meeting of a run."""

    run = ParentalKey(
        CourseRun, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("Kurstermin")
    )
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    location = models.CharField(
        _("Abweichender Ort"),
        max_length=200,
        blank=True,
        help_text=_("Nur wenn dieses Treffen woanders ist."),
    )

    panels = [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("location")]

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_ends_after_start")
        ]

    def __str__(self):
        return f"{self.run} – {self.start:%d.%m.%Y %H:%M}"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Das Ende muss nach dem Beginn liegen.")})

    @property
    def where(self) -> str:
        return self.location or self.run.location


class Enrolment(models.Model):
    """A person's place in a run: a seat, or a place on the waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("bestätigt")
        WAITLISTED = "waitlisted", _("Warteliste")
        CANCELLED = "cancelled", _("abgemeldet")
        COMPLETED = "completed", _("abgeschlossen")
        NOT_COMPLETED = "not_completed", _("nicht abgeschlossen")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    run = models.ForeignKey(
        CourseRun, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("Kurstermin")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("Person"),
    )
    status = models.CharField(_("Stand"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)
    # Order on the waiting list: when the person joined it.
    waitlisted_at = models.DateTimeField(_("auf der Warteliste seit"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    completed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "user"],
                condition=~Q(status="cancelled"),
                name="enrolment_one_per_person_and_run",
            )
        ]
        indexes = [models.Index(fields=["run", "status", "waitlisted_at"])]

    def __str__(self):
        return f"{self.user} – {self.run} ({self.get_status_display()})"


class Attendance(models.Model):
    """Whether a participant came to one session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("anwesend")
        ABSENT = "absent", _("abwesend")
        EXCUSED = "excused", _("entschuldigt")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("Anwesenheit"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_one_per_session")
        ]

    def __str__(self):
        return f"{self.session} – {self.enrolment.user}: {self.get_status_display()}"


class BadgeClass(models.Model):
    """The badge a course awards (Open Badges 2.0 BadgeClass), aligned to the course's competences."""

    course = models.OneToOneField(
        CoursePage, on_delete=models.PROTECT, related_name="badge_class", verbose_name=_("Kursangebot")
    )
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"))
    criteria = models.TextField(_("Kriterien"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Badge")
        verbose_name_plural = _("Badges")

    def __str__(self):
        return self.name


class BadgeAssertion(models.Model):
    """A badge awarded to one participant for one completed enrolment."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, on_delete=models.PROTECT, related_name="assertions")
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="badge_assertion")
    # sha256 of the recipient's email and the salt: the assertion names nobody in clear text.
    recipient_hash = models.CharField(max_length=80)
    salt = models.CharField(max_length=32)
    issued_on = models.DateTimeField(_("verliehen am"))
    revoked = models.BooleanField(_("widerrufen"), default=False)
    revocation_reason = models.CharField(_("Grund des Widerrufs"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Verliehener Badge")
        verbose_name_plural = _("Verliehene Badges")
        ordering = ["-issued_on"]

    def __str__(self):
        return f"{self.badge_class} – {self.enrolment.user}"
