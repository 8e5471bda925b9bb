from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from labs.models import LabPage, Room

from .models import Attendance, BadgeAssertion, Competence, CoursePage, CourseRun, Enrolment, Session


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
        ]
        read_only_fields = fields

    def get_url(self, course: CoursePage) -> str:
        return course.get_full_url(request=self.context.get("request"))


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


class CourseUpdateSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(required=False, allow_unicode=True, max_length=255)
    competences = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Competence.objects.all()
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


class CourseCreateSerializer(CourseUpdateSerializer):
    lab = serializers.SlugRelatedField(
        slug_field="slug", queryset=LabPage.objects.all(), help_text=_("Kurzname des Labors.")
    )

    class Meta(CourseUpdateSerializer.Meta):
        fields = ["lab", *CourseUpdateSerializer.Meta.fields]


class SessionSerializer(serializers.ModelSerializer):
    location = serializers.CharField(
        source="where", read_only=True, help_text=_("Wo das Treffen stattfindet.")
    )

    class Meta:
        model = Session
        fields = ["id", "start", "end", "location"]
        read_only_fields = fields


class SessionWriteSerializer(serializers.ModelSerializer):
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
        ]
        read_only_fields = fields

    def get_url(self, run: CourseRun) -> str:
        return run.course.get_full_url(request=self.context.get("request"))


class RunUpdateSerializer(serializers.ModelSerializer):
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
            "trainers",
        ]


class RunCreateSerializer(RunUpdateSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=CoursePage.objects.all())

    class Meta(RunUpdateSerializer.Meta):
        fields = ["course", *RunUpdateSerializer.Meta.fields]


class EnrolmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="run.course.title", read_only=True)
    waitlist_position = serializers.SerializerMethodField(
        help_text=_("Platz auf der Warteliste; leer, wenn die Anmeldung nicht auf der Warteliste steht.")
    )

    class Meta:
        model = Enrolment
        fields = ["id", "run", "course_title", "status", "waitlist_position", "created_at"]
        read_only_fields = fields

    def get_waitlist_position(self, enrolment: Enrolment) -> int | None:
        if enrolment.status != Enrolment.Status.WAITLISTED:
            return None
        return getattr(enrolment, "waitlist_position", None)


class AttendanceSerializer(serializers.Serializer):
    """One row of a session's attendance list; a PUT sends `enrolment` and `status` of the rows to record."""

    enrolment = serializers.IntegerField()
    participant = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=Attendance.Status.choices,
        allow_null=True,
        help_text=_("Leer: nichts erfasst (löscht die Angabe)."),
    )


class RunCloseResultSerializer(serializers.Serializer):
    completed = serializers.IntegerField()
    not_completed = serializers.IntegerField()


class BadgeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="badge_class.name", read_only=True)
    assertion_url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = BadgeAssertion
        fields = ["id", "name", "assertion_url", "image_url", "issued_on"]
        read_only_fields = fields

    def get_assertion_url(self, assertion: BadgeAssertion) -> str:
        return _absolute(
            self.context.get("request"), reverse("badges:assertion", kwargs={"uuid": assertion.uuid})
        )

    def get_image_url(self, assertion: BadgeAssertion) -> str:
        return _absolute(
            self.context.get("request"), reverse("badges:assertion_image", kwargs={"uuid": assertion.uuid})
        )
