"""The public pages take the same number of queries with 10 runs as with 500: the catalogue (unfiltered,
filtered, searched, near a place, a later page), a lab page, a course page (for a visitor and for a person
enrolled in it), the home page and the lab index. Each count is measured on the small district and asserted
exactly on the large one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import CatalogPage
from courses.models import CourseRun, Enrolment, Session
from labs.models import Room
from tests.factories import (
    SESSION_LENGTH,
    UserFactory,
    at_local,
    home_page,
    lab_index_page,
    local_day,
    make_course,
    make_lab,
    moment,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 500
RUNS_PER_COURSE = 25
TOPICS = ["basics", "safety", "communication", "administration"]


class District:
    """Three labs with rooms, a course offer of each topic and their runs; `grow_to(n)` adds runs (and a
    course offer for every 25) in bulk: some with three sessions, some at an outside venue, some over, some
    full with a waiting list."""

    def __init__(self):
        home_page().add_child(instance=CatalogPage(title="Kurse", slug="kurse"))
        self.labs = [
            make_lab("Regionallabor Hameln", municipality="hameln"),
            make_lab("Regionallabor Aerzen", municipality="aerzen"),
            make_lab("Regionallabor Emmerthal", municipality="emmerthal"),
        ]
        self.rooms = {
            lab.pk: Room.objects.create(lab=lab, name="Werkstatt", capacity=20) for lab in self.labs
        }
        self.people = UserFactory.create_batch(8, password=None)
        self.courses = []
        self.runs = 0
        self.featured = self._add_course()
        for _topic in TOPICS[1:]:
            self._add_course()

    def _add_course(self):
        i = len(self.courses)
        course = make_course(
            self.labs[i % len(self.labs)],
            title=f"Smartphone Kurs {i:03d}",
            topic=TOPICS[i % len(TOPICS)],
            level=1 + i % 2,
        )
        self.courses.append(course)
        return course

    def grow_to(self, total: int) -> None:
        while len(self.courses) * RUNS_PER_COURSE < total:
            self._add_course()
        runs = []
        for i in range(self.runs, total):
            course = self.courses[i % len(self.courses)]
            lab = self.labs[self.courses.index(course) % len(self.labs)]
            venue = i % 7 == 3
            runs.append(
                CourseRun(
                    course=course,
                    lab=lab,
                    capacity=3,
                    title="Abendkurs" if i % 5 == 0 else "",
                    room=None if venue else self.rooms[lab.pk],
                    venue_name="Dorfgemeinschaftshaus" if venue else "",
                    status=CourseRun.Status.CLOSED if i % 9 == 8 else CourseRun.Status.SCHEDULED,
                )
            )
        runs = CourseRun.objects.bulk_create(runs)
        sessions, enrolments = [], []
        for k, run in enumerate(runs, start=self.runs):
            first_day = -30 if run.status == CourseRun.Status.CLOSED else 3 + k % 40
            for week in range(2 + k % 2):
                start = at_local(local_day(first_day + 7 * week))
                sessions.append(Session(run=run, start=start, end=start + SESSION_LENGTH))
            taken = 4 if k % 4 == 0 else k % 3  # a quarter full, with someone waiting
            for n, person in enumerate(self.people[:taken]):
                waiting = n >= run.capacity
                enrolments.append(
                    Enrolment(
                        run=run,
                        user=person,
                        status=Enrolment.Status.WAITLISTED if waiting else Enrolment.Status.CONFIRMED,
                        waitlisted_at=moment() if waiting else None,
                        confirmed_at=None if waiting else moment(),
                    )
                )
        Session.objects.bulk_create(sessions)
        Enrolment.objects.bulk_create(enrolments)
        self.runs = total


@pytest.fixture
def district():
    district = District()
    district.grow_to(SMALL)
    return district


def queries(client, url: str) -> int:
    """The queries of one request, counted from a cleared cache (Wagtail keeps the site root paths there)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def assert_same_with_many_runs(client, district, url, django_assert_num_queries) -> None:
    client.get(url)  # the process's own caches (content types, locales) warm for both counts
    few = queries(client, url)
    district.grow_to(LARGE)
    assert CourseRun.objects.count() == LARGE
    cache.clear()
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?audience=citizens&topic=communication&level=1",
        "?q=Handy",
        "?near=Aerzen",
        "?near=31855&topic=basics",
        "?page=2",
    ],
    ids=["unfiltered", "three-filters", "words", "near", "near-and-filter", "page-2"],
)
def test_catalogue(client, district, query, django_assert_num_queries):
    assert_same_with_many_runs(client, district, f"/kurse/{query}", django_assert_num_queries)


def test_lab_page(client, district, django_assert_num_queries):
    assert_same_with_many_runs(client, district, district.labs[0].url, django_assert_num_queries)


def test_course_page(client, district, django_assert_num_queries):
    assert_same_with_many_runs(client, district, district.featured.url, django_assert_num_queries)


def test_course_page_for_a_person_enrolled_in_it(client, district, django_assert_num_queries):
    person = UserFactory()
    runs = CourseRun.objects.filter(course=district.featured, status=CourseRun.Status.SCHEDULED)
    Enrolment.objects.create(
        run=runs[0], user=person, status=Enrolment.Status.CONFIRMED, confirmed_at=moment()
    )
    client.force_login(person)
    assert_same_with_many_runs(client, district, district.featured.url, django_assert_num_queries)


def test_home_page(client, district, django_assert_num_queries):
    assert_same_with_many_runs(client, district, "/", django_assert_num_queries)


def test_lab_index(client, district, django_assert_num_queries):
    assert lab_index_page().url == "/labore/"
    assert_same_with_many_runs(client, district, "/labore/", django_assert_num_queries)


def test_the_large_district_has_more_than_a_page_of_everything(client, district):
    district.grow_to(LARGE)
    featured = CourseRun.objects.filter(course=district.featured, status=CourseRun.Status.SCHEDULED)
    at_first_lab = CourseRun.objects.filter(lab=district.labs[0], status=CourseRun.Status.SCHEDULED)
    assert featured.count() > SMALL and at_first_lab.count() > 20
    assert len(district.courses) == LARGE // RUNS_PER_COURSE
    assert Session.objects.filter(start__lt=at_local(local_day(0)) - timedelta(days=1)).exists()
