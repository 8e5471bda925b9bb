"""The floors of the catalogue benchmark (`bench.catalogue`): bare Django views that render the same cards as
the site's pages, each from one `.values()` query.

Each view reads its cards in one statement (filters, order, next run, seats, lab and place all in SQL) and
renders them in the site's own frame (`base.html`: header and footer, as every page of the site) with the
markup of the site's cards, written out here for plain values: no Wagtail routing, no page objects, no
selectors. What a floor leaves out of its page is said at each view; it only ever makes the floor cheaper,
so the factor errs on the side of the page looking slower than it is. `bench.catalogue` checks before timing
that a floor's cards read word for word as the page's.

Served through the platform's middleware (`urlpatterns` below add the floors to the platform's URLs), so that
both sides of a factor pay for the same request handling.
"""

from datetime import timedelta
from functools import cache, lru_cache
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db.models import F, FloatField, IntegerField, OuterRef, Subquery, Value, Window
from django.db.models.aggregates import Count
from django.db.models.functions import (
    ASin,
    Coalesce,
    Cos,
    Length,
    Power,
    Radians,
    Round,
    Sin,
    Sqrt,
    Substr,
)
from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from wagtail.models import Site

from config.urls import urlpatterns as platform_urlpatterns
from core.locales import active_content_language
from courses.models import Audience, CoursePage, CourseRun, Enrolment, Format, Level, Session
from courses.selectors import SEAT_TAKING
from labs.models import LabPage
from labs.places import place_find

PAGE_SIZE = 10

CATALOGUE = """{% extends "base.html" %}{% load i18n courses_tags %}
{% block title %}{{ title }}{% endblock %}
{% block body_class %}page-catalogue{% endblock %}
{% block content %}
<h1>{{ title }}</h1>
<section class="section" aria-labelledby="results-title">
  <h2 id="results-title" aria-live="polite">{% blocktranslate count counter=results.paginator.count %}{{ counter }} Kurs gefunden{% plural %}{{ counter }} Kurse gefunden{% endblocktranslate %}</h2>
  {% if cards %}
    <ul class="card-list card-list--grid">
      {% for course in cards %}<li><article class="card course-card">
  <h3 class="card__title"><a href="{{ course.url }}">{{ course.title }}</a></h3>
  {% if course.lab_title %}
    <p class="card__place">{{ course.lab_title }}, {{ course.municipality_name }}{% if course.distance_km is not None %}<span class="card__distance">{% if course.distance_km < 1 %}{% translate "weniger als 1 km entfernt" %}{% else %}{% blocktranslate trimmed with km=course.distance_km|floatformat:0 %}ca. {{ km }} km entfernt{% endblocktranslate %}{% endif %}</span>{% endif %}</p>
  {% endif %}
  <dl class="facts">
    <div>
      <dt>{% translate "Nächster Termin" %}</dt>
      <dd>{% if course.next_run %}{% blocktranslate trimmed with day=course.next_run.first_start|long_date time=course.next_run.first_start|time:"H:i" %}{{ day }}, {{ time }} Uhr{% endblocktranslate %}{% else %}{% translate "Zurzeit kein Termin" %}{% endif %}</dd>
    </div>
    {% if course.next_run %}
    <div>
      <dt class="visually-hidden">{% translate "Plätze" %}</dt>
      <dd>{{ course.next_run|seats_text }}</dd>
    </div>
    {% endif %}
    <div>
      <dt>{% translate "Für wen" %}</dt>
      <dd>{{ course.audience }}</dd>
    </div>
  </dl>
  {% if course.next_run %}
    {% if course.upcoming_runs == 1 %}
      <p class="card__action"><a class="button button--primary" href="{% url 'courses:enrol' course.next_run.pk %}">{% if course.next_run.seats_left > 0 %}{% translate "Anmelden" %}{% else %}{% translate "Auf die Warteliste" %}{% endif %}<span class="visually-hidden">: {{ course.title }}</span></a></p>
    {% elif course.upcoming_runs > 1 %}
      <p class="card__action"><a class="more-link" href="{{ course.url }}#termine">{% blocktranslate count counter=course.upcoming_runs %}{{ counter }} Termin ansehen{% plural %}Alle {{ counter }} Termine ansehen{% endblocktranslate %}<span class="visually-hidden">: {{ course.title }}</span></a></p>
    {% endif %}
  {% endif %}
</article></li>{% endfor %}
    </ul>
    {% include "includes/pagination.html" with page_obj=results %}
  {% endif %}
</section>
{% endblock %}
"""  # noqa: E501

RUN_CARD = """<article class="card run-card" id="termin-{{ run.pk }}" aria-labelledby="termin-{{ run.pk }}-titel">
  <h3 class="card__title" id="termin-{{ run.pk }}-titel">{% blocktranslate trimmed with day=run.first_start|long_date %}Ab {{ day }}{% endblocktranslate %}{% if run.title %} – {{ run.title }}{% endif %}</h3>
  <p class="seats{% if run.seats_left <= 0 %} seats--full{% endif %}">{{ run|seats_text }}</p>
  {% if not run.enrolment_open %}
    <p class="notice">{% translate "Die Anmeldefrist für diesen Termin ist abgelaufen." %}</p>
  {% elif run.seats_left > 0 %}
    <p class="run-card__action"><a class="button button--primary" href="{% url 'courses:enrol' run.pk %}">{% translate "Jetzt anmelden" %}</a></p>
  {% else %}
    <p class="run-card__action"><a class="button button--primary" href="{% url 'courses:enrol' run.pk %}">{% translate "Auf die Warteliste" %}</a></p>
  {% endif %}
  <p class="run-card__place"><strong>{% translate "Ort" %}:</strong> {{ run.location }}</p>
  <p class="run-card__label">{% blocktranslate count counter=run.sessions|length %}{{ counter }} Treffen:{% plural %}{{ counter }} Treffen:{% endblocktranslate %}</p>
  <ul class="sessions">
    {% for session in run.sessions %}
      <li>{{ session|session_when }}{% if session.location %}<br><span class="sessions__where">{% blocktranslate with place=session.location %}Ort: {{ place }}{% endblocktranslate %}</span>{% endif %}</li>
    {% endfor %}
  </ul>
  {% if run.cancel_deadline %}
    {% if run.cancel_deadline_passed %}
      <p>{% translate "Die Absagefrist ist abgelaufen. Wer sich jetzt anmeldet, kann nicht mehr selbst absagen." %}</p>
    {% else %}
      <p>{% blocktranslate trimmed with deadline=run.cancel_deadline|moment %}Absagen bis {{ deadline }}{% endblocktranslate %}</p>
    {% endif %}
  {% endif %}
  <p class="run-card__calendar"><a href="{% url 'calendar:run' run.pk %}">{% translate "Termine in meinen Kalender übernehmen" %}<span class="visually-hidden"> ({% translate "Kalenderdatei" %})</span></a></p>
</article>"""  # noqa: E501

COURSE = (
    """{% extends "base.html" %}{% load i18n wagtailcore_tags courses_tags %}
{% block title %}{{ course.title }}{% endblock %}
{% block body_class %}page-course{% endblock %}
{% block content %}
<div class="course-layout">
  <div class="course-layout__head">
    <p class="overline"><a href="{{ course.lab_url }}">{{ course.lab_title }}</a></p>
    <h1>{{ course.title }}</h1>
    <p class="lead">{{ course.summary }}</p>
  </div>
  <section class="course-layout__runs" id="termine" aria-labelledby="course-runs-title" tabindex="-1">
    <h2 id="course-runs-title">{% translate "Termine und Anmeldung" %}</h2>
    <ol class="run-list">
      {% for run in runs %}<li>"""  # noqa: E501
    + RUN_CARD
    + """</li>{% endfor %}
    </ol>
  </section>
  <div class="course-layout__about">
    {% if course.body %}
    <section class="section" aria-labelledby="course-about">
      <h2 id="course-about">{% translate "Über diesen Kurs" %}</h2>
      <div class="prose">{{ course.body|richtext }}</div>
    </section>
    {% endif %}
    <section class="section" aria-labelledby="course-facts">
      <h2 id="course-facts">{% translate "Das Wichtigste in Kürze" %}</h2>
      <dl class="facts facts--wide">
        <div><dt>{% translate "Für wen" %}</dt><dd>{{ course.audience }}</dd></div>
        <div><dt>{% translate "Niveau" %}</dt><dd>{{ course.level }}</dd></div>
        <div><dt>{% translate "Kursform" %}</dt><dd>{{ course.format }}</dd></div>
        <div><dt>{% translate "Voraussetzungen" %}</dt><dd>{{ course.prerequisites|default:_("Keine. Sie können einfach kommen.")|linebreaksbr }}</dd></div>
        {% if course.bring_along %}<div><dt>{% translate "Bitte mitbringen" %}</dt><dd>{{ course.bring_along|linebreaksbr }}</dd></div>{% endif %}
        <div><dt>{% translate "Kosten" %}</dt><dd>{{ course.price|default:_("kostenfrei") }}</dd></div>
      </dl>
    </section>
  </div>
</div>
{% endblock %}
"""  # noqa: E501
)

LAB = """{% extends "base.html" %}{% load i18n courses_tags %}
{% block title %}{{ lab.title }}{% endblock %}
{% block body_class %}page-lab{% endblock %}
{% block content %}
<h1>{{ lab.title }}</h1>
<section class="section" aria-labelledby="lab-runs">
  <h2 id="lab-runs">{% translate "Die nächsten Kurse hier" %}</h2>
  <ul class="card-list">
    {% for run in runs %}<li><article class="card run-summary">
  <h3 class="card__title"><a href="{{ run.course_url }}#termin-{{ run.pk }}">{{ run.course_title }}{% if run.title %} – {{ run.title }}{% endif %}</a></h3>
  <dl class="facts">
    <div>
      <dt>{% translate "Beginn" %}</dt>
      <dd>{{ run.first|session_when }}</dd>
    </div>
    {% if run.session_count > 1 %}
    <div>
      <dt>{% translate "Treffen" %}</dt>
      <dd>{% blocktranslate count counter=run.session_count %}{{ counter }} Treffen{% plural %}{{ counter }} Treffen{% endblocktranslate %}</dd>
    </div>
    {% endif %}
    <div>
      <dt>{% translate "Plätze" %}</dt>
      <dd>{{ run|seats_text }}</dd>
    </div>
  </dl>
</article></li>{% endfor %}
  </ul>
</section>
{% endblock %}
"""  # noqa: E501


@cache
def _template(source: str):
    return engines["django"].from_string(source)


@lru_cache(maxsize=1)
def _root_path() -> str:
    """The default site's root page path ("/start/"), which page URLs leave out; read once, as Wagtail caches
    the site root paths."""
    return Site.objects.get(is_default_site=True).root_page.url_path


def _url(url_path: str) -> str:
    return "/" + url_path[len(_root_path()) :]


def _seats_taken(run_ref: str) -> Subquery:
    taken = (
        Enrolment.objects.filter(run=OuterRef(run_ref), status__in=SEAT_TAKING)
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), 0)


def _first_start(run_ref: str) -> Subquery:
    return Subquery(Session.objects.filter(run=OuterRef(run_ref)).order_by("start").values("start")[:1])


def _haversine_km(latitude: float, longitude: float, lat, lon):
    """Great-circle distance in SQL, as labs.places.Place.distance_km reckons it."""
    half = Power(Sin((Radians(lat) - Radians(Value(latitude))) / 2), 2) + Cos(Radians(Value(latitude))) * Cos(
        Radians(lat)
    ) * Power(Sin((Radians(lon) - Radians(Value(longitude))) / 2), 2)
    return Round(Value(6371.0) * 2 * ASin(Sqrt(half)), 1, output_field=FloatField())


def catalogue_floor(request):
    """The catalogue's heading, count, first page of course cards and page links.

    Left out: the filter form (its choices cost the page two queries and the rendering of seven fields)."""
    now = timezone.now()
    courses = CoursePage.objects.filter(live=True, locale__language_code=active_content_language())
    for name in ("audience", "topic", "format"):
        if request.GET.get(name):
            courses = courses.filter(**{name: request.GET[name]})
    if request.GET.get("level"):
        courses = courses.filter(level=int(request.GET["level"]))
    lab = LabPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - CoursePage.steplen)
    )
    courses = courses.annotate(
        lab_title=Subquery(lab.values("title")[:1]),
        municipality_name=Subquery(lab.values("municipality__name")[:1]),
        municipality_slug=Subquery(lab.values("municipality__slug")[:1]),
        next_start=Subquery(
            Session.objects.filter(
                run__course=OuterRef("pk"), run__status=CourseRun.Status.SCHEDULED, start__gte=now
            )
            .order_by("start")
            .values("start")[:1]
        ),
    )
    if request.GET.get("municipality"):
        courses = courses.filter(municipality_slug=request.GET["municipality"])
    ordering = [F("next_start").asc(nulls_last=True), "title"]
    near = request.GET.get("near")
    if near:
        place = place_find(near)
        courses = courses.annotate(
            lab_latitude=Coalesce(
                Subquery(lab.values("latitude")[:1]), Subquery(lab.values("municipality__latitude")[:1])
            ),
            lab_longitude=Coalesce(
                Subquery(lab.values("longitude")[:1]), Subquery(lab.values("municipality__longitude")[:1])
            ),
        ).annotate(
            distance_km=_haversine_km(place.latitude, place.longitude, F("lab_latitude"), F("lab_longitude"))
        )
        ordering.insert(0, F("distance_km").asc(nulls_last=True))
    next_run = (
        CourseRun.objects.filter(course=OuterRef("pk"), status=CourseRun.Status.SCHEDULED)
        .annotate(first=_first_start("pk"))
        .filter(first__gte=now)
        .order_by("first", "pk")
    )
    rows = list(
        courses.annotate(
            next_run_id=Subquery(next_run.values("pk")[:1]),
            next_run_start=Subquery(next_run.values("first")[:1]),
            next_run_capacity=Subquery(next_run.values("capacity")[:1]),
            upcoming_runs=Subquery(
                CourseRun.objects.filter(
                    course=OuterRef("pk"), status=CourseRun.Status.SCHEDULED, sessions__start__gte=now
                )
                .order_by()
                .values("course")
                .annotate(n=Count("pk", distinct=True))
                .values("n"),
                output_field=IntegerField(),
            ),
            total=Window(Count("pk")),
        )
        .annotate(next_run_taken=_seats_taken("next_run_id"))
        .order_by(*ordering)
        .values(
            "title",
            "url_path",
            "audience",
            "lab_title",
            "municipality_name",
            "next_run_id",
            "next_run_start",
            "next_run_capacity",
            "next_run_taken",
            "upcoming_runs",
            "total",
            *(["distance_km"] if near else []),
        )[:PAGE_SIZE]
    )
    cards = [
        SimpleNamespace(
            title=row["title"],
            url=_url(row["url_path"]),
            audience=Audience(row["audience"]).label,
            lab_title=row["lab_title"],
            municipality_name=row["municipality_name"],
            upcoming_runs=row["upcoming_runs"],
            distance_km=row.get("distance_km"),
            next_run=SimpleNamespace(
                pk=row["next_run_id"],
                first_start=row["next_run_start"],
                seats_left=max(0, row["next_run_capacity"] - row["next_run_taken"]),
            )
            if row["next_run_id"]
            else None,
        )
        for row in rows
    ]
    total = rows[0]["total"] if rows else 0
    results = Paginator(range(total), PAGE_SIZE).page(1)
    context = {"title": "Kurse", "cards": cards, "results": results}
    return TemplateResponse(request, _template(CATALOGUE), context)


def _run_card(row, sessions, now) -> SimpleNamespace:
    if row["run__venue_name"]:
        location = [row["run__venue_name"], row["run__venue_address"]]
    else:
        address = ", ".join(
            part
            for part in [
                row["run__lab__street"],
                f"{row['run__lab__postcode']} {row['run__lab__town']}".strip(),
            ]
            if part
        )
        location = [row["run__room__name"], row["run__lab__title"], address]
    first_start = sessions[0].start
    closes_at = row["run__enrolment_closes_at"] or first_start
    deadline = first_start - timedelta(hours=row["run__course__cancellation_hours"])
    return SimpleNamespace(
        pk=row["run_id"],
        title=row["run__title"],
        first_start=first_start,
        sessions=sessions,
        location=", ".join(part for part in location if part),
        seats_left=max(0, row["run__capacity"] - row["taken"]),
        enrolment_open=now < closes_at,
        cancel_deadline=deadline,
        cancel_deadline_passed=deadline <= now,
    )


def course_floor(request, course_id: int):
    """A course page: the course's head and facts and its upcoming runs as cards, for a visitor who is not
    logged in, from one query over the runs' sessions.

    Left out: the course's competences (a second query on the page) and the lab's page link by routing."""
    now = timezone.now()
    rows = list(
        Session.objects.filter(run__course_id=course_id, run__status=CourseRun.Status.SCHEDULED)
        .annotate(run_first=_first_start("run_id"), taken=_seats_taken("run_id"))
        .filter(run_first__gte=now)
        .order_by("run_first", "run_id", "start")
        .values(
            "run_id",
            "start",
            "end",
            "location",
            "taken",
            "run__title",
            "run__capacity",
            "run__venue_name",
            "run__venue_address",
            "run__enrolment_closes_at",
            "run__room__name",
            "run__lab__title",
            "run__lab__url_path",
            "run__lab__street",
            "run__lab__postcode",
            "run__lab__town",
            "run__course__title",
            "run__course__summary",
            "run__course__body",
            "run__course__audience",
            "run__course__level",
            "run__course__format",
            "run__course__prerequisites",
            "run__course__bring_along",
            "run__course__price",
            "run__course__cancellation_hours",
        )
    )
    if not rows:
        get_object_or_404(CoursePage, pk=-1)
    runs, sessions = [], []
    for i, row in enumerate(rows):
        sessions.append(SimpleNamespace(start=row["start"], end=row["end"], location=row["location"]))
        if i + 1 == len(rows) or rows[i + 1]["run_id"] != row["run_id"]:
            runs.append(_run_card(row, sessions, now))
            sessions = []
    head = rows[0]
    course = SimpleNamespace(
        title=head["run__course__title"],
        summary=head["run__course__summary"],
        body=head["run__course__body"],
        audience=Audience(head["run__course__audience"]).label,
        level=Level(head["run__course__level"]).label,
        format=Format(head["run__course__format"]).label,
        prerequisites=head["run__course__prerequisites"],
        bring_along=head["run__course__bring_along"],
        price=head["run__course__price"],
        lab_title=head["run__lab__title"],
        lab_url=_url(head["run__lab__url_path"]),
    )
    return TemplateResponse(request, _template(COURSE), {"course": course, "runs": runs})


def lab_floor(request, lab_id: int, limit: int = 20):
    """A lab page's title and its next runs as summaries, from one query over the runs.

    Left out: the lab's address, opening hours, contact and description."""
    now = timezone.now()
    sessions = Session.objects.filter(run=OuterRef("pk")).order_by("start")
    rows = list(
        CourseRun.objects.filter(lab_id=lab_id, status=CourseRun.Status.SCHEDULED)
        .annotate(
            first=Subquery(sessions.values("start")[:1]),
            first_end=Subquery(sessions.values("end")[:1]),
            session_count=Subquery(
                Session.objects.filter(run=OuterRef("pk"))
                .order_by()
                .values("run")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            taken=_seats_taken("pk"),
        )
        .filter(first__gte=now)
        .order_by("first", "pk")
        .values(
            "pk",
            "title",
            "capacity",
            "first",
            "first_end",
            "session_count",
            "taken",
            "course__title",
            "course__url_path",
            "lab__title",
        )[:limit]
    )
    runs = [
        SimpleNamespace(
            pk=row["pk"],
            title=row["title"],
            course_title=row["course__title"],
            course_url=_url(row["course__url_path"]),
            first=SimpleNamespace(start=row["first"], end=row["first_end"]),
            session_count=row["session_count"],
            seats_left=max(0, row["capacity"] - row["taken"]),
        )
        for row in rows
    ]
    lab = SimpleNamespace(title=rows[0]["lab__title"] if rows else "")
    return TemplateResponse(request, _template(LAB), {"lab": lab, "runs": runs})


urlpatterns = [
    path("bench/floor/kurse/", catalogue_floor, name="bench-floor-catalogue"),
    path("bench/floor/kurs/<int:course_id>/", course_floor, name="bench-floor-course"),
    path("bench/floor/labor/<int:lab_id>/", lab_floor, name="bench-floor-lab"),
    *platform_urlpatterns,
]
