"""The pages of organisations' contacts and of the members they invite: booking seats, "Meine Buchungen",
naming and swapping members, cancelling, accepting or declining an invitation, and who attended."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from courses.bookings.services import booking_create, booking_member_add, invitation_accept
from courses.bookings.tokens import invitation_token
from courses.models import Attendance, Booking, CourseRun, Enrolment, SeatRelease
from courses.services import enrolment_cancel, enrolment_create, run_close
from tests.factories import (
    BERLIN,
    CourseRunFactory,
    OrganisationFactory,
    UserFactory,
    make_contact,
    make_manager,
)

pytestmark = pytest.mark.django_db

S = Enrolment.Status
PASSWORD = "geheim-1234"  # the factories' password
# With the clock at Tuesday, 1 December 2026, 10:00, a run from the factories first meets on Tuesday,
# 8 December, 18:00; 48 hours before that, the cancellation deadline and the release of unnamed seats.
DEADLINE_TEXT = "Sonntag, 6. Dezember 2026, 18:00 Uhr"


@pytest.fixture
def org():
    return OrganisationFactory(name="Heimatverein Fischbeck e. V.")


@pytest.fixture
def contact(org):
    return make_contact(org, email="verein@example.org", full_name="Vera Verein")


@pytest.fixture
def run(clock):
    return CourseRunFactory(capacity=5, sessions=2)


def _book(run, org, contact, seats=3, **kwargs) -> Booking:
    return booking_create(run=run, organisation=org, by=contact, seats=seats, **kwargs)


def _booking_url(booking) -> str:
    return reverse("bookings:booking", args=[booking.pk])


def _html(response) -> str:
    return response.content.decode()


# --- The course page ------------------------------------------------------------------------------------


def test_course_page_shows_each_runs_cancellation_deadline_to_everyone(client, run):
    html = _html(client.get(run.course.url))
    assert f"Absagen bis {DEADLINE_TEXT}" in html
    assert reverse("bookings:book", args=[run.pk]) not in html


def test_course_page_says_when_the_cancellation_deadline_has_passed(client, clock, run):
    clock.move_to(datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN))
    html = _html(client.get(run.course.url))
    assert "Die Absagefrist ist abgelaufen." in html


def test_course_page_offers_contacts_to_book_for_their_organisation(client, run, contact):
    client.force_login(contact)
    html = _html(client.get(run.course.url))
    assert "Für Ihre Organisation buchen" in html
    assert reverse("bookings:book", args=[run.pk]) in html
    assert "Jetzt anmelden" in html


def test_course_page_offers_no_booking_to_people_without_an_organisation(client, run):
    client.force_login(UserFactory())
    assert "Für Ihre Organisation buchen" not in _html(client.get(run.course.url))


def test_course_page_query_count_for_contacts_does_not_grow_with_runs(client, run, contact):
    client.force_login(contact)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(run.course.url).status_code == 200
        return len(captured)

    client.get(run.course.url)
    one = queries()
    for i in range(4):
        CourseRunFactory(course=run.course, sessions=3, starts_in=timedelta(days=10 + i))
    assert queries() == one


def test_header_links_my_bookings_for_contacts_only(client, contact):
    client.force_login(contact)
    assert reverse("bookings:my_bookings") in _html(client.get(reverse("courses:my_courses")))
    client.force_login(UserFactory())
    assert reverse("bookings:my_bookings") not in _html(client.get(reverse("courses:my_courses")))


# --- Booking seats --------------------------------------------------------------------------------------


def test_book_page_needs_login(client, run):
    response = client.get(reverse("bookings:book", args=[run.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_book_page_names_the_only_organisation_as_text(client, run, contact):
    client.force_login(contact)
    html = _html(client.get(reverse("bookings:book", args=[run.pk])))
    assert "Sie buchen für: <strong>Heimatverein Fischbeck e. V.</strong>" in html
    assert "<select" not in html
    assert 'name="seats"' in html


def test_book_page_lets_a_contact_of_several_organisations_choose(client, run, contact):
    second = OrganisationFactory(name="Sportverein Aerzen")
    contact.organisation_memberships.create(organisation=second, role="contact")
    client.force_login(contact)
    html = _html(client.get(reverse("bookings:book", args=[run.pk])))
    assert '<select name="organisation"' in html
    assert "Sportverein Aerzen" in html


def test_booking_seats_holds_them_and_leads_to_the_booking(client, run, org, contact):
    client.force_login(contact)
    response = client.post(reverse("bookings:book", args=[run.pk]), {"organisation": org.pk, "seats": 3})
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _booking_url(booking)
    assert (booking.organisation, booking.booked_by, booking.seats_requested) == (org, contact, 3)
    assert list(booking.enrolments.values_list("status", flat=True)) == [S.RESERVED] * 3
    html = _html(client.get(_booking_url(booking)))
    assert "Gebucht: 3 Plätze sind für Heimatverein Fischbeck e. V. sicher." in html
    assert "3 Plätze haben noch keinen Namen." in html
    assert f"Unbenannte Plätze gehen am {DEADLINE_TEXT} an die Warteliste." in html


def test_not_enough_seats_offers_the_choice_and_books_nothing(client, run, org, contact):
    for _i in range(3):
        enrolment_create(run=run, user=UserFactory())
    client.force_login(contact)
    response = client.post(reverse("bookings:book", args=[run.pk]), {"organisation": org.pk, "seats": 4})
    html = _html(response)
    assert response.status_code == 200
    assert "Es sind nur noch 2 Plätze frei." in html
    assert 'name="rest" value="waitlist"' in html
    assert 'name="rest" value="nothing"' in html
    assert not Booking.objects.exists()


def test_not_enough_seats_books_the_free_ones_and_puts_the_rest_on_the_waiting_list(
    client, run, org, contact
):
    for _i in range(3):
        enrolment_create(run=run, user=UserFactory())
    client.force_login(contact)
    response = client.post(
        reverse("bookings:book", args=[run.pk]),
        {"organisation": org.pk, "seats": 4, "rest": "waitlist"},
        follow=True,
    )
    booking = Booking.objects.get()
    assert sorted(booking.enrolments.values_list("status", flat=True)) == sorted(
        [S.RESERVED, S.RESERVED, S.WAITLISTED, S.WAITLISTED]
    )
    html = _html(response)
    assert "2 Plätze stehen auf der Warteliste." in html
    assert "Warteliste, Platz 1" in html
    assert "Warteliste, Platz 2" in html


def test_not_enough_seats_and_nothing_chosen_books_nothing(client, run, org, contact):
    for _i in range(3):
        enrolment_create(run=run, user=UserFactory())
    client.force_login(contact)
    response = client.post(
        reverse("bookings:book", args=[run.pk]), {"organisation": org.pk, "seats": 4, "rest": "nothing"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{run.course.url}#termin-{run.pk}"
    assert not Booking.objects.exists()
    assert "Sie haben nichts gebucht." in _html(client.get(response["Location"]))


def test_more_seats_than_the_run_has_is_a_form_error(client, run, org, contact):
    client.force_login(contact)
    response = client.post(reverse("bookings:book", args=[run.pk]), {"organisation": org.pk, "seats": 6})
    assert response.status_code == 200
    assert response.context["form"].errors["seats"] == ["Der Kurs hat nur 5 Plätze."]
    assert not Booking.objects.exists()


def test_booking_for_someone_elses_organisation_is_refused(client, run, contact):
    other = OrganisationFactory()
    client.force_login(contact)
    response = client.post(reverse("bookings:book", args=[run.pk]), {"organisation": other.pk, "seats": 1})
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Booking.objects.exists()


def test_people_without_an_organisation_are_told_and_cannot_book(client, run):
    client.force_login(UserFactory())
    response = client.post(reverse("bookings:book", args=[run.pk]), {"seats": 1})
    assert response.status_code == 403
    assert "nur ihre Ansprechpersonen" in _html(response)
    assert not Booking.objects.exists()


def test_booking_a_run_that_has_begun_shows_why_not(client, clock, org, contact):
    run = CourseRunFactory(starts_in=timedelta(days=-1))
    client.force_login(contact)
    html = _html(client.get(reverse("bookings:book", args=[run.pk])))
    assert "Dieser Kurs hat schon begonnen." in html
    assert 'name="seats"' not in html
    response = client.post(reverse("bookings:book", args=[run.pk]), {"organisation": org.pk, "seats": 1})
    assert response.status_code == 200
    assert not Booking.objects.exists()


# --- Naming members -------------------------------------------------------------------------------------


def test_naming_a_member_invites_them_and_the_form_stays_for_the_next(client, run, org, contact):
    booking = _book(run, org, contact, seats=2)
    client.force_login(contact)
    response = client.post(
        _booking_url(booking), {"name": "Anna Schmidt", "email": "Anna@Example.org"}, follow=True
    )
    member = booking.enrolments.get(status=S.INVITED)
    assert (member.member_name, member.member_email) == ("Anna Schmidt", "anna@example.org")
    html = _html(response)
    assert "Anna Schmidt bekommt jetzt eine Einladung an anna@example.org." in html
    assert "Eingeladen an anna@example.org. Hat noch nicht zugesagt." in html
    assert "1 Platz hat noch keinen Namen." in html
    assert 'name="email"' in html


def test_naming_a_person_already_in_the_run_is_a_form_error(client, run, org, contact):
    enrolment_create(run=run, user=UserFactory(email="anna@example.org"))
    booking = _book(run, org, contact, seats=2)
    client.force_login(contact)
    response = client.post(_booking_url(booking), {"name": "Anna Schmidt", "email": "anna@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Diese Person hat in diesem Kurs schon einen Platz."]
    assert not booking.enrolments.filter(status=S.INVITED).exists()


def test_naming_more_members_than_seats_is_a_form_error(client, run, org, contact):
    booking = _book(run, org, contact, seats=1)
    client.force_login(contact)
    client.post(_booking_url(booking), {"name": "Anna Schmidt", "email": "anna@example.org"})
    response = client.post(_booking_url(booking), {"name": "Bernd Bauer", "email": "bernd@example.org"})
    assert response.status_code == 200
    assert "Alle gebuchten Plätze haben schon einen Namen." in response.context["form"].errors["email"][0]
    assert list(booking.enrolments.values_list("member_name", flat=True)) == ["Anna Schmidt"]


def test_member_form_without_email_changes_nothing(client, run, org, contact):
    booking = _book(run, org, contact, seats=1)
    client.force_login(contact)
    response = client.post(_booking_url(booking), {"name": "Anna Schmidt", "email": "kein-at"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Bitte geben Sie eine gültige E-Mail-Adresse an."]
    assert booking.enrolments.get().status == S.RESERVED


# --- Swapping members and cancelling --------------------------------------------------------------------


def test_swapping_a_member_before_the_deadline_frees_the_seat_for_someone_else(client, run, org, contact):
    booking = _book(run, org, contact, seats=1)
    member = booking_member_add(booking=booking, by=contact, name="Anna Schmidt", email="anna@example.org")
    client.force_login(contact)
    url = reverse("bookings:member_remove", args=[booking.pk, member.pk])
    assert url in _html(client.get(_booking_url(booking)))
    assert "Ja, Anna Schmidt vom Platz nehmen" in _html(client.get(url))

    response = client.post(url, follow=True)

    member.refresh_from_db()
    assert (member.status, member.cancel_cause) == (S.CANCELLED, Enrolment.Cause.MEMBER_CHANGED)
    assert booking.enrolments.filter(status=S.RESERVED).count() == 1
    html = _html(response)
    assert "Anna Schmidt hat den Platz nicht mehr und bekommt eine E-Mail." in html
    client.post(_booking_url(booking), {"name": "Bernd Bauer", "email": "bernd@example.org"})
    assert booking.enrolments.get(status=S.INVITED).member_name == "Bernd Bauer"


def test_swapping_after_the_deadline_is_refused_with_the_deadline(client, clock, run, org, contact):
    booking = _book(run, org, contact, seats=1)
    member = booking_member_add(booking=booking, by=contact, name="Anna Schmidt", email="anna@example.org")
    clock.move_to(datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN))
    client.force_login(contact)
    url = reverse("bookings:member_remove", args=[booking.pk, member.pk])
    page = _html(client.get(_booking_url(booking)))
    assert url not in page
    assert f"Die Absagefrist ist am {DEADLINE_TEXT} abgelaufen." in page

    response = client.post(url, follow=True)

    assert f"Die Absagefrist ist am {DEADLINE_TEXT} abgelaufen." in _html(response)
    member.refresh_from_db()
    assert member.status == S.INVITED


def test_cancelling_the_booking_asks_first_then_ends_every_place(client, run, org, contact):
    booking = _book(run, org, contact, seats=2)
    booking_member_add(booking=booking, by=contact, name="Anna Schmidt", email="anna@example.org")
    client.force_login(contact)
    url = reverse("bookings:booking_cancel", args=[booking.pk])
    assert "Ja, Buchung stornieren" in _html(client.get(url))
    assert Booking.objects.get().status == Booking.Status.ACTIVE

    response = client.post(url, follow=True)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert set(booking.enrolments.values_list("status", flat=True)) == {S.CANCELLED}
    html = _html(response)
    assert "ist storniert" in html
    assert 'name="email"' not in html


def test_cancelling_after_the_deadline_is_refused(client, clock, run, org, contact):
    booking = _book(run, org, contact, seats=2)
    clock.move_to(datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN))
    client.force_login(contact)
    url = reverse("bookings:booking_cancel", args=[booking.pk])
    assert "Ja, Buchung stornieren" not in _html(client.get(url))
    response = client.post(url, follow=True)
    assert f"Die Absagefrist ist am {DEADLINE_TEXT} abgelaufen." in _html(response)
    assert Booking.objects.get().status == Booking.Status.ACTIVE


def test_someone_elses_booking_is_not_found(client, run, org, contact):
    booking = _book(run, org, contact, seats=1)
    member = booking_member_add(booking=booking, by=contact, name="Anna Schmidt", email="anna@example.org")
    client.force_login(make_contact())
    assert client.get(_booking_url(booking)).status_code == 404
    assert client.post(_booking_url(booking), {"name": "X", "email": "x@example.org"}).status_code == 404
    assert client.post(reverse("bookings:booking_cancel", args=[booking.pk])).status_code == 404
    assert client.post(reverse("bookings:member_remove", args=[booking.pk, member.pk])).status_code == 404
    assert Booking.objects.get().status == Booking.Status.ACTIVE
    assert booking.enrolments.get().status == S.INVITED


def test_booking_page_needs_login(client, run, org, contact):
    booking = _book(run, org, contact, seats=1)
    response = client.get(_booking_url(booking))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_contact_takes_a_seat_the_waiting_list_offers_the_booking(client, clock, org, contact):
    run = CourseRunFactory(capacity=1, seat_release=SeatRelease.OFFER)
    person = UserFactory()
    first = enrolment_create(run=run, user=person)
    booking = _book(run, org, contact, seats=1, waitlist_rest=True)
    enrolment_cancel(enrolment=first, by=person)
    seat = booking.enrolments.get()
    assert seat.status == S.OFFERED
    client.force_login(contact)
    assert "Platz annehmen" in _html(client.get(_booking_url(booking)))

    client.post(reverse("bookings:offer_accept", args=[booking.pk, seat.pk]))

    seat.refresh_from_db()
    assert seat.status == S.RESERVED


def test_contact_declines_a_seat_the_waiting_list_offers_the_booking(client, clock, org, contact):
    run = CourseRunFactory(capacity=1, seat_release=SeatRelease.OFFER)
    person = UserFactory()
    first = enrolment_create(run=run, user=person)
    booking = _book(run, org, contact, seats=1, waitlist_rest=True)
    enrolment_cancel(enrolment=first, by=person)
    seat = booking.enrolments.get()
    client.force_login(contact)

    response = client.post(reverse("bookings:offer_decline", args=[booking.pk, seat.pk]), follow=True)

    seat.refresh_from_db()
    assert (seat.status, seat.cancel_cause) == (S.CANCELLED, Enrolment.Cause.OFFER_DECLINED)
    assert "Sie haben den Platz abgelehnt." in _html(response)


# --- Meine Buchungen ------------------------------------------------------------------------------------


def test_my_bookings_shows_every_contacts_bookings_of_the_organisation(client, run, org, contact):
    _book(run, org, contact, seats=3)
    other_org = OrganisationFactory(name="Sportverein Aerzen")
    _book(run, other_org, make_contact(other_org), seats=1)
    colleague = make_contact(org)
    client.force_login(colleague)
    html = _html(client.get(reverse("bookings:my_bookings")))
    assert "Heimatverein Fischbeck e. V." in html
    assert "Sportverein Aerzen" not in html
    assert "3 davon noch ohne Namen" in html
    assert "Dienstag, 8. Dezember 2026, 18:00 bis 20:00 Uhr" in html


def test_my_bookings_lists_upcoming_bookings_first(client, clock, org, contact):
    later = CourseRunFactory(starts_in=timedelta(days=20))
    sooner = CourseRunFactory(starts_in=timedelta(days=10))
    cancelled = CourseRunFactory(starts_in=timedelta(days=5))
    for run in (later, sooner, cancelled):
        _book(run, org, contact, seats=1)
    Booking.objects.filter(run=cancelled).update(status=Booking.Status.CANCELLED)
    client.force_login(contact)
    response = client.get(reverse("bookings:my_bookings"))
    upcoming, past = (section["bookings"] for section in response.context["sections"])
    assert [b.run for b in upcoming] == [sooner, later]
    assert [b.run for b in past] == [cancelled]
    assert "Buchung storniert" in _html(response)


def test_my_bookings_needs_login(client):
    response = client.get(reverse("bookings:my_bookings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_my_bookings_query_count_does_not_grow_with_bookings(client, clock, org, contact):
    client.force_login(contact)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("bookings:my_bookings")).status_code == 200
        return len(captured)

    _book(CourseRunFactory(sessions=1), org, contact, seats=1)
    client.get(reverse("bookings:my_bookings"))
    one = queries()
    second_org = OrganisationFactory()
    contact.organisation_memberships.create(organisation=second_org, role="contact")
    for i in range(4):
        run = CourseRunFactory(sessions=3, starts_in=timedelta(days=10 + i))
        booking = _book(run, second_org if i % 2 else org, contact, seats=2)
        booking_member_add(booking=booking, by=contact, name=f"Person {i}", email=f"p{i}@example.org")
    assert queries() == one


def test_booking_page_query_count_does_not_grow_with_members(client, run, org, contact):
    booking = _book(run, org, contact, seats=5)
    client.force_login(contact)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_booking_url(booking)).status_code == 200
        return len(captured)

    booking_member_add(booking=booking, by=contact, name="Anna Schmidt", email="anna@example.org")
    client.get(_booking_url(booking))
    one = queries()
    for i in range(3):
        booking_member_add(booking=booking, by=contact, name=f"Person {i}", email=f"p{i}@example.org")
    accepted = booking.enrolments.filter(status=S.INVITED).first()
    invitation_accept(enrolment=accepted, user=UserFactory(), consent=True)
    assert queries() == one


# --- Invitations ----------------------------------------------------------------------------------------


@pytest.fixture
def invited(run, org, contact):
    booking = _book(run, org, contact, seats=2)
    return booking_member_add(booking=booking, by=contact, name="Anna Schmidt", email="anna@example.org")


def _invitation_url(enrolment) -> str:
    return reverse("bookings:invitation", args=[invitation_token(enrolment)])


def test_invitation_shows_organisation_course_dates_and_place(client, invited):
    html = _html(client.get(_invitation_url(invited)))
    assert "Heimatverein Fischbeck e. V. hat einen Platz in diesem Kurs für Sie gebucht." in html
    assert invited.run.course.title in html
    assert "Dienstag, 8. Dezember 2026, 18:00 bis 20:00 Uhr" in html
    assert invited.run.location in html
    assert "Nein, danke" in html


def test_logged_in_member_accepts_with_consent_only(client, invited):
    user = UserFactory(email="anna.privat@example.org")
    client.force_login(user)
    url = _invitation_url(invited)
    response = client.get(url)
    assert set(response.context["form"].fields) == {"consent"}

    response = client.post(url, {"consent": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:my_courses")
    invited.refresh_from_db()
    assert (invited.status, invited.user) == (S.CONFIRMED, user)
    assert "Ihr Platz ist sicher." in _html(client.get(response["Location"]))


def test_member_with_an_account_accepts_with_password_and_consent(client, invited):
    user = UserFactory(email="anna@example.org")
    url = _invitation_url(invited)
    response = client.get(url)
    assert set(response.context["form"].fields) == {"password", "consent"}

    response = client.post(url, {"password": PASSWORD, "consent": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:my_courses")
    invited.refresh_from_db()
    assert (invited.status, invited.user) == (S.CONFIRMED, user)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_changes_nothing(client, invited):
    UserFactory(email="anna@example.org")
    response = client.post(_invitation_url(invited), {"password": "falsch-falsch", "consent": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "Das Passwort stimmt nicht. Bitte versuchen Sie es noch einmal."
    ]
    invited.refresh_from_db()
    assert invited.status == S.INVITED
    assert "_auth_user_id" not in client.session


def test_too_many_wrong_passwords_lock_the_login_and_say_until_when(client, settings, invited):
    settings.LOGIN_RATE_LIMIT = 2
    UserFactory(email="anna@example.org")
    url = _invitation_url(invited)
    client.post(url, {"password": "falsch-falsch", "consent": "on"})
    response = client.post(url, {"password": "falsch-falsch", "consent": "on"})
    assert response.status_code == 429
    assert "Zu viele Anmeldeversuche." in _html(response)
    response = client.post(url, {"password": PASSWORD, "consent": "on"})
    assert response.status_code == 429
    invited.refresh_from_db()
    assert invited.status == S.INVITED


def test_member_without_an_account_creates_one_and_accepts_in_one_step(client, invited):
    url = _invitation_url(invited)
    response = client.get(url)
    form = response.context["form"]
    assert set(form.fields) == {"full_name", "password", "consent"}
    assert 'value="Anna Schmidt"' in _html(response)

    response = client.post(url, {"full_name": "Anna Schmidt", "password": "sonnen-blume-7", "consent": "on"})

    assert response.status_code == 302
    user = User.objects.get(email="anna@example.org")
    assert (user.full_name, user.language) == ("Anna Schmidt", "de")
    assert user.check_password("sonnen-blume-7")
    invited.refresh_from_db()
    assert (invited.status, invited.user) == (S.CONFIRMED, user)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_accepting_without_consent_changes_nothing(client, invited):
    response = client.post(
        _invitation_url(invited), {"full_name": "Anna Schmidt", "password": "sonnen-blume-7"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["consent"] == [
        "Bitte bestätigen Sie, dass Sie teilnehmen möchten."
    ]
    assert not User.objects.filter(email="anna@example.org").exists()
    invited.refresh_from_db()
    assert invited.status == S.INVITED


def test_weak_new_password_changes_nothing(client, invited):
    response = client.post(
        _invitation_url(invited), {"full_name": "Anna Schmidt", "password": "123", "consent": "on"}
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(email="anna@example.org").exists()


def test_member_already_in_the_run_is_told_on_the_form(client, run, invited):
    user = UserFactory()
    enrolment_create(run=run, user=user)
    client.force_login(user)
    response = client.post(_invitation_url(invited), {"consent": "on"})
    assert response.status_code == 200
    assert "Sie haben in diesem Kurs schon einen Platz." in _html(response)
    invited.refresh_from_db()
    assert invited.status == S.INVITED


def test_member_declines_and_the_seat_goes_back_to_the_organisation(client, invited):
    response = client.post(_invitation_url(invited), {"decline": "1"}, follow=True)
    invited.refresh_from_db()
    assert (invited.status, invited.cancel_cause) == (S.CANCELLED, Enrolment.Cause.SELF)
    assert invited.booking.enrolments.filter(status=S.RESERVED).count() == 2
    assert "Sie haben die Einladung abgelehnt." in _html(response)


def test_used_invitation_is_a_friendly_404(client, invited):
    url = _invitation_url(invited)
    client.post(url, {"full_name": "Anna Schmidt", "password": "sonnen-blume-7", "consent": "on"})
    client.logout()
    response = client.get(url)
    assert response.status_code == 404
    assert "Diese Einladung gilt nicht mehr." in _html(response)
    assert client.post(url, {"decline": "1"}).status_code == 404
    invited.refresh_from_db()
    assert invited.status == S.CONFIRMED


def test_unknown_invitation_link_is_a_friendly_404(client):
    response = client.get(reverse("bookings:invitation", args=["kein-gueltiger-link"]))
    assert response.status_code == 404
    assert "Diese Einladung gilt nicht mehr." in _html(response)


def test_invitation_after_the_course_began_says_so(client, clock, invited):
    clock.move_to(datetime(2026, 12, 8, 19, 0, tzinfo=BERLIN))
    response = client.get(_invitation_url(invited))
    assert response.status_code == 404
    assert "Dieser Kurs hat schon begonnen." in _html(response)


# --- After the run --------------------------------------------------------------------------------------


def test_after_the_run_the_booking_shows_who_attended(client, clock, run, org, contact):
    booking = _book(run, org, contact, seats=3)
    came = booking_member_add(booking=booking, by=contact, name="Anna Schmidt", email="anna@example.org")
    missed = booking_member_add(booking=booking, by=contact, name="Bernd Bauer", email="bernd@example.org")
    invitation_accept(enrolment=came, user=UserFactory(full_name="Anna Schmidt"), consent=True)
    invitation_accept(enrolment=missed, user=UserFactory(full_name="Bernd Bauer"), consent=True)
    sessions = list(run.sessions.all())
    for session in sessions:
        Attendance.objects.create(session=session, enrolment=came, status=Attendance.Status.PRESENT)
    Attendance.objects.create(session=sessions[0], enrolment=missed, status=Attendance.Status.ABSENT)
    clock.move_to(datetime(2026, 12, 16, 9, 0, tzinfo=BERLIN))
    run_close(run=run, by=make_manager(run.lab))
    assert CourseRun.objects.get(pk=run.pk).status == CourseRun.Status.CLOSED
    client.force_login(contact)

    response = client.get(_booking_url(booking))

    html = _html(response)
    assert "Wer teilgenommen hat" in html
    places = {place.holder_name: place for place in response.context["places"]}
    assert set(places) == {"Anna Schmidt", "Bernd Bauer"}
    assert (places["Anna Schmidt"].status, places["Anna Schmidt"].attended) == (S.COMPLETED, 2)
    assert (places["Bernd Bauer"].status, places["Bernd Bauer"].attended) == (S.NOT_COMPLETED, 0)
    assert "Kurs abgeschlossen" in html
    assert "Kurs nicht abgeschlossen" in html
    assert "An 2 von 2 Terminen da" in html
    assert "An 0 von 2 Terminen da" in html
    assert "Tauschen" not in html
    assert 'name="email"' not in html
