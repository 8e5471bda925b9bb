from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from accounts.models import Organisation
from accounts.selectors import organisations_of_contact
from labs.models import LabPage, Room

from .competences.selectors import digcomp
from .models import (
    AgeBand,
    Attendance,
    BadgeAssertion,
    Booking,
    Competence,
    CoursePage,
    CourseRun,
    Enrolment,
    Session,
)
from .selectors import cancellation_deadline, statistics_municipalities


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


class CourseSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Öffentliche Seite des Kursangebots."))
    lab = serializers.CharField(source="lab_slug", read_only=True, help_text=_("Kurzname des Labors."))
    lab_title = serializers.CharField(read_only=True)
    municipality = serializers.CharField(source="municipality_slug", read_only=True)
    competences = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    next_start = serializers.DateTimeField(read_only=True, allow_null=True)
    upcoming_runs = serializers.IntegerField(read_only=True, allow_null=True)
    distance_km = serializers.SerializerMethodField(
        help_text=_("Entfernung des Labors vom Ort in `near` in Kilometern; ohne `near` null.")
    )

    class Meta:
        model = CoursePage
        fields = [
            "id",
            "slug",
            "title",
            "url",
            "summary",
            "audience",
            "topic",
            "format",
            "level",
            "competences",
            "lab",
            "lab_title",
            "municipality",
            "price",
            "next_start",
            "upcoming_runs",
            "distance_km",
        ]
        read_only_fields = fields

    def get_url(self, course: CoursePage) -> str:
        return course.get_full_url(request=self.context.get("request"))

    def get_distance_km(self, course: CoursePage) -> float | None:
        return getattr(course, "distance_km", None)


class CourseDetailSerializer(CourseSerializer):
    body = serializers.SerializerMethodField()

    class Meta(CourseSerializer.Meta):
        fields = CourseSerializer.Meta.fields + [
            "body",
            "prerequisites",
            "bring_along",
            "attendance_rule_percent",
        ]
        read_only_fields = fields

    def get_body(self, course: CoursePage) -> str:
        return expand_db_html(course.body)


# Text that must say something: the serializer strips spaces first, so the schema asks for one character
# that is not a space.
NOT_ONLY_SPACES = RegexValidator(r"\S", message=_("Bitte schreiben Sie hier etwas."), code="blank")


class RelatedSlugField(serializers.SlugRelatedField):
    """A related object named by its slug or code. A value that cannot be one (longer than the column, or
    with a NUL character, which PostgreSQL refuses in text) is refused before any query."""

    def __init__(self, *, max_length: int, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and ("\x00" in data or len(data) > self.max_length):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "enum": [competence["code"] for area in digcomp()["areas"] for competence in area["competences"]],
        "description": _("DigComp-2.2-Kompetenz mit ihrer Nummer, zum Beispiel 2.1."),
    }
)
class CompetenceField(RelatedSlugField):
    def __init__(self, **kwargs):
        max_length = Competence._meta.get_field("code").max_length
        super().__init__(
            slug_field="code", max_length=max_length, queryset=Competence.objects.all(), **kwargs
        )


class CourseUpdateSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(
        required=False,
        allow_unicode=True,
        max_length=CoursePage._meta.get_field("slug").max_length,
        help_text=_(
            "Kurzadresse des Kursangebots, eindeutig über alle Labore; ohne Angabe aus dem Titel gebildet."
        ),
    )
    competences = CompetenceField(
        many=True, required=False, help_text=_("Die DigComp-Kompetenzen, die der Kurs vermittelt.")
    )

    class Meta:
        model = CoursePage
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "audience",
            "topic",
            "format",
            "level",
            "competences",
            "prerequisites",
            "bring_along",
            "price",
            "attendance_rule_percent",
        ]
        extra_kwargs = {
            "title": {"validators": [NOT_ONLY_SPACES], "help_text": _("Titel des Kursangebots.")},
            "summary": {"validators": [NOT_ONLY_SPACES]},
            "body": {"help_text": _("Beschreibung als HTML; nur was der Editor erlaubt, bleibt stehen.")},
        }


class CourseCreateSerializer(CourseUpdateSerializer):
    lab = RelatedSlugField(
        slug_field="slug",
        max_length=LabPage._meta.get_field("slug").max_length,
        queryset=LabPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE),
        help_text=_("Kurzname des Labors, unter dem das Kursangebot erscheint."),
    )

    class Meta(CourseUpdateSerializer.Meta):
        fields = ["lab", *CourseUpdateSerializer.Meta.fields]


_MOMENT_MESSAGE = _("Bitte wählen Sie einen Zeitpunkt zwischen den Jahren 2000 und 2099.")


@extend_schema_field({"type": "string", "format": "date-time", "pattern": r"^20\d\d-"})
class CourseMomentField(serializers.DateTimeField):
    """A moment of a course, written in this century: a year far off is a typing error, and before 1893
    Berlin's time had an offset in seconds that no ISO 8601 reader expects. The bounds hold in UTC a day
    either side, so that every moment whose written year is 2000 to 2099 passes, whatever its offset."""

    def __init__(self, **kwargs):
        validators = [
            MinValueValidator(datetime(1999, 12, 31, tzinfo=UTC), message=_MOMENT_MESSAGE),
            MaxValueValidator(datetime(2100, 1, 2, tzinfo=UTC), message=_MOMENT_MESSAGE),
        ]
        super().__init__(validators=validators, **kwargs)


class SessionSerializer(serializers.ModelSerializer):
    location = serializers.CharField(
        source="where", read_only=True, help_text=_("Wo das Treffen stattfindet.")
    )

    class Meta:
        model = Session
        fields = ["id", "start", "end", "location"]
        read_only_fields = fields


class SessionWriteSerializer(serializers.ModelSerializer):
    start = CourseMomentField(help_text=_("Beginn, mit Zeitzone (ISO 8601)."))
    end = CourseMomentField(help_text=_("Ende, nach dem Beginn."))

    class Meta:
        model = Session
        fields = ["start", "end", "location"]


class RunSerializer(serializers.ModelSerializer):
    course_slug = serializers.CharField(source="course.slug", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    audience = serializers.CharField(source="course.audience", read_only=True)
    lab = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_("Kurzname des Labors."))
    lab_title = serializers.CharField(source="lab.title", read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    waitlist_length = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Öffentliche Seite des Kursangebots."))
    location = serializers.CharField(read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)
    distance_km = serializers.SerializerMethodField(
        help_text=_("Entfernung des Labors vom Ort in `near` in Kilometern; ohne `near` null.")
    )

    class Meta:
        model = CourseRun
        fields = [
            "id",
            "course",
            "course_slug",
            "course_title",
            "title",
            "audience",
            "lab",
            "lab_title",
            "status",
            "capacity",
            "seats_left",
            "waitlist_length",
            "enrolment_closes_at",
            "url",
            "location",
            "sessions",
            "distance_km",
        ]
        read_only_fields = fields

    def get_url(self, run: CourseRun) -> str:
        return run.course.get_full_url(request=self.context.get("request"))

    def get_distance_km(self, run: CourseRun) -> float | None:
        return getattr(run, "distance_km", None)


class RunUpdateSerializer(serializers.ModelSerializer):
    enrolment_closes_at = CourseMomentField(
        required=False,
        allow_null=True,
        help_text=CourseRun._meta.get_field("enrolment_closes_at").help_text,
    )
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), allow_null=True, required=False)
    trainers = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), many=True, required=False
    )

    class Meta:
        model = CourseRun
        fields = [
            "title",
            "capacity",
            "room",
            "venue_name",
            "venue_address",
            "enrolment_closes_at",
            "minimum_participants",
            "trainers",
        ]


class RunCreateSerializer(RunUpdateSerializer):
    # Runs belong to the German page of a course offer, never to its translation.
    course = serializers.PrimaryKeyRelatedField(
        queryset=CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    )

    class Meta(RunUpdateSerializer.Meta):
        fields = ["course", *RunUpdateSerializer.Meta.fields]


def _moment(value):
    """A moment as every time of the API is written: ISO 8601 with the offset of Berlin."""
    return None if value is None else serializers.DateTimeField().to_representation(value)


class EnrolmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="run.course.title", read_only=True)
    status = serializers.ChoiceField(
        choices=Enrolment.Status.choices,
        read_only=True,
        help_text=_(
            "confirmed: Platz sicher; waitlisted: auf der Warteliste; offered: ein frei gewordener Platz ist "
            "angeboten, bis offer_expires_at; reserved: Platz einer Organisation, noch ohne Namen; invited: "
            "von einer Organisation eingeladen, noch nicht angenommen; cancelled: abgemeldet; completed / "
            "not_completed: Kurs abgeschlossen oder nicht."
        ),
    )
    waitlist_position = serializers.SerializerMethodField(
        help_text=_("Platz auf der Warteliste; leer, wenn die Anmeldung nicht auf der Warteliste steht.")
    )
    offer_expires_at = serializers.SerializerMethodField(
        help_text=_(
            "Bis wann der angebotene Platz angenommen werden kann; leer, wenn kein Platz angeboten ist."
        )
    )
    cancellation_deadline = serializers.SerializerMethodField(
        help_text=_(
            "Bis wann ein Platz selbst abgesagt werden kann; leer, solange der Kurs noch keine Termine hat."
        )
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "run",
            "course_title",
            "status",
            "waitlist_position",
            "offer_expires_at",
            "cancellation_deadline",
            "created_at",
        ]
        read_only_fields = fields

    def get_waitlist_position(self, enrolment: Enrolment) -> int | None:
        if enrolment.status != Enrolment.Status.WAITLISTED:
            return None
        return getattr(enrolment, "waitlist_position", None)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_offer_expires_at(self, enrolment: Enrolment) -> str | None:
        if enrolment.status != Enrolment.Status.OFFERED:
            return None
        return _moment(enrolment.offer_expires_at)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_cancellation_deadline(self, enrolment: Enrolment) -> str | None:
        return _moment(cancellation_deadline(run=enrolment.run))


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "municipality"]
        read_only_fields = fields


# A named member's place as the organisation sees it: invited until they accept, then their seat.
MEMBER_STATUSES = (
    Enrolment.Status.INVITED,
    Enrolment.Status.CONFIRMED,
    Enrolment.Status.COMPLETED,
    Enrolment.Status.NOT_COMPLETED,
)
# What `BookingSerializer` lists of a booking's places besides the counts: named members and open offers.
BOOKING_PLACES = Prefetch(
    "enrolments",
    queryset=Enrolment.objects.filter(status__in=(*MEMBER_STATUSES, Enrolment.Status.OFFERED))
    .select_related("user")
    .order_by("pk"),
    to_attr="listed_places",
)


class BookingMemberSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(source="pk", read_only=True, help_text=_("Nummer (id) des Platzes."))
    name = serializers.SerializerMethodField(help_text=_("Der Name, den die Organisation angegeben hat."))
    status = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in MEMBER_STATUSES],
        read_only=True,
        help_text=_(
            "invited: eingeladen, noch nicht angenommen; confirmed: angenommen; completed / not_completed: "
            "Kurs abgeschlossen oder nicht."
        ),
    )

    def get_name(self, enrolment: Enrolment) -> str:
        return enrolment.member_name or enrolment.holder_name


class BookingOfferSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(source="pk", read_only=True, help_text=_("Nummer (id) des Platzes."))
    offer_expires_at = serializers.DateTimeField(read_only=True)


class BookingSerializer(serializers.ModelSerializer):
    """A booking as `courses.bookings.selectors.bookings_of_contact` counts its seats, with the places
    of `BOOKING_PLACES` prefetched."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    course_title = serializers.CharField(source="run.course.title", read_only=True)
    seats = serializers.IntegerField(
        source="seats_held",
        read_only=True,
        help_text=_("Plätze, die die Organisation sicher hat, mit oder ohne Namen."),
    )
    seats_unnamed = serializers.IntegerField(
        read_only=True, help_text=_("Davon Plätze, die noch keinen Namen haben.")
    )
    seats_waitlisted = serializers.IntegerField(
        source="seats_waiting", read_only=True, help_text=_("Plätze auf der Warteliste.")
    )
    members = serializers.SerializerMethodField(help_text=_("Die benannten Personen."))
    offers = serializers.SerializerMethodField(
        help_text=_(
            "Frei gewordene Plätze, die der Organisation angeboten sind; anzunehmen bis offer_expires_at "
            "unter enrolments/{id}/accept-offer/."
        )
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "run",
            "course_title",
            "organisation",
            "organisation_name",
            "status",
            "seats",
            "seats_unnamed",
            "seats_waitlisted",
            "members",
            "offers",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(BookingMemberSerializer(many=True))
    def get_members(self, booking: Booking) -> list:
        members = [place for place in booking.listed_places if place.status in MEMBER_STATUSES]
        return BookingMemberSerializer(members, many=True).data

    @extend_schema_field(BookingOfferSerializer(many=True))
    def get_offers(self, booking: Booking) -> list:
        offers = [place for place in booking.listed_places if place.status == Enrolment.Status.OFFERED]
        return BookingOfferSerializer(offers, many=True).data


class BookingCreateSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        help_text=_("Nummer (id) der Organisation, siehe me/organisations/."),
        error_messages={"does_not_exist": _("Sie sind keine Ansprechperson dieser Organisation.")},
    )
    seats = serializers.IntegerField(
        min_value=1,
        help_text=_("Wie viele Plätze."),
        error_messages={"min_value": _("Bitte buchen Sie mindestens einen Platz.")},
    )
    waitlist_rest = serializers.BooleanField(
        default=False,
        help_text=_(
            "Sind weniger Plätze frei als gewünscht: true bucht die freien und setzt die übrigen auf die "
            "Warteliste; false (vorgegeben) bucht nichts und antwortet mit dem Code not_enough_seats."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the organisations the person speaks for; any other id reads as one they are not a contact of.
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = organisations_of_contact(user=request.user)


class BookingMemberCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, trim_whitespace=True, help_text=_("Vor- und Nachname."))
    email = serializers.CharField(
        allow_blank=True, trim_whitespace=True, help_text=_("E-Mail-Adresse; dorthin geht die Einladung.")
    )


class EnrolRequestSerializer(serializers.Serializer):
    """Two optional figures for the labs' anonymous reports; leaving them out changes nothing."""

    age_band = serializers.ChoiceField(
        choices=AgeBand.choices,
        required=False,
        allow_blank=True,
        help_text=_("Freiwillig: Altersgruppe, nur für anonyme Berichte der Labore."),
    )
    municipality = serializers.ChoiceField(
        choices=[],
        required=False,
        allow_blank=True,
        help_text=_(
            "Freiwillig: Wohnort, eine Gemeinde des Landkreises oder „other“ (außerhalb), "
            "nur für anonyme Berichte der Labore."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = statistics_municipalities()


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(
        read_only=True,
        help_text=_(
            "Geheime Adresse des persönlichen Kalenders (.ics) zum Abonnieren in einer Kalender-App."
        ),
    )


class AttendanceSerializer(serializers.Serializer):
    """One row of a session's attendance list; a PUT sends `enrolment` and `status` of the rows to record."""

    enrolment = serializers.IntegerField()
    participant = serializers.CharField(
        read_only=True, help_text=_("Name der Person (bei Personen ohne Anmeldung der angegebene Name).")
    )
    status = serializers.ChoiceField(
        choices=Attendance.Status.choices,
        allow_null=True,
        help_text=_("Leer: nichts erfasst (löscht die Angabe)."),
    )


class WalkInCreateSerializer(serializers.Serializer):
    """Someone who came to the session without enrolling; the service checks name and address."""

    name = serializers.CharField(allow_blank=True, trim_whitespace=True, help_text=_("Vor- und Nachname."))
    email = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=True,
        help_text=_(
            "Freiwillig. Mit E-Mail-Adresse kommen Zertifikat und Badge per E-Mail; ohne wird das Zertifikat "
            "ausgedruckt."
        ),
    )


class RunCloseResultSerializer(serializers.Serializer):
    completed = serializers.IntegerField(help_text=_("Wie viele den Kurs geschafft haben."))
    not_completed = serializers.IntegerField(help_text=_("Wie viele ihn nicht geschafft haben."))


class BadgeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="badge_class.name", read_only=True)
    assertion_url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text=_("Die Seite des Badges zum Ansehen und Teilen."))

    class Meta:
        model = BadgeAssertion
        fields = ["id", "name", "assertion_url", "image_url", "issued_on", "page_url"]
        read_only_fields = fields

    def get_assertion_url(self, assertion: BadgeAssertion) -> str:
        return _absolute(
            self.context.get("request"), reverse("badges:assertion", kwargs={"uuid": assertion.uuid})
        )

    def get_image_url(self, assertion: BadgeAssertion) -> str:
        return _absolute(
            self.context.get("request"), reverse("badges:assertion_image", kwargs={"uuid": assertion.uuid})
        )

    def get_page_url(self, assertion: BadgeAssertion) -> str:
        return _absolute(
            self.context.get("request"), reverse("badges:assertion_page", kwargs={"uuid": assertion.uuid})
        )
