"""The runs shown on course pages, lab pages and catalogue cards: found through the German pages they point to
also from an English page, with what a card shows, in a fixed number of queries."""

from datetime import timedelta

import pytest
from wagtail.models import Locale

from courses.catalogue.selectors import (
    RunFilters,
    courses_with_next_run,
    runs_filtered,
    runs_for_course_page,
    upcoming_runs_for_lab,
)
from courses.models import CoursePage, Enrolment
from courses.selectors import run_get, run_list
from labs.models import Room
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, moment

pytestmark = pytest.mark.django_db


def english(page):
    """The page's English counterpart: the one the site keeps, else a new alias (German text, English
    address)."""
    locale, _created = Locale.objects.get_or_create(language_code="en")
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True, alias=True)
    return translation.specific


@pytest.fixture
def course(lab):
    return make_course(lab, title="Smartphone-Grundlagen")


@pytest.fixture
def run(course):
    run = CourseRunFactory(course=course, capacity=2, sessions=3, starts_in=timedelta(days=5))
    EnrolmentFactory(run=run)
    return run


def test_an_english_course_page_shows_the_runs_of_its_german_page(course, run):
    page = english(course)

    runs = runs_for_course_page(course=page)

    assert [r.pk for r in runs] == [run.pk]
    assert runs[0].course == page and runs[0].course_id == course.pk


def test_an_english_lab_page_lists_its_runs_with_the_english_course_pages(lab, course, run):
    lab_page, course_page = english(lab), english(course)

    runs = upcoming_runs_for_lab(lab=lab_page)

    assert [r.pk for r in runs] == [run.pk]
    assert runs[0].course == course_page and runs[0].lab == lab_page
    assert runs[0].course_id == course.pk and runs[0].lab_id == lab.pk


def test_a_german_lab_page_shows_the_german_course_pages(lab, course, run):
    english(course)

    (shown,) = upcoming_runs_for_lab(lab=lab)

    assert shown.course == course and shown.lab == lab


def test_an_english_catalogue_card_has_the_next_run_of_its_german_page(course, run):
    later = CourseRunFactory(course=course, starts_in=timedelta(days=30))

    (card,) = courses_with_next_run(courses=[english(course)])

    assert card.next_run.pk == run.pk != later.pk
    assert card.next_run.seats_left == 1 and card.lab_page.title == "Regionallabor Hameln"


def test_runs_are_filtered_by_the_english_lab_and_the_german_course_id(lab, course, run):
    assert [r.pk for r in runs_filtered(filters=RunFilters(lab=english(lab).slug))] == [run.pk]
    assert [r.pk for r in runs_filtered(filters=RunFilters(course=course.pk))] == [run.pk]


def test_a_run_card_shows_sessions_place_seats_waiting_list_and_the_visitors_place(lab, course):
    room = Room.objects.create(lab=lab, name="Werkstatt", capacity=10)
    run = CourseRunFactory(course=course, capacity=1, room=room, sessions=3, starts_in=timedelta(days=5))
    person, waiting = UserFactory(), UserFactory()
    EnrolmentFactory(run=run, user=person)
    Enrolment.objects.create(
        run=run, user=waiting, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment()
    )

    (mine,) = runs_for_course_page(course=course, user=person)
    (theirs,) = runs_for_course_page(course=course, user=waiting)

    assert len(mine.sessions.all()) == 3
    assert mine.location == "Werkstatt, Regionallabor Hameln, Am Markt 1, 31785 Hameln"
    assert (mine.seats_taken, mine.seats_left, mine.waitlist_length) == (1, 0, 1)
    assert mine.enrolment_open and mine.my_enrolment.status == Enrolment.Status.CONFIRMED
    assert theirs.my_enrolment.waitlist_position == 1


def test_seats_held_for_organisations_and_offers_count_as_taken(run):
    Enrolment.objects.create(run=run, user=UserFactory(), status=Enrolment.Status.OFFERED)

    counted = run_get(run_id=run.pk)

    assert (counted.seats_taken, counted.seats_left, counted.waitlist_length) == (2, 0, 0)


@pytest.mark.parametrize("size", [1, 12])
def test_course_page_runs_take_three_queries_however_many(course, size, django_assert_num_queries):
    for _ in range(size):
        CourseRunFactory(course=course, sessions=3)
    page = CoursePage.objects.get(pk=course.pk)

    with django_assert_num_queries(3):
        runs = runs_for_course_page(course=page)
        for run in runs:
            assert run.location and run.sessions.all() and run.course.title

    assert len(runs) == size


@pytest.mark.parametrize("size", [1, 12])
def test_lab_page_runs_take_three_queries_however_many(lab, size, django_assert_num_queries):
    for i in range(size):
        CourseRunFactory(course=make_course(lab, title=f"Kurs {i}"), sessions=2)

    with django_assert_num_queries(3):
        runs = upcoming_runs_for_lab(lab=lab)
        for run in runs:
            assert run.location and run.sessions.all() and run.course.url_path

    assert len(runs) == size


@pytest.mark.parametrize("size", [2, 12])
def test_a_list_of_runs_builds_each_course_page_once(lab, size, django_assert_num_queries):
    courses = [make_course(lab, title="Eins"), make_course(lab, title="Zwei")]
    for i in range(size):
        CourseRunFactory(course=courses[i % 2])

    with django_assert_num_queries(4):
        runs = list(run_list())
        assert len({id(run.course) for run in runs}) == 2 and len({id(run.lab) for run in runs}) == 1
