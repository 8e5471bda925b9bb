"""Every list of the API takes the same number of queries for 3 rows as for 30."""

import pytest
from django.core.cache import cache

from courses.models import Enrolment
from tests.api.conftest import count_queries
from tests.api.test_certificates_and_badges import make_assertion, make_certificate
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab, moment

pytestmark = pytest.mark.django_db


def _assert_constant(client, url, add_rows):
    # Wagtail caches the site's root paths; each count starts cold so both pay for them once.
    add_rows(3)
    cache.clear()
    few = count_queries(client, url)
    add_rows(27)
    cache.clear()
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries for 3 rows, {many} for 30"
    assert few <= 10


def test_labs_list(api):
    def add(n):
        for _ in range(n):
            make_lab()

    _assert_constant(api, "/api/v1/labs/?page_size=100", add)


def test_courses_list(api):
    labs = [make_lab(), make_lab(municipality="aerzen")]

    def add(n):
        for i in range(n):
            CourseRunFactory(course=make_course(labs[i % 2]))

    _assert_constant(api, "/api/v1/courses/?page_size=100", add)


def test_runs_list(api):
    labs = [make_lab(), make_lab(municipality="aerzen")]

    def add(n):
        for i in range(n):
            run = CourseRunFactory(course=make_course(labs[i % 2]), sessions=3)
            EnrolmentFactory(run=run)

    _assert_constant(api, "/api/v1/runs/?page_size=100", add)


def test_my_enrolments(person_api, person):
    def add(n):
        for _ in range(n):
            run = CourseRunFactory(capacity=1)
            EnrolmentFactory(run=run)
            EnrolmentFactory(run=run, user=person, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())

    _assert_constant(person_api, "/api/v1/me/enrolments/?page_size=100", add)


def test_my_certificates(person_api, person):
    def add(n):
        for _ in range(n):
            enrolment = EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED)
            make_certificate(enrolment, code=f"CODE{enrolment.pk:08d}")

    _assert_constant(person_api, "/api/v1/me/certificates/?page_size=100", add)


def test_my_badges(person_api, person):
    def add(n):
        for _ in range(n):
            make_assertion(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED))

    _assert_constant(person_api, "/api/v1/me/badges/?page_size=100", add)


def test_session_attendance(api):
    trainer = UserFactory()
    run = CourseRunFactory(trainers=[trainer], capacity=40)
    session = run.sessions.first()
    api.force_authenticate(trainer)

    def add(n):
        for _ in range(n):
            EnrolmentFactory(run=run)

    _assert_constant(api, f"/api/v1/sessions/{session.pk}/attendance/", add)
