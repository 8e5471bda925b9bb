"""The mails of the enrolment engine: each scenario is built through the services, then the owed outbox items
are delivered as the worker would, and the mail is read as the person gets it (text, HTML, attachments)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from icalendar import Calendar

from courses import notifications
from courses.bookings.services import (
    booking_cancel,
    booking_create,
    booking_member_add,
    booking_member_remove,
    bookings_release_unnamed,
    bookings_remind_unnamed,
    invitation_decline,
)
from courses.bookings.tokens import invitation_enrolment
from courses.models import Enrolment, SeatRelease
from courses.services import (
    enrolment_cancel,
    enrolment_create,
    enrolment_create_for_person,
    enrolment_remove,
    offers_expire,
    run_cancel,
    session_reminders_record,
    session_update,
)
from outbox.models import MailText, OutboxItem
from outbox.services import Delivery, outbox_deliver
from tests.factories import CourseRunFactory, OrganisationFactory, UserFactory, make_contact, make_course

pytestmark = pytest.mark.django_db

# The clock stands on Tuesday, 1 December 2026, 10:00; runs start a week later at 18:00.
FIRST_SESSION = "Dienstag, 8. Dezember 2026, 18:00 bis 20:00 Uhr"
SECOND_SESSION = "Dienstag, 15. Dezember 2026, 18:00 bis 20:00 Uhr"


def deliver(kind: str | None = None) -> None:
    """Deliver every owed item (of one kind), oldest first, as the worker does."""
    items = OutboxItem.objects.filter(delivered_at__isnull=True)
    if kind:
        items = items.filter(kind=kind)
    for pk in items.order_by("pk").values_list("pk", flat=True):
        assert outbox_deliver(item_id=pk) is Delivery.DELIVERED


def html(message) -> str:
    (alternative,) = message.alternatives
    assert alternative[1] == "text/html"
    return alternative[0]


def calendars(message) -> list[Calendar]:
    return [
        Calendar.from_ical(content)
        for name, content, mimetype in message.attachments
        if name.endswith(".ics")
    ]


def to(mailoutbox, address: str):
    """The one mail sent to the address."""
    (message,) = [m for m in mailoutbox if m.to == [address]]
    return message


def assert_nothing_from_other_hosts(page: str) -> None:
    assert "<img" not in page and "<link" not in page and "<script" not in page and "url(" not in page
    for href in re.findall(r'href="([^"]+)"', page):
        assert href.startswith((settings.SITE_URL, "mailto:", "tel:")), href


@pytest.fixture
def run(clock, lab):
    return CourseRunFactory(course=make_course(lab, title="Sicher online"), capacity=1)


@pytest.fixture
def org():
    return OrganisationFactory(name="Heimatverein Fischbeck e. V.")


@pytest.fixture
def contact(org):
    return make_contact(org, email="verein@example.org", full_name="Gerda Vorstand")


# --- Enrolment --------------------------------------------------------------------------------------------


def test_confirmation_has_the_dates_the_place_and_the_calendar_in_text_and_html(run, mailoutbox):
    erika = UserFactory(full_name="Erika Muster", email="erika@example.org")
    enrolment_create(run=run, user=erika)

    deliver()

    (message,) = mailoutbox
    assert message.to == ["erika@example.org"]
    assert message.subject == "Anmeldung bestätigt: Sicher online"
    page = html(message)
    for body in (message.body, page):
        assert "Guten Tag Erika" in body
        assert "Anmeldung für „Sicher online“ ist bestätigt" in body
        assert FIRST_SESSION in body and SECOND_SESSION in body
        assert run.location in body
        assert settings.SITE_URL + reverse("courses:my_courses") in body
        assert "Sonntag, 6. Dezember 2026, 18:00 Uhr" in body  # the cancellation deadline
    assert '<html lang="de">' in page
    assert_nothing_from_other_hosts(page)
    (calendar,) = calendars(message)
    assert len(calendar.walk("VEVENT")) == 2


def test_a_place_on_the_waiting_list_names_its_position_and_has_no_calendar(run, mailoutbox):
    enrolment_create(run=run, user=UserFactory())
    enrolment_create(run=run, user=UserFactory())
    third = enrolment_create(run=run, user=UserFactory(email="dritte@example.org"))

    deliver()

    message = to(mailoutbox, "dritte@example.org")
    assert message.subject == "Warteliste: Sicher online"
    assert "auf Platz 2" in message.body
    assert "Ihr Platz auf der Warteliste: 2" in message.body
    assert "auf Platz 2" in html(message)
    assert calendars(message) == []
    assert third.status == Enrolment.Status.WAITLISTED


def test_a_person_who_reads_english_gets_the_mail_in_english(run, mailoutbox):
    enrolment_create(run=run, user=UserFactory(full_name="Emily Jones", language="en"))

    deliver()

    (message,) = mailoutbox
    assert message.subject == "Enrolment confirmed: Sicher online"
    page = html(message)
    for body in (message.body, page):
        assert "Hello Emily" in body
        assert "your enrolment for “Sicher online” is confirmed" in body
        assert "Tuesday, 8 December 2026" in body
        assert "Dienstag" not in body
    assert '<html lang="en">' in page
    assert calendars(message)


def test_delivering_twice_sends_once(run, mailoutbox):
    enrolment_create(run=run, user=UserFactory())
    (item,) = OutboxItem.objects.all()

    assert outbox_deliver(item_id=item.pk) is Delivery.DELIVERED
    assert outbox_deliver(item_id=item.pk) is Delivery.SKIPPED

    assert len(mailoutbox) == 1


def test_a_place_cancelled_before_delivery_gets_no_confirmation_only_the_cancellation(run, mailoutbox):
    erika = UserFactory(email="erika@example.org")
    enrolment = enrolment_create(run=run, user=erika)
    enrolment_cancel(enrolment=enrolment, by=erika)

    deliver()

    (message,) = mailoutbox
    assert message.subject == "Abmeldung bestätigt: Sicher online"
    assert "Ihre Abmeldung ist bestätigt" in message.body
    assert "Ihre Abmeldung ist bestätigt" in html(message)
    assert calendars(message) == []


def test_someone_enrolled_by_phone_gets_a_link_to_set_a_password(run, manager, mailoutbox):
    enrolment_create_for_person(run=run, by=manager, full_name="Otto Telefon", email="otto@example.org")

    deliver()

    message = to(mailoutbox, "otto@example.org")
    link = re.search(re.escape(settings.SITE_URL) + r"(/\S*?passwort-neu/([^/\s]+)/([^/\s]+)/)", message.body)
    assert link, message.body
    path, uidb64, token = link.groups()
    assert path == reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    otto = Enrolment.objects.get(run=run).user
    assert force_str(urlsafe_base64_decode(uidb64)) == str(otto.pk)
    assert default_token_generator.check_token(otto, token)
    assert settings.SITE_URL + path in html(message)


def test_a_person_with_a_password_gets_no_password_link(run, mailoutbox):
    enrolment_create(run=run, user=UserFactory())
    deliver()
    assert "passwort-neu" not in mailoutbox[0].body


def test_a_seat_from_the_waiting_list_is_announced_with_the_calendar(run, mailoutbox):
    seated = enrolment_create(run=run, user=UserFactory())
    enrolment_create(run=run, user=UserFactory(email="wartend@example.org"))
    deliver()
    mailoutbox.clear()

    enrolment_cancel(enrolment=seated, by=seated.user)
    deliver()

    message = to(mailoutbox, "wartend@example.org")
    assert message.subject == "Ein Platz ist frei geworden: Sicher online"
    assert "Der Platz gehört jetzt Ihnen" in message.body
    assert FIRST_SESSION in html(message)
    assert calendars(message)


def test_an_offered_seat_names_until_when_and_where_to_accept(clock, lab, mailoutbox):
    run = CourseRunFactory(
        course=make_course(lab, title="Sicher online"),
        capacity=1,
        seat_release=SeatRelease.OFFER,
        offer_hours=24,
    )
    seated = enrolment_create(run=run, user=UserFactory())
    enrolment_create(run=run, user=UserFactory(email="wartend@example.org"))
    deliver()
    mailoutbox.clear()

    enrolment_cancel(enrolment=seated, by=seated.user)
    deliver()

    message = to(mailoutbox, "wartend@example.org")
    assert message.subject == "Ein Platz für Sie: Sicher online"
    for body in (message.body, html(message)):
        assert "Mittwoch, 2. Dezember 2026, 10:00 Uhr" in body
        assert settings.SITE_URL + reverse("courses:my_courses") in body


def test_an_offer_that_ran_out_is_told_and_no_longer_announced(clock, lab, mailoutbox):
    run = CourseRunFactory(
        course=make_course(lab, title="Sicher online"),
        capacity=1,
        seat_release=SeatRelease.OFFER,
        offer_hours=24,
    )
    seated = enrolment_create(run=run, user=UserFactory())
    enrolment_create(run=run, user=UserFactory(email="wartend@example.org"))
    enrolment_cancel(enrolment=seated, by=seated.user)
    clock.shift(timedelta(hours=25))
    offers_expire()

    deliver()

    message = to(mailoutbox, "wartend@example.org")  # the offer itself came too late to be sent
    assert message.subject == "Angebot abgelaufen: Sicher online"
    assert "Das Angebot ist abgelaufen" in message.body


def test_removal_by_the_lab_gives_the_reason(run, manager, mailoutbox):
    enrolment = enrolment_create(run=run, user=UserFactory(email="erika@example.org"))
    enrolment_remove(enrolment=enrolment, by=manager, reason="Sie waren doppelt angemeldet.")

    deliver(notifications.ENROLMENT_CANCELLED)

    (message,) = mailoutbox
    assert message.subject == "Ihre Anmeldung ist beendet: Sicher online"
    for body in (message.body, html(message)):
        assert "Grund: " in body or "Grund:</strong>" in body
        assert "Sie waren doppelt angemeldet." in body


def test_a_cancelled_run_tells_everyone_with_the_message_and_a_cancelling_calendar(
    run, manager, org, contact, mailoutbox
):
    run.capacity = 3
    run.save()
    enrolment_create(run=run, user=UserFactory(email="erika@example.org"))
    booking = booking_create(run=run, organisation=org, by=contact, seats=2)
    booking_member_add(booking=booking, by=contact, name="Erna Beispiel", email="erna@example.org")
    enrolment_create(run=run, user=UserFactory(email="wartend@example.org"))
    deliver()
    mailoutbox.clear()

    run_cancel(
        run=run, by=manager, message="Die Kursleitung ist erkrankt.\nWir melden uns mit einem neuen Termin."
    )
    deliver()

    assert sorted(m.to[0] for m in mailoutbox) == [
        "erika@example.org",
        "erna@example.org",
        "verein@example.org",
        "wartend@example.org",
    ]
    seated = to(mailoutbox, "erika@example.org")
    assert seated.subject == "Kurs abgesagt: Sicher online"
    assert "Die Kursleitung ist erkrankt." in seated.body
    assert "Die Kursleitung ist erkrankt.<br>Wir melden uns" in html(seated)
    (calendar,) = calendars(seated)
    assert {str(event["status"]) for event in calendar.walk("VEVENT")} == {"CANCELLED"}
    assert calendars(to(mailoutbox, "wartend@example.org")) == []
    organisation_mail = to(mailoutbox, "verein@example.org")
    assert "Heimatverein Fischbeck e. V." in organisation_mail.body
    assert "Die Kursleitung ist erkrankt." in organisation_mail.body


def test_a_member_taken_off_a_seat_is_told_by_name_of_the_organisation(run, org, contact, mailoutbox):
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    erna = booking_member_add(booking=booking, by=contact, name="Erna Beispiel", email="erna@example.org")
    deliver()
    mailoutbox.clear()

    booking_member_remove(booking=booking, enrolment=erna, by=contact)
    deliver()

    message = to(mailoutbox, "erna@example.org")
    assert message.subject == "Ihr Platz ist beendet: Sicher online"
    assert "Guten Tag Erna Beispiel" in message.body
    assert "Heimatverein Fischbeck e. V. hat Ihren Platz" in message.body


def test_a_cancelled_booking_tells_the_members_and_the_contact(run, org, contact, mailoutbox):
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    booking_member_add(booking=booking, by=contact, name="Erna Beispiel", email="erna@example.org")
    deliver()
    mailoutbox.clear()

    booking_cancel(booking=booking, by=contact)
    deliver()

    member = to(mailoutbox, "erna@example.org")
    assert member.subject == "Buchung storniert: Sicher online"
    assert "Heimatverein Fischbeck e. V. hat die Buchung" in member.body
    contact_mail = to(mailoutbox, "verein@example.org")
    assert "die Buchung für Heimatverein Fischbeck e. V." in contact_mail.body
    assert settings.SITE_URL + reverse("bookings:my_bookings") in contact_mail.body


# --- Reminders and changes ------------------------------------------------------------------------------


@pytest.fixture
def tomorrow_run(clock, lab):
    """A run whose first session is tomorrow, Wednesday 2 December 2026, 18:00."""
    return CourseRunFactory(course=make_course(lab, title="Sicher online"), starts_in=timedelta(days=1))


def test_a_reminder_comes_a_day_before_with_time_and_place(clock, tomorrow_run, mailoutbox):
    enrolment_create(run=tomorrow_run, user=UserFactory(email="erika@example.org"))
    deliver()
    mailoutbox.clear()
    clock.shift(timedelta(hours=9))  # 19:00, 23 hours ahead

    session_reminders_record()
    deliver()

    (message,) = mailoutbox
    assert message.subject == "Erinnerung: Sicher online am Mittwoch, 2. Dezember 2026, 18:00 Uhr"
    for body in (message.body, html(message)):
        assert "Mittwoch, 2. Dezember 2026, 18:00 bis 20:00 Uhr" in body
        assert tomorrow_run.location in body


def test_no_reminder_for_a_session_moved_out_of_the_day(clock, tomorrow_run, manager, mailoutbox):
    enrolment_create(run=tomorrow_run, user=UserFactory())
    clock.shift(timedelta(hours=9))
    session_reminders_record()
    session = tomorrow_run.sessions.order_by("start").first()
    session_update(
        session=session,
        by=manager,
        start=session.start + timedelta(days=2),
        end=session.end + timedelta(days=2),
    )

    deliver(notifications.SESSION_REMINDER)

    assert mailoutbox == []


def test_no_reminder_for_a_seat_given_up_in_between(clock, tomorrow_run, manager, mailoutbox):
    enrolment = enrolment_create(run=tomorrow_run, user=UserFactory())
    clock.shift(timedelta(hours=9))
    session_reminders_record()
    enrolment_remove(enrolment=enrolment, by=manager, reason="Krank gemeldet.")

    deliver(notifications.SESSION_REMINDER)

    assert mailoutbox == []


def test_a_change_is_announced_once_with_the_latest_sessions_and_places(run, manager, mailoutbox):
    enrolment_create(run=run, user=UserFactory(email="erika@example.org"))
    deliver()
    mailoutbox.clear()
    first, second = run.sessions.order_by("start")

    session_update(
        session=first, by=manager, start=first.start + timedelta(hours=1), end=first.end + timedelta(hours=1)
    )
    session_update(session=second, by=manager, location="Dorfgemeinschaftshaus Fischbeck")
    assert sorted(
        OutboxItem.objects.filter(kind=notifications.RUN_CHANGED).values_list("key", flat=True)
    ) == [
        "v1",
        "v2",
    ]
    deliver()

    (message,) = mailoutbox
    assert message.subject == "Geänderte Termine: Sicher online"
    for body in (message.body, html(message)):
        assert "Dienstag, 8. Dezember 2026, 19:00 bis 21:00 Uhr" in body
        assert "Dorfgemeinschaftshaus Fischbeck" in body
        assert run.location in body
    (calendar,) = calendars(message)
    events = {str(event["location"]): event for event in calendar.walk("VEVENT")}
    assert "Dorfgemeinschaftshaus Fischbeck" in events


# --- Bookings -------------------------------------------------------------------------------------------


def test_an_invited_member_gets_the_organisation_the_dates_and_the_link_to_accept(
    run, org, contact, mailoutbox
):
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    seat = booking_member_add(booking=booking, by=contact, name="Erna Beispiel", email="erna@example.org")

    deliver(notifications.MEMBER_INVITATION)

    (message,) = mailoutbox
    assert message.to == ["erna@example.org"]
    assert message.subject == "Einladung von Heimatverein Fischbeck e. V.: Sicher online"
    link = re.search(re.escape(settings.SITE_URL) + r"/einladung/(\S+)/", message.body)
    assert link, message.body
    assert invitation_enrolment(link.group(1)) == seat
    for body in (message.body, html(message)):
        assert "Gerda Vorstand von Heimatverein Fischbeck e. V." in body
        assert FIRST_SESSION in body
        assert run.location in body
        assert settings.SITE_URL + reverse("bookings:invitation", kwargs={"token": link.group(1)}) in body


def test_the_contact_gets_the_booking_with_seats_held_waiting_and_the_release_time(
    run, org, contact, mailoutbox
):
    run.capacity = 2
    run.save()
    booking_create(run=run, organisation=org, by=contact, seats=2)
    enrolment_create(run=run, user=UserFactory())
    other = make_contact(org, email="zweite@example.org")
    booking_create(run=run, organisation=org, by=other, seats=2, waitlist_rest=True)

    deliver(notifications.BOOKING_CONFIRMATION)

    first = to(mailoutbox, "verein@example.org")
    assert first.subject == "Buchung bestätigt: Sicher online"
    for body in (first.body, html(first)):
        assert "Heimatverein Fischbeck e. V." in body
        assert "Sonntag, 6. Dezember 2026, 18:00 Uhr" in body  # unnamed seats are released 48 hours ahead
        assert settings.SITE_URL + reverse("bookings:my_bookings") in body
    assert "Plätze noch ohne Namen: 2" in first.body
    second = to(mailoutbox, "zweite@example.org")
    assert "Plätze noch ohne Namen: 0" in second.body
    assert "Plätze auf der Warteliste: 2" in second.body


def test_a_seat_of_a_booking_from_the_waiting_list_is_announced_to_the_contact(run, org, contact, mailoutbox):
    seated = enrolment_create(run=run, user=UserFactory())
    booking_create(run=run, organisation=org, by=contact, seats=1, waitlist_rest=True)
    deliver()
    mailoutbox.clear()

    enrolment_cancel(enrolment=seated, by=seated.user)
    deliver(notifications.WAITLIST_PROMOTION)

    (message,) = mailoutbox
    assert message.to == ["verein@example.org"]
    assert message.subject == "Ein weiterer Platz für Heimatverein Fischbeck e. V.: Sicher online"
    assert settings.SITE_URL + reverse("bookings:my_bookings") in message.body


def test_an_offered_seat_of_a_booking_goes_to_the_contact_with_the_bookings_link(
    clock, lab, org, contact, mailoutbox
):
    run = CourseRunFactory(
        course=make_course(lab, title="Sicher online"),
        capacity=1,
        seat_release=SeatRelease.OFFER,
        offer_hours=24,
    )
    seated = enrolment_create(run=run, user=UserFactory())
    booking_create(run=run, organisation=org, by=contact, seats=1, waitlist_rest=True)
    enrolment_cancel(enrolment=seated, by=seated.user)

    deliver(notifications.SEAT_OFFER)

    (message,) = mailoutbox
    assert message.to == ["verein@example.org"]
    assert "Mittwoch, 2. Dezember 2026, 10:00 Uhr" in message.body
    assert settings.SITE_URL + reverse("bookings:my_bookings") in message.body


def test_a_member_who_declines_is_reported_to_the_contact(run, org, contact, mailoutbox):
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    erna = booking_member_add(booking=booking, by=contact, name="Erna Beispiel", email="erna@example.org")

    invitation_decline(enrolment=erna)
    deliver(notifications.BOOKING_MEMBER_LEFT)

    (message,) = mailoutbox
    assert message.to == ["verein@example.org"]
    assert message.subject == "Absage von Erna Beispiel: Sicher online"
    assert "Der Platz gehört wieder Ihrer Organisation" in message.body


def test_unnamed_seats_are_reminded_then_released_and_the_contact_is_told(
    clock, lab, org, contact, mailoutbox
):
    run = CourseRunFactory(
        course=make_course(lab, title="Sicher online"), capacity=3, starts_in=timedelta(days=10)
    )
    booking = booking_create(run=run, organisation=org, by=contact, seats=3)
    booking_member_add(booking=booking, by=contact, name="Erna Beispiel", email="erna@example.org")
    first = run.sessions.order_by("start").first().start

    clock.move_to(first - timedelta(days=7))
    bookings_remind_unnamed()
    deliver(notifications.BOOKING_UNNAMED_REMINDER)
    (reminder,) = mailoutbox
    assert reminder.to == ["verein@example.org"]
    assert "Plätze ohne Namen: 2" in reminder.body
    assert "Mittwoch, 9. Dezember 2026, 18:00 Uhr" in reminder.body  # 48 hours before Friday the 11th
    mailoutbox.clear()

    clock.move_to(first - timedelta(hours=48))
    bookings_release_unnamed()
    deliver(notifications.BOOKING_SEATS_RELEASED)
    (released,) = mailoutbox
    assert released.subject == "Plätze freigegeben: Sicher online"
    assert "Freigegeben: 2." in released.body
    assert "Freigegebene Plätze: 2" in released.body


def test_no_booking_confirmation_once_the_booking_is_cancelled(run, org, contact, mailoutbox):
    booking = booking_create(run=run, organisation=org, by=contact, seats=1)
    booking_cancel(booking=booking, by=contact)

    deliver(notifications.BOOKING_CONFIRMATION)

    assert mailoutbox == []


# --- Editors' texts -------------------------------------------------------------------------------------


def test_an_editors_text_replaces_the_default_and_the_facts_stay(run, mailoutbox):
    MailText.objects.create(
        mail="enrolment_confirmed",
        subject_de="Sie sind dabei: {course}",
        body_de="Hallo {name}!\n\nSchön, dass Sie „{course}“ besuchen.",
    )
    enrolment_create(run=run, user=UserFactory(full_name="Erika Muster"))
    enrolment_create(run=CourseRunFactory(course=run.course), user=UserFactory(language="en"))

    deliver()

    german, english = mailoutbox
    assert german.subject == "Sie sind dabei: Sicher online"
    assert german.body.startswith("Hallo Erika!\n\nSchön, dass Sie „Sicher online“ besuchen.")
    assert "Anmeldung für" not in german.body
    assert FIRST_SESSION in german.body and FIRST_SESSION in html(german)
    assert calendars(german)
    assert (
        english.subject == "Enrolment confirmed: Sicher online"
    )  # no English text of their own: the default
