"""The floors of the API benchmark (`bench.api`): bare Django views that answer the same JSON as the API's
lists, each from one `.values()` query plus the count for the pagination.

Each view reads one page of rows in one statement (order, seats, lab, course and sessions or competences all
in SQL, one row per session or per competence of the page) and writes the same fields as the API, with the
same `count`, `next` and `previous`: no DRF, no serializers, no selectors, no model instances. `bench.api`
checks before timing that a floor's JSON equals the API's. Left out, which only makes a floor cheaper: the
lists' filters (the benchmark asks for unfiltered lists), view restrictions of pages (the benchmark's district
has none), authentication and throttling.

Served through the platform's middleware (`urlpatterns` below add the floors to the platform's URLs), so that
both sides of a factor pay for the same request handling.
"""

import json
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, F, IntegerField, OuterRef, Subquery
from django.db.models.aggregates import Count
from django.db.models.functions import Coalesce, Length, Substr
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from wagtail.models import Site

from config.urls import urlpatterns as platform_urlpatterns
from courses.models import CoursePage, CourseRun, Enrolment, Session
from courses.selectors import SEAT_TAKING
from labs.models import LabPage

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@lru_cache(maxsize=1)
def _site_root() -> tuple[str, str]:
    """The default site's root URL and root page path: a page's public address is the one joined to the
    other's remainder. Read once, as Wagtail caches the site root paths."""
    site = Site.objects.select_related("root_page").get(is_default_site=True)
    return site.root_url, site.root_page.url_path


def _page_url(url_path: str) -> str:
    root_url, root_path = _site_root()
    return root_url + "/" + url_path[len(root_path) :]


def _moment(value) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def _page(request) -> tuple[int, int]:
    size = int(request.GET.get("page_size") or DEFAULT_PAGE_SIZE)
    return int(request.GET.get("page") or 1), max(1, min(size, MAX_PAGE_SIZE))


def _link(request, number: int, size: int, count: int) -> str | None:
    if number < 1 or (number - 1) * size >= count:
        return None
    query = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    if number > 1:
        query["page"] = [str(number)]
    encoded = urlencode(sorted(query.items()), doseq=True)
    return request.build_absolute_uri(request.path + (f"?{encoded}" if encoded else ""))


def _answer(request, *, count: int, number: int, size: int, results: list) -> HttpResponse:
    body = {
        "count": count,
        "next": _link(request, number + 1, size, count),
        "previous": _link(request, number - 1, size, count) if number > 1 else None,
        "results": results,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


def _enrolments_counted(run_ref: str, statuses) -> Coalesce:
    counted = (
        Enrolment.objects.filter(run=OuterRef(run_ref), status__in=statuses)
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _first_start(run_ref: str) -> Subquery:
    return Subquery(Session.objects.filter(run=OuterRef(run_ref)).order_by("start").values("start")[:1])


def _run_location(row) -> str:
    if row["run__venue_name"]:
        parts = [row["run__venue_name"], row["run__venue_address"]]
    else:
        address = ", ".join(
            part
            for part in [
                row["run__lab__street"],
                f"{row['run__lab__postcode']} {row['run__lab__town']}".strip(),
            ]
            if part
        )
        parts = [row["run__room__name"], row["run__lab__title"], address]
    return ", ".join(part for part in parts if part)


def runs_floor(request):
    """`GET runs/` unfiltered: the upcoming scheduled runs, soonest first, each with its sessions and seats.

    One row per session of the page's runs; the page's runs are picked by a subquery in the same statement."""
    number, size = _page(request)
    now = timezone.now()
    upcoming = CourseRun.objects.filter(
        Exists(Session.objects.filter(run=OuterRef("pk"), start__gte=now)), status=CourseRun.Status.SCHEDULED
    )
    count = upcoming.count()
    page = (
        upcoming.annotate(first=_first_start("pk"))
        .order_by("first", "pk")
        .values("pk")[(number - 1) * size : number * size]
    )
    rows = (
        Session.objects.filter(run__in=page)
        .annotate(
            run_first=_first_start("run_id"),
            taken=_enrolments_counted("run_id", SEAT_TAKING),
            waiting=_enrolments_counted("run_id", (Enrolment.Status.WAITLISTED,)),
        )
        .order_by("run_first", "run_id", "start", "pk")
        .values(
            "pk",
            "start",
            "end",
            "location",
            "run_id",
            "taken",
            "waiting",
            "run__course_id",
            "run__course__slug",
            "run__course__title",
            "run__course__audience",
            "run__course__url_path",
            "run__title",
            "run__status",
            "run__capacity",
            "run__enrolment_closes_at",
            "run__venue_name",
            "run__venue_address",
            "run__room__name",
            "run__lab__slug",
            "run__lab__title",
            "run__lab__street",
            "run__lab__postcode",
            "run__lab__town",
        )
    )
    results, current = [], None
    for row in rows:
        if current is None or current["id"] != row["run_id"]:
            location = _run_location(row)
            current = {
                "id": row["run_id"],
                "course": row["run__course_id"],
                "course_slug": row["run__course__slug"],
                "course_title": row["run__course__title"],
                "title": row["run__title"],
                "audience": row["run__course__audience"],
                "lab": row["run__lab__slug"],
                "lab_title": row["run__lab__title"],
                "status": row["run__status"],
                "capacity": row["run__capacity"],
                "seats_left": max(0, row["run__capacity"] - row["taken"]),
                "waitlist_length": row["waiting"],
                "enrolment_closes_at": _moment(row["run__enrolment_closes_at"]),
                "url": _page_url(row["run__course__url_path"]),
                "location": location,
                "sessions": [],
                "distance_km": None,
            }
            results.append(current)
        current["sessions"].append(
            {
                "id": row["pk"],
                "start": _moment(row["start"]),
                "end": _moment(row["end"]),
                "location": row["location"] or current["location"],
            }
        )
    return _answer(request, count=count, number=number, size=size, results=results)


def courses_floor(request):
    """`GET courses/` unfiltered: the published German course offers, soonest next date first, with their lab,
    municipality, competences and upcoming runs.

    One row per competence of the page's courses; the page's courses are picked by a subquery in the same
    statement."""
    number, size = _page(request)
    now = timezone.now()
    published = CoursePage.objects.filter(live=True, locale__language_code=settings.LANGUAGE_CODE)
    count = published.count()
    next_start = Subquery(
        Session.objects.filter(
            run__course=OuterRef("pk"), run__status=CourseRun.Status.SCHEDULED, start__gte=now
        )
        .order_by("start")
        .values("start")[:1]
    )
    ordering = [F("next_start").asc(nulls_last=True), "title"]
    page = (
        published.annotate(next_start=next_start)
        .order_by(*ordering)
        .values("pk")[(number - 1) * size : number * size]
    )
    lab = LabPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - CoursePage.steplen)
    )
    rows = (
        CoursePage.objects.filter(pk__in=page)
        .annotate(
            next_start=next_start,
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
            lab_slug=Subquery(lab.values("slug")[:1]),
            lab_title=Subquery(lab.values("title")[:1]),
            municipality_slug=Subquery(lab.values("municipality__slug")[:1]),
        )
        .order_by(*ordering, "competences__code")
        .values(
            "pk",
            "slug",
            "title",
            "url_path",
            "summary",
            "audience",
            "topic",
            "format",
            "level",
            "price",
            "next_start",
            "upcoming_runs",
            "lab_slug",
            "lab_title",
            "municipality_slug",
            "competences__code",
        )
    )
    results, current = [], None
    for row in rows:
        if current is None or current["id"] != row["pk"]:
            current = {
                "id": row["pk"],
                "slug": row["slug"],
                "title": row["title"],
                "url": _page_url(row["url_path"]),
                "summary": row["summary"],
                "audience": row["audience"],
                "topic": row["topic"],
                "format": row["format"],
                "level": row["level"],
                "competences": [],
                "lab": row["lab_slug"],
                "lab_title": row["lab_title"],
                "municipality": row["municipality_slug"],
                "price": row["price"],
                "next_start": _moment(row["next_start"]),
                "upcoming_runs": row["upcoming_runs"],
                "distance_km": None,
            }
            results.append(current)
        if row["competences__code"] is not None:
            current["competences"].append(row["competences__code"])
    return _answer(request, count=count, number=number, size=size, results=results)


urlpatterns = [
    path("bench/floor/api/runs/", runs_floor, name="bench-floor-api-runs"),
    path("bench/floor/api/courses/", courses_floor, name="bench-floor-api-courses"),
    *platform_urlpatterns,
]
