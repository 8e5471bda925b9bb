"""The courses part of the REST API: course offers, runs, sessions, enrolment, offers, organisations'
bookings, attendance, badges and the personal calendar.

Views parse input, call one service or selector and answer; rules and permissions live in the services
(their domain errors become HTTP answers in `config.api.exception_handler`).
"""

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import Organisation
from accounts.selectors import organisations_of_contact
from core.api import ConditionalGetMixin, ErrorSerializer

from . import services
from .badges.selectors import badge_assertions_for_user
from .bookings.selectors import bookings_of_contact
from .bookings.services import booking_cancel, booking_create, booking_member_add, booking_member_remove
from .calendar.selectors import calendar_feed_url
from .calendar.services import calendar_feed_get_or_create, calendar_feed_renew
from .catalogue.selectors import courses_for_catalogue, courses_with_lab
from .exceptions import NotFound
from .filters import CourseFilter, RunFilter
from .models import Attendance, BadgeAssertion, Booking, CoursePage, CourseRun, Enrolment, Session
from .participant.selectors import enrolment_list_for_user, enrolments_manageable_by
from .selectors import run_get, run_list, session_get, user_can_teach
from .serializers import (
    BOOKING_PLACES,
    AttendanceSerializer,
    BadgeSerializer,
    BookingCreateSerializer,
    BookingMemberCreateSerializer,
    BookingMemberSerializer,
    BookingSerializer,
    CalendarFeedSerializer,
    CourseCreateSerializer,
    CourseDetailSerializer,
    CourseSerializer,
    CourseUpdateSerializer,
    EnrolmentSerializer,
    EnrolRequestSerializer,
    OrganisationSerializer,
    RunCloseResultSerializer,
    RunCreateSerializer,
    RunSerializer,
    RunUpdateSerializer,
    SessionSerializer,
    SessionWriteSerializer,
    WalkInCreateSerializer,
)
from .trainer.selectors import session_attendance


def error(description) -> OpenApiResponse:
    """An error answer in the API's one shape. The schema finds most error answers itself; these are the ones
    only the services know of, or whose reasons are worth saying."""
    return OpenApiResponse(response=ErrorSerializer, description=description)


DOMAIN_ERROR = error(
    _("Ungültige Angaben (je Feld) oder eine Regel lässt es nicht zu; der Grund steht in `detail`.")
)
NOT_ALLOWED = error(_("Sie dürfen das nicht (Code `not_allowed`)."))
NOT_FOUND = error(_("Nicht gefunden, oder nicht für Sie sichtbar."))
RUN_CLOSED = error(_("Der Kurs ist abgeschlossen oder abgesagt (Code `run_closed`)."))
# Slugs as Wagtail makes them (letters, digits, hyphens, underscores); anything else is no address.
SLUG_PATTERN = r"[-\w]+"


def bookings_with_places(*, user) -> QuerySet[Booking]:
    """The bookings of the person's organisations as `BookingSerializer` shows them."""
    return bookings_of_contact(user=user).prefetch_related(BOOKING_PLACES)


class TeachesRun(permissions.BasePermission):
    """Trainers of the run, managers of its lab and superusers."""

    def has_object_permission(self, request, view, obj):
        run = obj.run if isinstance(obj, Session) else obj
        return user_can_teach(user=request.user, run=run)


class FormatIsAFilter(DefaultContentNegotiation):
    """`?format=` filters course offers by form (vor Ort, online); here it never picks the response format."""

    class settings:  # stands in for DRF's api_settings
        URL_FORMAT_OVERRIDE = None


COURSE_EXAMPLE = {
    "lab": "regionallabor-hameln",
    "title": "Videotelefonie mit der Familie",
    "summary": "Wir lernen Schritt für Schritt, wie Sie mit dem Tablet Ihre Enkel sehen und hören.",
    "body": "<p>Bringen Sie Ihr Tablet mit. Wir üben in kleinen Gruppen.</p>",
    "audience": "citizens",
    "topic": "communication",
    "format": "in_person",
    "level": 1,
    "competences": ["2.1", "2.4"],
    "prerequisites": "Keine",
    "bring_along": "Tablet oder Smartphone mit geladenem Akku",
    "price": "kostenfrei",
    "attendance_rule_percent": 80,
}
RUN_EXAMPLE = {
    "course": 42,
    "title": "Abendkurs",
    "capacity": 12,
    "room": None,
    "venue_name": "Bürgerhaus Tündern",
    "venue_address": "Schulstraße 3, 31789 Hameln",
    "enrolment_closes_at": "2027-03-01T12:00:00+01:00",
    "trainers": [7],
}


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Die veröffentlichten Kursangebote, das mit dem nächsten Termin zuerst "
            "(mit `near` das nächstgelegene zuerst)."
        )
    ),
    retrieve=extend_schema(
        description=_("Ein Kursangebot mit Beschreibung, Voraussetzungen und Mindestanwesenheit."),
        responses={200: CourseDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        description=_(
            "Ein neues Kursangebot unter einem Labor veröffentlichen; das dürfen die Laborleitung und die "
            "Redaktion. Ohne `slug` wird die Kurzadresse aus dem Titel gebildet."
        ),
        request=CourseCreateSerializer,
        responses={201: CourseDetailSerializer, 400: DOMAIN_ERROR, 403: NOT_ALLOWED},
        examples=[
            OpenApiExample(_("Kurs für Bürgerinnen und Bürger"), value=COURSE_EXAMPLE, request_only=True),
            OpenApiExample(
                _("Nur das Nötigste"),
                value={
                    "lab": "regionallabor-hameln",
                    "title": "Sicher im Netz",
                    "summary": "Passwörter und Betrug.",
                },
                request_only=True,
            ),
        ],
    ),
    partial_update=extend_schema(
        description=_(
            "Ein Kursangebot ändern und die Änderung veröffentlichen; das dürfen die Laborleitung und die "
            "Redaktion. Nur die gesendeten Felder ändern sich."
        ),
        request=CourseUpdateSerializer,
        responses={200: CourseDetailSerializer, 400: DOMAIN_ERROR, 403: NOT_ALLOWED, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                _("Neuer Titel und Preis"),
                value={"title": "Videotelefonie für Einsteiger", "price": "5 Euro"},
                request_only=True,
            ),
            OpenApiExample(
                _("Kompetenzen und Niveau"), value={"competences": ["2.1"], "level": 2}, request_only=True
            ),
        ],
    ),
)
class CourseViewSet(
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Published course offers. Lab managers and editors create and change the offers of their labs."""

    parser_classes = [JSONParser]

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filterset_class = CourseFilter
    content_negotiation_class = FormatIsAFilter

    def get_queryset(self) -> QuerySet[CoursePage]:
        if getattr(self, "swagger_fake_view", False):
            return CoursePage.objects.none()
        if self.action == "list":
            # CourseFilter builds the list from the catalogue's rules; this base is never evaluated.
            return CoursePage.objects.all()
        # The German pages, whose ids the runs point to, whatever language the API answers in.
        with translation.override(settings.LANGUAGE_CODE):
            return courses_with_lab(courses_for_catalogue())

    def get_serializer_class(self):
        return CourseSerializer if self.action == "list" else CourseDetailSerializer

    def get_object(self) -> CoursePage:
        # Slugs are unique per lab only; the oldest offer with the slug answers.
        course = self.get_queryset().filter(slug=self.kwargs["slug"]).order_by("pk").first()
        if course is None:
            raise NotFound()
        self.check_object_permissions(self.request, course)
        return course

    def create(self, request, *args, **kwargs):
        serializer = CourseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = services.course_create(by=request.user, **serializer.validated_data)
        return self._detail(course, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = CourseUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        course = services.course_update(
            course=self.get_object(), by=request.user, **serializer.validated_data
        )
        return self._detail(course, status.HTTP_200_OK)

    def _detail(self, course: CoursePage, code: int) -> Response:
        course = self.get_queryset().get(pk=course.pk)
        return Response(
            CourseDetailSerializer(course, context=self.get_serializer_context()).data, status=code
        )


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Die Kurstermine, der nächste zuerst (mit `near` der nächstgelegene zuerst). "
            "Ohne Zeitraum nur die kommenden."
        )
    ),
    retrieve=extend_schema(
        description=_("Ein Kurstermin mit seinen Treffen, freien Plätzen und der Länge der Warteliste."),
        responses={200: RunSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        description=_(
            "Einen Kurstermin zu einem Kursangebot anlegen; nur die Laborleitung des Labors darf das. Die "
            "Kursleitung braucht eine Rolle in diesem Labor; die Treffen kommen danach über `sessions/`."
        ),
        request=RunCreateSerializer,
        responses={201: RunSerializer, 400: DOMAIN_ERROR, 403: NOT_ALLOWED},
        examples=[
            OpenApiExample(_("Abendkurs an einem anderen Ort"), value=RUN_EXAMPLE, request_only=True),
            OpenApiExample(_("Nur das Nötigste"), value={"course": 42, "capacity": 10}, request_only=True),
        ],
    ),
    partial_update=extend_schema(
        description=_(
            "Einen geplanten Kurstermin ändern; nur die Laborleitung darf das. Weniger Plätze, als schon "
            "vergeben sind, gehen nicht; zusätzliche Plätze bekommen sofort die Wartenden."
        ),
        request=RunUpdateSerializer,
        responses={200: RunSerializer, 400: DOMAIN_ERROR, 403: NOT_ALLOWED, 404: NOT_FOUND, 409: RUN_CLOSED},
        examples=[
            OpenApiExample(_("Mehr Plätze"), value={"capacity": 16}, request_only=True),
            OpenApiExample(
                _("Anmeldeschluss und Kursleitung"),
                value={"enrolment_closes_at": "2027-03-01T12:00:00+01:00", "trainers": [7, 9]},
                request_only=True,
            ),
        ],
    ),
)
class RunViewSet(
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Scheduled runs with their sessions and seats. The list shows upcoming runs unless a date range is
    given."""

    parser_classes = [JSONParser]

    serializer_class = RunSerializer
    filterset_class = RunFilter
    throttle_scope = None  # set per action (enrolment)

    def get_queryset(self) -> QuerySet[CourseRun]:
        return run_list(include_past=True)

    def filter_queryset(self, queryset):
        # The filters (and "upcoming only") narrow the list; a run's own routes find it, past or not.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def create(self, request, *args, **kwargs):
        serializer = RunCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.run_create(by=request.user, **serializer.validated_data)
        return self._detail(run, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = RunUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        run = services.run_update(run=self.get_object(), by=request.user, **serializer.validated_data)
        return self._detail(run, status.HTTP_200_OK)

    def _detail(self, run: CourseRun, code: int) -> Response:
        run = run_get(run_id=run.pk)
        return Response(RunSerializer(run, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        description=_("Dem Kurstermin ein Treffen hinzufügen; nur die Laborleitung darf das."),
        request=SessionWriteSerializer,
        responses={
            201: SessionSerializer,
            400: DOMAIN_ERROR,
            403: NOT_ALLOWED,
            404: NOT_FOUND,
            409: RUN_CLOSED,
        },
        examples=[
            OpenApiExample(
                _("Ein Treffen am Abend"),
                value={
                    "start": "2027-03-09T18:00:00+01:00",
                    "end": "2027-03-09T20:00:00+01:00",
                    "location": "",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        """Add a session to the run (lab managers)."""
        serializer = SessionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_create(run=self.get_object(), by=request.user, **serializer.validated_data)
        session = session_get(session_id=session.pk)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description=_(
            "Einen Platz nehmen, oder einen Platz auf der Warteliste, wenn der Kurs voll ist. "
            "Altersgruppe und Wohnort sind freiwillig und nur für anonyme Berichte der Labore."
        ),
        request=EnrolRequestSerializer,
        responses={
            201: EnrolmentSerializer,
            400: error(_("Anmeldung geschlossen; der Grund steht in `detail`.")),
            404: NOT_FOUND,
            409: error(_("Bereits angemeldet.")),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="enrol",
    )
    def enrol(self, request, pk=None):
        """Take a seat, or a place on the waiting list when the run is full."""
        # The service locks and reads the run itself (404 when there is none); the run list's counts would
        # only slow down the busiest request of the API.
        if not str(pk).isdigit() or len(str(pk)) > 18:
            raise NotFound()
        # The body is optional and only JSON carries the figures: a request without one (or with an empty
        # form, as many clients send) enrols as before.
        is_json = (request.content_type or "").startswith("application/json")
        figures = EnrolRequestSerializer(data=request.data if is_json and request.body else {})
        figures.is_valid(raise_exception=True)
        enrolment = services.enrolment_create(run=CourseRun(pk=int(pk)), user=request.user)
        if figures.validated_data:
            enrolment = services.enrolment_statistics_set(
                enrolment=enrolment,
                by=request.user,
                age_band=figures.validated_data.get("age_band", ""),
                municipality=figures.validated_data.get("municipality", ""),
            )
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description=_(
            "Plätze für eine Organisation buchen, für die Sie Ansprechperson sind; die Namen kommen später."
        ),
        request=BookingCreateSerializer,
        responses={
            201: BookingSerializer,
            404: NOT_FOUND,
            400: error(
                _(
                    "Ungültige Angaben (je Feld), Anmeldung geschlossen, oder zu wenige Plätze frei "
                    "(Code `not_enough_seats`; der Grund steht in `detail`)."
                )
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="enrol",
    )
    def bookings(self, request, pk=None):
        """Book seats for an organisation the person is a contact of; members are named later."""
        run = self.get_object()
        serializer = BookingCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        booking = booking_create(run=run, by=request.user, **serializer.validated_data)
        booking = bookings_with_places(user=request.user).get(pk=booking.pk)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description=_(
            "Den Kurs nach seinem letzten Treffen abschließen: wer oft genug da war, hat ihn geschafft. Ein "
            "abgeschlossener Kurs antwortet beim zweiten Mal mit denselben Zahlen."
        ),
        request=None,
        responses={
            200: RunCloseResultSerializer,
            404: NOT_FOUND,
            400: error(_("Der letzte Termin hat noch nicht begonnen (Code `run_not_finished`).")),
            403: error(_("Sie leiten diesen Kurs nicht.")),
            409: error(_("Der Kurs wurde abgesagt.")),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, TeachesRun])
    def complete(self, request, pk=None):
        """Close the run after its last session: who attended enough completes it. Closing a closed run
        again changes nothing and answers with the same counts."""
        result = services.run_close(run=self.get_object(), by=request.user)
        data = {"completed": len(result.completed), "not_completed": len(result.not_completed)}
        return Response(RunCloseResultSerializer(data).data)


@extend_schema_view(
    partial_update=extend_schema(
        description=_(
            "Ein Treffen verschieben oder an einen anderen Ort legen; nur die Laborleitung darf das."
        ),
        request=SessionWriteSerializer,
        responses={
            200: SessionSerializer,
            400: DOMAIN_ERROR,
            403: NOT_ALLOWED,
            404: NOT_FOUND,
            409: RUN_CLOSED,
        },
        examples=[
            OpenApiExample(
                _("Eine Stunde später"),
                value={"start": "2027-03-09T19:00:00+01:00", "end": "2027-03-09T21:00:00+01:00"},
                request_only=True,
            )
        ],
    ),
)
class SessionViewSet(viewsets.GenericViewSet):
    """Sessions: lab managers move them, trainers record who came."""

    parser_classes = [JSONParser]

    serializer_class = SessionSerializer

    def get_queryset(self) -> QuerySet[Session]:
        return Session.objects.select_related("run", "run__lab", "run__room")

    def partial_update(self, request, *args, **kwargs):
        serializer = SessionWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        session = services.session_update(
            session=self.get_object(), by=request.user, **serializer.validated_data
        )
        session = session_get(session_id=session.pk)
        return Response(SessionSerializer(session).data)

    @extend_schema(
        methods=["get"],
        request=None,
        responses={200: AttendanceSerializer(many=True), 404: NOT_FOUND},
        description=_("Wer einen Platz hat und was für dieses Treffen erfasst ist."),
    )
    @extend_schema(
        methods=["put"],
        request=AttendanceSerializer(many=True),
        responses={
            200: AttendanceSerializer(many=True),
            404: NOT_FOUND,
            409: RUN_CLOSED,
            400: error(
                _(
                    "Ungültige Liste, Kurs abgeschlossen, oder das Treffen ist mehr als einen Tag "
                    "entfernt (Code `attendance_too_early`); der Grund steht in `detail`."
                )
            ),
        },
        description=_(
            "Die Anwesenheit der genannten Plätze erfassen, alle oder keinen. "
            "Möglich ab dem Tag vor dem Treffen."
        ),
    )
    @action(
        detail=True,
        methods=["get", "put"],
        permission_classes=[permissions.IsAuthenticated, TeachesRun],
        pagination_class=None,
    )
    def attendance(self, request, pk=None):
        session = self.get_object()
        if request.method == "PUT":
            serializer = AttendanceSerializer(data=request.data, many=True)
            serializer.is_valid(raise_exception=True)
            entries = [
                services.AttendanceEntry(enrolment_id=entry["enrolment"], status=entry["status"])
                for entry in serializer.validated_data
            ]
            services.attendance_record(session=session, entries=entries, by=request.user)
        rows = session_attendance(session=session)
        return Response(AttendanceSerializer(rows, many=True).data)

    @extend_schema(
        description=_(
            "Jemanden eintragen, der ohne Anmeldung gekommen ist, als anwesend, solange Plätze frei sind. "
            "Mit E-Mail-Adresse gehört der Platz zum Konto dieser Person."
        ),
        request=WalkInCreateSerializer,
        responses={
            201: AttendanceSerializer,
            400: error(
                _(
                    "Ungültiger Name oder E-Mail-Adresse (je Feld), kein Platz mehr frei (Code "
                    "`run_full`), Kurs abgeschlossen, oder das Treffen ist mehr als einen Tag entfernt (Code "
                    "`attendance_too_early`)."
                )
            ),
            403: error(_("Sie leiten diesen Kurs nicht.")),
            404: NOT_FOUND,
            409: error(_("Diese Person hat schon einen Platz in diesem Kurs.")),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="walk-ins",
        permission_classes=[permissions.IsAuthenticated, TeachesRun],
    )
    def walk_ins(self, request, pk=None):
        """Add someone who came without enrolling, marked present, while seats remain. With an email
        address the seat belongs to that person's account; without one it carries only the name."""
        session = self.get_object()
        serializer = WalkInCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services.walk_in_add(session=session, by=request.user, **serializer.validated_data)
        row = {
            "enrolment": enrolment.pk,
            "participant": enrolment.holder_name,
            "status": Attendance.Status.PRESENT,
        }
        return Response(AttendanceSerializer(row).data, status=status.HTTP_201_CREATED)


class EnrolmentViewSet(viewsets.GenericViewSet):
    """Cancelling a seat: one's own, or any in a lab one manages. Answering an offer: one's own, or one
    made to a booking of an organisation one is a contact of (the services decide; others are not found)."""

    serializer_class = EnrolmentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Enrolment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        if self.action in ("accept_offer", "decline_offer"):
            return Enrolment.objects.all()
        return enrolments_manageable_by(user=self.request.user)

    @extend_schema(
        description=_(
            "Den Platz zurückgeben; die erste Person auf der Warteliste bekommt ihn. Nach der Absagefrist "
            "des Kurses bleibt der Platz (400, die Frist steht in `detail`)."
        ),
        request=None,
        responses={200: EnrolmentSerializer, 400: DOMAIN_ERROR, 403: NOT_ALLOWED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Give the seat back; the first person waiting gets it. After the course's cancellation deadline
        a seat is kept (400, the deadline in `detail`)."""
        enrolment = services.enrolment_cancel(enrolment=self.get_object(), by=request.user)
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(
        description=_("Den angebotenen Platz annehmen, solange das Angebot gilt (`offer_expires_at`)."),
        request=None,
        responses={200: EnrolmentSerializer, 400: DOMAIN_ERROR, 403: NOT_ALLOWED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="accept-offer")
    def accept_offer(self, request, pk=None):
        """Take the seat offered, while the offer holds (`offer_expires_at`)."""
        enrolment = services.offer_accept(enrolment=self.get_object(), by=request.user)
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(
        description=_("Den angebotenen Platz ablehnen; er geht an die nächste Person auf der Warteliste."),
        request=None,
        responses={200: EnrolmentSerializer, 400: DOMAIN_ERROR, 403: NOT_ALLOWED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="decline-offer")
    def decline_offer(self, request, pk=None):
        """Say no to the seat offered; it goes to the next person waiting."""
        enrolment = services.offer_decline(enrolment=self.get_object(), by=request.user)
        return Response(EnrolmentSerializer(enrolment).data)


@extend_schema_view(get=extend_schema(description=_("Ihre Anmeldungen, die neueste zuerst.")))
class MyEnrolmentsView(generics.ListAPIView):
    """The signed-in person's enrolments, newest first."""

    serializer_class = EnrolmentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Enrolment]:
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        return enrolment_list_for_user(user=self.request.user)


@extend_schema_view(get=extend_schema(description=_("Ihre Badges (Open Badges 2.0), der neueste zuerst.")))
class MyBadgesView(generics.ListAPIView):
    """The signed-in person's badges (Open Badges 2.0 hosted assertions), newest first."""

    serializer_class = BadgeSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[BadgeAssertion]:
        if getattr(self, "swagger_fake_view", False):
            return BadgeAssertion.objects.none()
        return badge_assertions_for_user(user=self.request.user)


@extend_schema_view(
    get=extend_schema(
        description=_("Die Organisationen, für die Sie Ansprechperson sind und Plätze buchen können.")
    )
)
class MyOrganisationsView(generics.ListAPIView):
    """The organisations the signed-in person is a contact of, by name: those they may book seats for."""

    serializer_class = OrganisationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Organisation]:
        if getattr(self, "swagger_fake_view", False):
            return Organisation.objects.none()
        return organisations_of_contact(user=self.request.user)


@extend_schema_view(
    get=extend_schema(description=_("Die Buchungen Ihrer Organisationen, der früheste Kurs zuerst."))
)
class MyBookingsView(generics.ListAPIView):
    """The bookings of the organisations the signed-in person is a contact of, soonest course first."""

    serializer_class = BookingSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Booking]:
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        return bookings_with_places(user=self.request.user)


@extend_schema_view(
    retrieve=extend_schema(
        description=_("Eine Buchung Ihrer Organisation mit ihren Plätzen, Namen und Angeboten."),
        responses={200: BookingSerializer, 404: NOT_FOUND},
    )
)
class BookingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An organisation's booking: its contacts name members, swap them and cancel it. Bookings of other
    organisations are not found."""

    parser_classes = [JSONParser]

    serializer_class = BookingSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Booking]:
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        return bookings_with_places(user=self.request.user)

    @extend_schema(
        description=_(
            "Einen freien Platz der Buchung einer Person geben; sie bekommt eine Einladung per E-Mail und "
            "nimmt den Platz selbst an."
        ),
        request=BookingMemberCreateSerializer,
        responses={
            201: BookingMemberSerializer,
            400: error(
                _(
                    "Ungültiger Name oder E-Mail-Adresse, oder alle gebuchten Plätze haben schon "
                    "einen Namen (je Feld)."
                )
            ),
            404: NOT_FOUND,
            409: error(_("Diese Person hat in diesem Kurs schon einen Platz.")),
        },
    )
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Give an unnamed seat to a member; they are invited by mail and accept it themselves."""
        booking = self.get_object()
        serializer = BookingMemberCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = booking_member_add(booking=booking, by=request.user, **serializer.validated_data)
        return Response(BookingMemberSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "enrolment",
                {"type": "integer", "minimum": 0},
                OpenApiParameter.PATH,
                description=_("Nummer (id) des Platzes."),
            )
        ],
        description=_("Eine benannte Person vom Platz nehmen; der Platz bleibt der Organisation."),
        request=None,
        responses={
            204: None,
            400: error(_("Nach der Absagefrist; die Frist steht in `detail`.")),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<enrolment>[0-9]+)")
    def member(self, request, pk=None, enrolment=None):
        """Take a named member off their seat, which stays with the organisation for someone else."""
        booking = self.get_object()
        place = next((p for p in booking.listed_places if p.pk == int(enrolment)), None)
        if place is None:
            raise NotFound()
        booking_member_remove(booking=booking, enrolment=place, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        description=_(
            "Die ganze Buchung stornieren: ihre Plätze und Wartelistenplätze enden "
            "und gehen an die Warteliste."
        ),
        request=None,
        responses={
            200: BookingSerializer,
            400: error(_("Schon storniert, oder nach der Absagefrist; die Frist steht in `detail`.")),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the whole booking: its seats and waiting places end and go to the waiting list."""
        booking = booking_cancel(booking=self.get_object(), by=request.user)
        booking = self.get_queryset().get(pk=booking.pk)
        return Response(BookingSerializer(booking).data)


class MyCalendarView(APIView):
    """The address of the signed-in person's private calendar feed; made on first use."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=_("Die geheime Adresse Ihres persönlichen Kalenders; beim ersten Mal wird sie angelegt."),
        responses={200: CalendarFeedSerializer},
    )
    def get(self, request):
        feed = calendar_feed_get_or_create(user=request.user)
        return Response(CalendarFeedSerializer({"url": calendar_feed_url(feed=feed)}).data)


class MyCalendarRenewView(APIView):
    """A new secret address for the personal calendar; the old one stops working at once."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        description=_("Eine neue geheime Kalenderadresse; die alte gilt sofort nicht mehr."),
        request=None,
        responses={200: CalendarFeedSerializer},
    )
    def post(self, request):
        feed = calendar_feed_renew(user=request.user)
        return Response(CalendarFeedSerializer({"url": calendar_feed_url(feed=feed)}).data)
