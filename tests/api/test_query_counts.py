"""Every list of the API takes the same number of queries for 3 rows as for 30."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from accounts.models import OrganisationMembership
from courses.bookings.services import booking_create
from courses.models import Enrolment
from tests.api.conftest import count_queries
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


def test_my_enrolments_with_offers_and_deadlines(person_api, person):
    def add(n):
        for i in range(n):
            run = CourseRunFactory(sessions=1 + i % 3)
            status = [Enrolment.Status.CONFIRMED, Enrolment.Status.OFFERED][i % 2]
            EnrolmentFactory(run=run, user=person, status=status, offer_expires_at=moment(timedelta(hours=3)))

    _assert_constant(person_api, "/api/v1/me/enrolments/?page_size=100", add)


def test_my_organisations(api):
    person = make_contact()
    api.force_authenticate(person)

    def add(n):
        for _ in range(n):
            OrganisationMembership.objects.create(
                organisation=OrganisationFactory(), user=person, role=OrganisationMembership.Role.CONTACT
            )

    _assert_constant(api, "/api/v1/me/organisations/?page_size=100", add)


def test_my_bookings_of_several_organisations(api):
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

    _assert_constant(api, "/api/v1/me/bookings/?page_size=100", add)


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
