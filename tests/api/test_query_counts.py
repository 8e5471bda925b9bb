"""Every list of the API takes a fixed number of queries: as many for one object on a page of one as for 31
objects on a page of 100. The numbers are exact, so that a query added to a list shows here."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from accounts.models import ApiToken, OrganisationMembership
from courses.bookings.services import booking_create
from courses.models import Enrolment
from tests.api.test_certificates_and_badges import make_assertion, make_certificate
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    OrganisationFactory,
    UserFactory,
    make_contact,
    make_course,
    make_lab,
    moment,
)

pytestmark = pytest.mark.django_db

MANY = 31


@pytest.fixture
def assert_fixed_queries(django_assert_num_queries):
    """`(client, path, add, queries)`: `add(1)`, then GET `path` with `page_size=1`; `add(MANY - 1)`, then GET
    it with `page_size=100`. Each GET must take exactly `queries` queries and list every object added."""

    def get(client, url, queries):
        # Wagtail caches the site's root paths; each count starts cold, so both pay for them once.
        cache.clear()
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        return body if isinstance(body, list) else body["results"]

    def check(client, path, add, queries):
        add(1)
        assert len(get(client, f"{path}?page_size=1", queries)) == 1
        add(MANY - 1)
        assert len(get(client, f"{path}?page_size=100", queries)) == MANY

    return check


def test_labs(api, assert_fixed_queries):
    def add(n):
        for _ in range(n):
            make_lab()

    # view restrictions, count, labs, the site's root paths (two)
    assert_fixed_queries(api, "/api/v1/labs/", add, queries=5)


def test_courses(api, assert_fixed_queries):
    labs = [make_lab(), make_lab(municipality="aerzen")]

    def add(n):
        for i in range(n):
            CourseRunFactory(course=make_course(labs[i % 2]), sessions=1 + i % 3)

    # view restrictions, count, courses, competences, the site's root paths (two)
    assert_fixed_queries(api, "/api/v1/courses/", add, queries=6)


def test_runs(api, assert_fixed_queries):
    labs = [make_lab(), make_lab(municipality="aerzen")]

    def add(n):
        for i in range(n):
            run = CourseRunFactory(course=make_course(labs[i % 2]), sessions=1 + i % 3, capacity=2)
            EnrolmentFactory(run=run)
            if i % 2:
                EnrolmentFactory(run=run)
                EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())

    # count, runs, sessions, course pages, lab pages, the site's root paths (two)
    assert_fixed_queries(api, "/api/v1/runs/", add, queries=7)


def test_my_enrolments(person_api, person, assert_fixed_queries):
    def add(n):
        for i in range(n):
            run = CourseRunFactory(capacity=1, sessions=1 + i % 3)
            EnrolmentFactory(run=run)
            status = [Enrolment.Status.WAITLISTED, Enrolment.Status.OFFERED, Enrolment.Status.CANCELLED][
                i % 3
            ]
            EnrolmentFactory(
                run=run,
                user=person,
                status=status,
                waitlisted_at=moment(),
                offer_expires_at=moment(timedelta(hours=3)),
            )

    # count, enrolments with run and course, sessions
    assert_fixed_queries(person_api, "/api/v1/me/enrolments/", add, queries=3)


def test_my_certificates(person_api, person, assert_fixed_queries):
    def add(n):
        for _ in range(n):
            enrolment = EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED)
            make_certificate(enrolment, code=f"CODE{enrolment.pk:08d}")

    # count, certificates
    assert_fixed_queries(person_api, "/api/v1/me/certificates/", add, queries=2)


def test_my_badges(person_api, person, assert_fixed_queries):
    def add(n):
        for _ in range(n):
            make_assertion(EnrolmentFactory(user=person, status=Enrolment.Status.COMPLETED))

    # count, badges with their class
    assert_fixed_queries(person_api, "/api/v1/me/badges/", add, queries=2)


def test_my_organisations(person_api, person, assert_fixed_queries):
    def add(n):
        for _ in range(n):
            OrganisationMembership.objects.create(
                organisation=OrganisationFactory(), user=person, role=OrganisationMembership.Role.CONTACT
            )

    # count, organisations
    assert_fixed_queries(person_api, "/api/v1/me/organisations/", add, queries=2)


def test_my_bookings(api, assert_fixed_queries):
    organisations = [OrganisationFactory(), OrganisationFactory()]
    person = make_contact(organisations[0])
    OrganisationMembership.objects.create(
        organisation=organisations[1], user=person, role=OrganisationMembership.Role.CONTACT
    )
    api.force_authenticate(person)

    def add(n):
        for i in range(n):
            run = CourseRunFactory(capacity=3)
            EnrolmentFactory(run=run)
            booking_create(run=run, organisation=organisations[i % 2], by=person, seats=3, waitlist_rest=True)

    # count, bookings with run, course and organisation, sessions, named places
    assert_fixed_queries(api, "/api/v1/me/bookings/", add, queries=4)


def test_session_attendance(api, assert_fixed_queries):
    trainer = UserFactory()
    run = CourseRunFactory(trainers=[trainer], capacity=40)
    session = run.sessions.first()
    api.force_authenticate(trainer)

    def add(n):
        for _ in range(n):
            EnrolmentFactory(run=run)

    # The session, whether the person teaches the run, the seated enrolments with their attendance. A plain
    # array, never paginated: page_size changes nothing.
    assert_fixed_queries(api, f"/api/v1/sessions/{session.pk}/attendance/", add, queries=3)


def test_my_tokens(person_api, person, assert_fixed_queries):
    def add(n):
        # Made directly: the service keeps a person to ten tokens; the list must not depend on that.
        for i in range(n):
            ApiToken.objects.create(user=person, name=f"Zugang {i}")

    # expired tokens to delete (none), count, tokens
    assert_fixed_queries(person_api, "/api/v1/me/tokens/", add, queries=3)
