"""Organisations, bookings, named members and offers through the API."""

from datetime import datetime, timedelta

import pytest
from django.utils import translation

from accounts.models import OrganisationMembership
from courses import services
from courses.bookings.services import booking_create, booking_member_add, invitation_accept
from courses.models import Booking, Enrolment, SeatRelease
from courses.selectors import cancellation_deadline, format_moment
from tests.api.conftest import count_queries, field_errors
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    OrganisationFactory,
    UserFactory,
    make_contact,
    moment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Heimatverein Fischbeck e. V.", municipality="Hessisch Oldendorf")


@pytest.fixture
def contact(organisation):
    return make_contact(organisation, full_name="Vera Verein")


@pytest.fixture
def contact_api(api, contact):
    api.force_authenticate(contact)
    return api


def _book(run, organisation, contact, seats=3, waitlist_rest=False) -> Booking:
    return booking_create(
        run=run, organisation=organisation, by=contact, seats=seats, waitlist_rest=waitlist_rest
    )


def _deadline_text(run) -> str:
    with translation.override("de"):
        return format_moment(cancellation_deadline(run=run))


# me/organisations/


def test_my_organisations_are_those_the_person_is_a_contact_of(api):
    first = OrganisationFactory(name="Angelverein Aerzen", kind="association", municipality="Aerzen")
    second = OrganisationFactory(name="Bäckerei Brandt", kind="business", municipality="Hameln")
    only_member = OrganisationFactory(name="Chor Emmerthal")
    OrganisationFactory(name="Dorfverein")
    person = make_contact(first)
    OrganisationMembership.objects.create(
        organisation=second, user=person, role=OrganisationMembership.Role.CONTACT
    )
    OrganisationMembership.objects.create(
        organisation=only_member, user=person, role=OrganisationMembership.Role.MEMBER
    )
    api.force_authenticate(person)

    response = api.get("/api/v1/me/organisations/")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["results"] == [
        {"id": first.pk, "name": "Angelverein Aerzen", "kind": "association", "municipality": "Aerzen"},
        {"id": second.pk, "name": "Bäckerei Brandt", "kind": "business", "municipality": "Hameln"},
    ]


def test_my_organisations_need_a_login(api):
    assert api.get("/api/v1/me/organisations/").status_code in (401, 403)


# POST runs/{id}/bookings/


def test_booking_holds_free_seats_unnamed(contact_api, contact, organisation):
    run = CourseRunFactory(capacity=10)

    response = contact_api.post(
        f"/api/v1/runs/{run.pk}/bookings/", {"organisation": organisation.pk, "seats": 3}, format="json"
    )

    assert response.status_code == 201, response.json()
    booking = Booking.objects.get(run=run)
    assert response.json() == {
        "id": booking.pk,
        "run": run.pk,
        "course_title": run.course.title,
        "organisation": organisation.pk,
        "organisation_name": "Heimatverein Fischbeck e. V.",
        "status": "active",
        "seats": 3,
        "seats_unnamed": 3,
        "seats_waitlisted": 0,
        "members": [],
        "offers": [],
        "created_at": response.json()["created_at"],
    }
    assert (booking.booked_by, booking.seats_requested) == (contact, 3)
    assert Enrolment.objects.filter(booking=booking, status=Enrolment.Status.RESERVED).count() == 3


@pytest.mark.parametrize("seats", [0, -2])
def test_booking_no_or_negative_seats_is_400(contact_api, organisation, seats):
    run = CourseRunFactory()

    response = contact_api.post(
        f"/api/v1/runs/{run.pk}/bookings/", {"organisation": organisation.pk, "seats": seats}, format="json"
    )

    assert response.status_code == 400
    assert field_errors(response)["seats"] == ["Bitte buchen Sie mindestens einen Platz."]
    assert not Booking.objects.exists()


def test_booking_more_seats_than_the_course_has_is_400(contact_api, organisation):
    run = CourseRunFactory(capacity=4)

    response = contact_api.post(
        f"/api/v1/runs/{run.pk}/bookings/", {"organisation": organisation.pk, "seats": 5}, format="json"
    )

    assert response.status_code == 400
    assert field_errors(response)["seats"] == ["Der Kurs hat nur 4 Plätze."]
    assert not Booking.objects.exists()


def test_booking_without_enough_free_seats_books_nothing_and_says_so(contact_api, organisation):
    run = CourseRunFactory(capacity=3)
    EnrolmentFactory(run=run)

    response = contact_api.post(
        f"/api/v1/runs/{run.pk}/bookings/", {"organisation": organisation.pk, "seats": 3}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "not_enough_seats"
    assert "nur noch 2 Plätze frei" in response.json()["detail"]
    assert not Booking.objects.exists()
    assert Enrolment.objects.filter(run=run).count() == 1


def test_booking_with_waitlist_rest_holds_the_free_seats_and_waits_for_the_rest(contact_api, organisation):
    run = CourseRunFactory(capacity=4)
    EnrolmentFactory(run=run)

    response = contact_api.post(
        f"/api/v1/runs/{run.pk}/bookings/",
        {"organisation": organisation.pk, "seats": 4, "waitlist_rest": True},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["seats"], body["seats_unnamed"], body["seats_waitlisted"]) == (3, 3, 1)


def test_booking_for_an_organisation_one_does_not_speak_for_is_400(contact_api):
    run = CourseRunFactory()
    other = OrganisationFactory()

    response = contact_api.post(
        f"/api/v1/runs/{run.pk}/bookings/", {"organisation": other.pk, "seats": 2}, format="json"
    )

    assert response.status_code == 400
    assert field_errors(response)["organisation"] == ["Sie sind keine Ansprechperson dieser Organisation."]
    assert not Booking.objects.exists()


def test_booking_a_closed_run_is_400_with_the_reason(contact_api, organisation):
    run = CourseRunFactory(starts_in=-timedelta(days=3), sessions=1)

    response = contact_api.post(
        f"/api/v1/runs/{run.pk}/bookings/", {"organisation": organisation.pk, "seats": 2}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dieser Kurs hat schon begonnen.",
        "code": "enrolment_closed",
        "errors": [],
    }


def test_booking_needs_a_login_and_a_known_run(api, contact_api, organisation):
    run = CourseRunFactory()
    data = {"organisation": organisation.pk, "seats": 2}

    assert contact_api.post("/api/v1/runs/999999/bookings/", data, format="json").status_code == 404
    contact_api.force_authenticate(None)
    assert contact_api.post(f"/api/v1/runs/{run.pk}/bookings/", data, format="json").status_code in (401, 403)
    assert not Booking.objects.exists()


# me/bookings/ and bookings/{id}/


def test_a_contact_of_two_organisations_books_for_each_and_sees_both(api):
    first, second = OrganisationFactory(name="Angelverein"), OrganisationFactory(name="Bäckerei")
    person = make_contact(first)
    OrganisationMembership.objects.create(
        organisation=second, user=person, role=OrganisationMembership.Role.CONTACT
    )
    colleague = make_contact(second)
    run = CourseRunFactory(capacity=10)
    api.force_authenticate(person)

    for organisation, seats in [(first, 2), (second, 3)]:
        response = api.post(
            f"/api/v1/runs/{run.pk}/bookings/",
            {"organisation": organisation.pk, "seats": seats},
            format="json",
        )
        assert response.status_code == 201

    mine = api.get("/api/v1/me/bookings/").json()
    assert mine["count"] == 2
    assert sorted((b["organisation_name"], b["seats"]) for b in mine["results"]) == [
        ("Angelverein", 2),
        ("Bäckerei", 3),
    ]
    api.force_authenticate(colleague)
    theirs = api.get("/api/v1/me/bookings/").json()
    assert [(b["organisation_name"], b["seats"]) for b in theirs["results"]] == [("Bäckerei", 3)]
    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/me/bookings/").json()["count"] == 0


def test_my_bookings_take_the_same_queries_for_3_and_30(contact_api, contact, organisation):
    def add(n):
        for _ in range(n):
            run = CourseRunFactory(capacity=5)
            booking = _book(run, organisation, contact, seats=3)
            seat = booking_member_add(
                booking=booking, by=contact, name="Max Muster", email=f"max{booking.pk}@example.org"
            )
            invitation_accept(enrolment=seat, user=UserFactory(), consent=True)
            booking_member_add(
                booking=booking, by=contact, name="Eva Muster", email=f"eva{booking.pk}@example.org"
            )

    add(3)
    few = count_queries(contact_api, "/api/v1/me/bookings/?page_size=100")
    add(27)
    assert count_queries(contact_api, "/api/v1/me/bookings/?page_size=100") == few


def test_someone_elses_booking_is_not_found(api, contact, organisation):
    run = CourseRunFactory()
    booking = _book(run, organisation, contact, seats=2)
    seat = booking_member_add(booking=booking, by=contact, name="Max Muster", email="max@example.org")
    api.force_authenticate(make_contact())

    assert api.get(f"/api/v1/bookings/{booking.pk}/").status_code == 404
    response = api.post(
        f"/api/v1/bookings/{booking.pk}/members/", {"name": "Eva", "email": "eva@example.org"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.delete(f"/api/v1/bookings/{booking.pk}/members/{seat.pk}/").status_code == 404
    assert api.post(f"/api/v1/bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    seat.refresh_from_db()
    assert (booking.status, seat.status) == (Booking.Status.ACTIVE, Enrolment.Status.INVITED)
    assert Enrolment.objects.filter(booking=booking, status=Enrolment.Status.RESERVED).count() == 1


# POST bookings/{id}/members/


def test_naming_a_member_invites_them_to_a_seat(contact_api, contact, organisation):
    booking = _book(CourseRunFactory(), organisation, contact, seats=2)

    response = contact_api.post(
        f"/api/v1/bookings/{booking.pk}/members/",
        {"name": " Max  Muster ", "email": "Max@Example.org"},
        format="json",
    )

    assert response.status_code == 201
    seat = Enrolment.objects.get(booking=booking, status=Enrolment.Status.INVITED)
    assert response.json() == {"enrolment": seat.pk, "name": "Max Muster", "status": "invited"}
    assert seat.member_email == "max@example.org"
    body = contact_api.get(f"/api/v1/bookings/{booking.pk}/").json()
    assert (body["seats"], body["seats_unnamed"]) == (2, 1)
    assert body["members"] == [{"enrolment": seat.pk, "name": "Max Muster", "status": "invited"}]


def test_a_member_who_accepted_shows_as_confirmed(contact_api, contact, organisation):
    booking = _book(CourseRunFactory(), organisation, contact, seats=1)
    seat = booking_member_add(booking=booking, by=contact, name="Max Muster", email="max@example.org")
    invitation_accept(enrolment=seat, user=UserFactory(email="max@example.org"), consent=True)

    body = contact_api.get("/api/v1/me/bookings/").json()["results"][0]

    assert body["members"] == [{"enrolment": seat.pk, "name": "Max Muster", "status": "confirmed"}]
    assert (body["seats"], body["seats_unnamed"]) == (1, 0)


def test_more_members_than_seats_is_400(contact_api, contact, organisation):
    booking = _book(CourseRunFactory(), organisation, contact, seats=1)
    booking_member_add(booking=booking, by=contact, name="Max Muster", email="max@example.org")

    response = contact_api.post(
        f"/api/v1/bookings/{booking.pk}/members/",
        {"name": "Eva Muster", "email": "eva@example.org"},
        format="json",
    )

    assert response.status_code == 400
    assert field_errors(response)["email"] == [
        "Alle gebuchten Plätze haben schon einen Namen. Buchen Sie weitere Plätze."
    ]
    assert not Enrolment.objects.filter(member_email="eva@example.org").exists()


def test_a_member_already_in_the_run_is_409(contact_api, contact, organisation):
    run = CourseRunFactory()
    EnrolmentFactory(run=run, user=UserFactory(email="eva@example.org"))
    booking = _book(run, organisation, contact, seats=2)

    response = contact_api.post(
        f"/api/v1/bookings/{booking.pk}/members/",
        {"name": "Eva Muster", "email": "EVA@example.org"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "member_already_enrolled"
    assert response.json()["detail"] == "Diese Person hat in diesem Kurs schon einen Platz."
    assert Enrolment.objects.filter(booking=booking, status=Enrolment.Status.RESERVED).count() == 2


def test_a_member_without_name_or_valid_email_is_400_per_field(contact_api, contact, organisation):
    booking = _book(CourseRunFactory(), organisation, contact, seats=1)

    response = contact_api.post(
        f"/api/v1/bookings/{booking.pk}/members/", {"name": " ", "email": "keine-adresse"}, format="json"
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "name": ["Bitte geben Sie den Namen an."],
        "email": ["Bitte geben Sie eine gültige E-Mail-Adresse an."],
    }
    assert Enrolment.objects.get(booking=booking).status == Enrolment.Status.RESERVED


# DELETE bookings/{id}/members/{enrolment}/


def test_removing_a_member_frees_the_named_seat_for_someone_else(contact_api, contact, organisation):
    booking = _book(CourseRunFactory(), organisation, contact, seats=1)
    seat = booking_member_add(booking=booking, by=contact, name="Max Muster", email="max@example.org")

    response = contact_api.delete(f"/api/v1/bookings/{booking.pk}/members/{seat.pk}/")

    assert response.status_code == 204
    seat.refresh_from_db()
    assert (seat.status, seat.cancel_cause) == (Enrolment.Status.CANCELLED, Enrolment.Cause.MEMBER_CHANGED)
    body = contact_api.get(f"/api/v1/bookings/{booking.pk}/").json()
    assert (body["seats"], body["seats_unnamed"], body["members"]) == (1, 1, [])
    again = contact_api.post(
        f"/api/v1/bookings/{booking.pk}/members/",
        {"name": "Eva Muster", "email": "eva@example.org"},
        format="json",
    )
    assert again.status_code == 201


def test_removing_a_seat_of_another_booking_is_404(contact_api, contact, organisation):
    run = CourseRunFactory()
    booking = _book(run, organisation, contact, seats=1)
    other = _book(run, organisation, contact, seats=1)
    seat = booking_member_add(booking=other, by=contact, name="Max Muster", email="max@example.org")

    response = contact_api.delete(f"/api/v1/bookings/{booking.pk}/members/{seat.pk}/")

    assert response.status_code == 404
    seat.refresh_from_db()
    assert seat.status == Enrolment.Status.INVITED


def test_swapping_a_member_after_the_deadline_is_400_with_the_deadline(clock, api, contact, organisation):
    run = CourseRunFactory(starts_in=timedelta(days=7))
    booking = _book(run, organisation, contact, seats=1)
    seat = booking_member_add(booking=booking, by=contact, name="Max Muster", email="max@example.org")
    clock.shift(timedelta(days=6))
    api.force_authenticate(contact)

    response = api.delete(f"/api/v1/bookings/{booking.pk}/members/{seat.pk}/")

    assert response.status_code == 400
    assert response.json()["code"] == "not_cancellable"
    assert _deadline_text(run) in response.json()["detail"]
    seat.refresh_from_db()
    assert seat.status == Enrolment.Status.INVITED


# POST bookings/{id}/cancel/


def test_cancelling_a_booking_ends_its_seats_and_gives_them_to_those_waiting(
    contact_api, contact, organisation
):
    run = CourseRunFactory(capacity=2)
    booking = _book(run, organisation, contact, seats=2)
    seat = booking_member_add(booking=booking, by=contact, name="Max Muster", email="max@example.org")
    waiting = EnrolmentFactory(
        run=run, status=Enrolment.Status.WAITLISTED, confirmed_at=None, waitlisted_at=moment()
    )

    response = contact_api.post(f"/api/v1/bookings/{booking.pk}/cancel/")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["seats"], body["seats_unnamed"], body["members"]) == ("cancelled", 0, 0, [])
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.cancel_cause == Enrolment.Cause.BOOKING_CANCELLED
    assert waiting.status == Enrolment.Status.CONFIRMED


def test_cancelling_a_booking_twice_is_400(contact_api, contact, organisation):
    booking = _book(CourseRunFactory(), organisation, contact, seats=1)
    contact_api.post(f"/api/v1/bookings/{booking.pk}/cancel/")

    response = contact_api.post(f"/api/v1/bookings/{booking.pk}/cancel/")

    assert response.status_code == 400
    assert response.json()["detail"] == "Diese Buchung ist schon storniert."


def test_cancelling_a_booking_after_the_deadline_is_400_with_the_deadline(clock, api, contact, organisation):
    run = CourseRunFactory(starts_in=timedelta(days=7))
    booking = _book(run, organisation, contact, seats=2)
    clock.shift(timedelta(days=6))
    api.force_authenticate(contact)

    response = api.post(f"/api/v1/bookings/{booking.pk}/cancel/")

    assert response.status_code == 400
    assert _deadline_text(run) in response.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE
    assert Enrolment.objects.filter(booking=booking, status=Enrolment.Status.RESERVED).count() == 2


# Offers: enrolments/{id}/accept-offer/ and decline-offer/


def _offer():
    """A run that offers freed seats; its only seat was given back, so the first person waiting has an
    offer. Returns (run, offered enrolment, next person waiting)."""
    run = CourseRunFactory(capacity=1, seat_release=SeatRelease.OFFER, offer_hours=24)
    holder = EnrolmentFactory(run=run)
    first = EnrolmentFactory(
        run=run,
        status=Enrolment.Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=moment(-timedelta(hours=2)),
    )
    second = EnrolmentFactory(
        run=run,
        status=Enrolment.Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=moment(-timedelta(hours=1)),
    )
    services.enrolment_cancel(enrolment=holder, by=holder.user)
    first.refresh_from_db()
    assert first.status == Enrolment.Status.OFFERED
    return run, first, second


def test_my_enrolments_show_an_offer_until_when_and_the_cancellation_deadline(api):
    run, offered, _second = _offer()
    api.force_authenticate(offered.user)

    item = api.get("/api/v1/me/enrolments/").json()["results"][0]

    assert item["status"] == "offered"
    assert datetime.fromisoformat(item["offer_expires_at"]) == offered.offer_expires_at
    assert datetime.fromisoformat(item["cancellation_deadline"]) == cancellation_deadline(run=run)
    assert item["cancellation_deadline"].endswith(("+01:00", "+02:00"))


def test_my_enrolments_leave_offer_expires_at_empty_without_an_offer(person_api, person):
    EnrolmentFactory(user=person)

    item = person_api.get("/api/v1/me/enrolments/").json()["results"][0]

    assert item["offer_expires_at"] is None
    assert item["cancellation_deadline"] is not None


def test_accepting_an_offer_gives_the_seat(api):
    _run, offered, _second = _offer()
    api.force_authenticate(offered.user)

    response = api.post(f"/api/v1/enrolments/{offered.pk}/accept-offer/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["offer_expires_at"]) == ("confirmed", None)
    offered.refresh_from_db()
    assert offered.status == Enrolment.Status.CONFIRMED


def test_declining_an_offer_passes_it_to_the_next_person_waiting(api):
    _run, offered, second = _offer()
    api.force_authenticate(offered.user)

    response = api.post(f"/api/v1/enrolments/{offered.pk}/decline-offer/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    second.refresh_from_db()
    assert second.status == Enrolment.Status.OFFERED


def test_an_offer_that_ran_out_cannot_be_accepted(clock, api):
    _run, offered, _second = _offer()
    clock.shift(timedelta(hours=25))
    api.force_authenticate(offered.user)

    response = api.post(f"/api/v1/enrolments/{offered.pk}/accept-offer/")

    assert response.status_code == 400
    assert response.json()["detail"] == "Dieses Angebot gilt nicht mehr."


def test_someone_elses_offer_is_not_found(api):
    _run, offered, second = _offer()
    api.force_authenticate(second.user)

    assert api.post(f"/api/v1/enrolments/{offered.pk}/accept-offer/").status_code == 404
    assert api.post(f"/api/v1/enrolments/{offered.pk}/decline-offer/").status_code == 404
    assert api.post("/api/v1/enrolments/999999/accept-offer/").status_code == 404
    offered.refresh_from_db()
    assert offered.status == Enrolment.Status.OFFERED


def test_a_contact_accepts_a_seat_offered_to_their_booking(contact_api, contact, organisation):
    run = CourseRunFactory(capacity=2, seat_release=SeatRelease.OFFER)
    holder = EnrolmentFactory(run=run)
    booking = _book(run, organisation, contact, seats=2, waitlist_rest=True)
    services.enrolment_cancel(enrolment=holder, by=holder.user)
    offered = Enrolment.objects.get(booking=booking, status=Enrolment.Status.OFFERED)
    body = contact_api.get(f"/api/v1/bookings/{booking.pk}/").json()
    assert [offer["enrolment"] for offer in body["offers"]] == [offered.pk]
    assert (body["seats"], body["seats_waitlisted"]) == (1, 0)

    response = contact_api.post(f"/api/v1/enrolments/{offered.pk}/accept-offer/")

    assert response.status_code == 200
    body = contact_api.get(f"/api/v1/bookings/{booking.pk}/").json()
    assert (body["seats"], body["seats_unnamed"], body["offers"]) == (2, 2, [])


# POST enrolments/{id}/cancel/ after the deadline


def test_cancelling_a_seat_after_the_deadline_is_400_with_the_deadline(clock, person_api, person):
    enrolment = EnrolmentFactory(user=person, run=CourseRunFactory(starts_in=timedelta(days=7)))
    clock.shift(timedelta(days=6))

    response = person_api.post(f"/api/v1/enrolments/{enrolment.pk}/cancel/")

    assert response.status_code == 400
    assert response.json()["code"] == "not_cancellable"
    assert _deadline_text(enrolment.run) in response.json()["detail"]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_hostile_booking_input_is_a_400_and_changes_nothing(contact_api, contact, organisation):
    run = CourseRunFactory(capacity=5)
    huge = 10**20
    for data in (
        {"organisation": huge, "seats": 1},
        {"organisation": organisation.pk, "seats": huge},
        {"organisation": "<script>", "seats": 1},
    ):
        response = contact_api.post(f"/api/v1/runs/{run.pk}/bookings/", data, format="json")
        assert response.status_code == 400, (data, response.content)
    booking = _book(run, organisation, contact, seats=1)
    response = contact_api.post(
        f"/api/v1/bookings/{booking.pk}/members/",
        {"name": "Erna\n<script>alert(1)</script>", "email": "erna@example.org\nBcc: x@example.org"},
        format="json",
    )
    assert response.status_code == 400
    assert contact_api.delete(f"/api/v1/bookings/{booking.pk}/members/{huge}/").status_code == 404
    assert contact_api.post(f"/api/v1/bookings/{huge}/cancel/").status_code == 404
    assert not Booking.objects.exclude(pk=booking.pk).exists()
    assert booking.enrolments.filter(status=Enrolment.Status.RESERVED).count() == 1
