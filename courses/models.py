import secrets
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
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


class SearchSynonym(models.Model):
    """An everyday word people search with and the words course offers use for it ("Handy": Smartphone).

    The catalogue search looks for the word itself and each of its synonyms.
    """

    term = models.CharField(
        _("Suchwort"),
        max_length=60,
        help_text=_("Das Wort, das Besucherinnen und Besucher eingeben, zum Beispiel Handy."),
    )
    synonyms = models.CharField(
        _("Gemeint ist auch"),
        max_length=300,
        help_text=_(
            "Wörter aus den Kursangeboten, durch Kommas getrennt, zum Beispiel: Smartphone, Mobiltelefon"
        ),
    )

    class Meta:
        verbose_name = _("Suchwort mit Synonymen")
        verbose_name_plural = _("Suchwörter und Synonyme")
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="search_synonym_term_unique",
                violation_error_message=_("Dieses Suchwort gibt es schon."),
            )
        ]

    def __str__(self):
        return self.term

    def clean(self):
        self.term = " ".join(self.term.split())
        words = [word.strip() for word in self.synonyms.split(",")]
        self.synonyms = ", ".join(word for word in words if word)
        if not self.synonyms:
            raise ValidationError({"synonyms": _("Bitte nennen Sie mindestens ein Wort.")})

    @property
    def synonym_list(self) -> list[str]:
        return [word.strip() for word in self.synonyms.split(",") if word.strip()]


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


# Four weeks: a longer deadline would close cancelling before most people have planned their month.
MAX_CANCELLATION_HOURS = 24 * 28


class CoursePage(Page):
    """A course offer of a lab. Its scheduled runs are plain models, never page inlines."""

    summary = models.TextField(_("Kurz gesagt"), max_length=300, help_text=_("Ein bis zwei einfache Sätze."))
    body = RichTextField(_("Beschreibung"), blank=True)
    audience = models.CharField(
        _("Für wen"), max_length=20, choices=Audience.choices, default=Audience.CITIZENS
    )
    topic = models.CharField(_("Thema"), max_length=20, choices=Topic.choices, default=Topic.BASICS)
    format = models.CharField(_("Kursform"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
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
    cancellation_hours = models.PositiveSmallIntegerField(
        _("Absagefrist in Stunden"),
        default=48,
        validators=[MaxValueValidator(MAX_CANCELLATION_HOURS)],
        help_text=_(
            "Bis so viele Stunden vor dem ersten Termin können Teilnehmende ihren Platz selbst absagen. "
            "0: bis zum Beginn."
        ),
    )

    parent_page_types = ["labs.LabPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("topic_words"),
        index.RelatedFields("competences", [index.SearchField("name"), index.SearchField("name_en")]),
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
        FieldPanel("cancellation_hours"),
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

    def topic_words(self) -> str:
        """The topic's name, so that a search for "Datenschutz" finds the courses of that topic."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self.get_topic_display())


MAX_RUN_CAPACITY = 500


MAX_OFFER_HOURS = 24 * 7


class SeatRelease(models.TextChoices):
    """How a freed seat reaches the waiting list."""

    AT_ONCE = "at_once", _("sofort an die erste Person auf der Warteliste")
    OFFER = "offer", _("als Angebot, das nach einer Frist weitergeht")


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
    seat_release = models.CharField(
        _("Frei gewordene Plätze"),
        max_length=10,
        choices=SeatRelease.choices,
        default=SeatRelease.AT_ONCE,
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("Angebot gilt (Stunden)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFER_HOURS)],
        help_text=_("Nur bei „als Angebot“: so lange kann die Person den Platz annehmen."),
    )
    unnamed_release_hours = models.PositiveSmallIntegerField(
        _("Unbenannte Plätze freigeben (Stunden vorher)"),
        default=48,
        validators=[MaxValueValidator(MAX_CANCELLATION_HOURS)],
        help_text=_(
            "Plätze, die eine Organisation gebucht, aber bis dahin keiner Person gegeben hat, "
            "gehen so viele Stunden vor Beginn an die Warteliste."
        ),
    )
    # Fewer enrolments than this a week before the start: the cockpit lists the run under "Zu erledigen".
    minimum_participants = models.PositiveSmallIntegerField(
        _("Mindestens angemeldet"),
        default=3,
        validators=[MaxValueValidator(MAX_RUN_CAPACITY)],
        help_text=_(
            "Haben sich eine Woche vor Beginn weniger Personen angemeldet, erscheint der Kurstermin "
            "in der Übersicht unter „Zu erledigen“. 0: keine Mindestzahl."
        ),
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.SCHEDULED, editable=False
    )
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True, editable=False)
    cancellation_message = models.TextField(_("Nachricht zur Absage"), blank=True, editable=False)
    # Grows with every change of time or place; each version is announced once to the people enrolled.
    schedule_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("minimum_participants")]),
        FieldPanel("enrolment_closes_at"),
        FieldPanel("room"),
        FieldRowPanel([FieldPanel("venue_name"), FieldPanel("venue_address")], heading=_("Anderer Ort")),
        FieldPanel("trainers"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("seat_release"), FieldPanel("offer_hours")]),
                FieldPanel("unnamed_release_hours"),
            ],
            heading=_("Warteliste und Gruppenbuchungen"),
        ),
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
    # iCalendar SEQUENCE: grows with each change of time or place, so subscribed calendars update the event.
    sequence = models.PositiveIntegerField(default=0, editable=False)

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


class Booking(models.Model):
    """Seats an organisation booked on a run; its contacts name the members who take them."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("gebucht")
        CANCELLED = "cancelled", _("storniert")

    run = models.ForeignKey(
        CourseRun, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("Kurstermin")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("Organisation"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("gebucht von")
    )
    seats_requested = models.PositiveSmallIntegerField(
        _("gewünschte Plätze"), validators=[MinValueValidator(1), MaxValueValidator(MAX_RUN_CAPACITY)]
    )
    status = models.CharField(_("Stand"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("gebucht am"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    unnamed_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Gruppenbuchung")
        verbose_name_plural = _("Gruppenbuchungen")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation} – {self.run}"


class AgeBand(models.TextChoices):
    """Age bands a participant may state at enrolment, for the funding body's reports (optional)."""

    UNDER_18 = "u18", _("unter 18 Jahre")
    FROM_18 = "18-29", _("18 bis 29 Jahre")
    FROM_30 = "30-49", _("30 bis 49 Jahre")
    FROM_50 = "50-64", _("50 bis 64 Jahre")
    FROM_65 = "65-74", _("65 bis 74 Jahre")
    FROM_75 = "75+", _("75 Jahre und älter")


class Enrolment(models.Model):
    """A place in a run: a person's seat, a seat an organisation holds, or a place on the waiting list.

    Seats of a booking start without a person (`reserved`); a contact names a member (`invited`), who
    accepts and becomes `confirmed`.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("bestätigt")
        WAITLISTED = "waitlisted", _("Warteliste")
        OFFERED = "offered", _("Platz angeboten")
        RESERVED = "reserved", _("für die Organisation reserviert")
        INVITED = "invited", _("eingeladen")
        CANCELLED = "cancelled", _("abgemeldet")
        COMPLETED = "completed", _("abgeschlossen")
        NOT_COMPLETED = "not_completed", _("nicht abgeschlossen")

    class Cause(models.TextChoices):
        """Why a place ended before the run did."""

        SELF = "self", _("selbst abgesagt")
        REMOVED = "removed", _("vom Labor entfernt")
        RUN_CANCELLED = "run_cancelled", _("Kurs abgesagt")
        OFFER_EXPIRED = "offer_expired", _("Angebot abgelaufen")
        OFFER_DECLINED = "offer_declined", _("Angebot abgelehnt")
        BOOKING_CANCELLED = "booking_cancelled", _("Gruppenbuchung storniert")
        MEMBER_CHANGED = "member_changed", _("von der Organisation getauscht")
        UNNAMED_RELEASED = "unnamed_released", _("unbenannter Platz freigegeben")
        RUN_CLOSED = "run_closed", _("Kurs abgeschlossen")

    # Can still be given back.
    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED, Status.RESERVED, Status.INVITED)
    # Counted against the run's capacity.
    SEAT_HOLDING = (
        Status.CONFIRMED,
        Status.OFFERED,
        Status.RESERVED,
        Status.INVITED,
        Status.COMPLETED,
        Status.NOT_COMPLETED,
    )
    # A person who takes part: on the attendance sheet, in the run's list of participants.
    ATTENDING = (Status.CONFIRMED, Status.COMPLETED, Status.NOT_COMPLETED)

    run = models.ForeignKey(
        CourseRun, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("Kurstermin")
    )
    # Empty while a booked seat is unnamed or its member has not accepted yet.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("Person"),
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("Gruppenbuchung"),
    )
    # The member as the contact named them.
    member_name = models.CharField(_("Name"), max_length=150, blank=True)
    member_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    # Came to a session without enrolling; the trainer added them on the spot.
    walk_in = models.BooleanField(_("ohne Anmeldung gekommen"), default=False)
    status = models.CharField(_("Stand"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)
    # Order on the waiting list: when the person joined it (ties by id).
    waitlisted_at = models.DateTimeField(_("auf der Warteliste seit"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("Angebot gilt bis"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    cancel_cause = models.CharField(_("Grund"), max_length=20, choices=Cause.choices, blank=True)
    cancel_reason = models.TextField(_("Begründung"), blank=True)
    completed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    # Stated by the participant at enrolment if they wish, for reports only; nothing else about a person is
    # collected for statistics. `municipality` is a municipality of the district (labs.places) or "other".
    age_band = models.CharField(_("Altersgruppe"), max_length=10, choices=AgeBand.choices, blank=True)
    municipality = models.CharField(_("Wohnort (Gemeinde)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "user"],
                condition=~Q(status="cancelled"),
                name="enrolment_one_per_person_and_run",
            ),
            models.UniqueConstraint(
                "run",
                Lower("member_email"),
                condition=~Q(status="cancelled") & ~Q(member_email=""),
                name="enrolment_one_per_member_email_and_run",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | Q(booking__isnull=False)
                | Q(walk_in=True, member_name__gt=""),
                name="enrolment_has_person_or_booking",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "status", "waitlisted_at"]),
            models.Index(
                fields=["offer_expires_at"], condition=Q(status="offered"), name="enrolment_open_offers_idx"
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} – {self.run} ({self.get_status_display()})"

    @property
    def holder_name(self) -> str:
        """Who holds the place: the person, the named member, or the organisation for an unnamed seat."""
        if self.user_id:
            return str(self.user)
        if self.member_name:
            return self.member_name
        if self.booking_id:
            return str(self.booking.organisation)
        return ""


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
        return f"{self.session} – {self.enrolment.holder_name}: {self.get_status_display()}"


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
    # The badge's public page names the holder only when they chose so.
    show_name = models.BooleanField(_("Name auf der Badge-Seite zeigen"), default=False)

    class Meta:
        verbose_name = _("Verliehener Badge")
        verbose_name_plural = _("Verliehene Badges")
        ordering = ["-issued_on"]

    def __str__(self):
        return f"{self.badge_class} – {self.enrolment.holder_name}"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private calendar address. Whoever knows the token reads their sessions, so the person
    can renew it; the old address then answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("Person"),
    )
    token = models.CharField(max_length=64, unique=True, default=_calendar_token, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now=True)

    class Meta:
        verbose_name = _("Persönlicher Kalender")
        verbose_name_plural = _("Persönliche Kalender")

    def __str__(self):
        return str(self.user)
