from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import BadgeAssertion, BadgeClass, CourseRun, Enrolment
from courses.services import enrolment_create
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, local_day, moment

pytestmark = pytest.mark.django_db

URL = reverse("courses:my_courses")


def _cancel_url(enrolment):
    return reverse("courses:enrolment_cancel", args=[enrolment.pk])


def _badge(enrolment):
    badge_class, _ = BadgeClass.objects.get_or_create(
        course=enrolment.run.course, defaults={"name": "Sicher im Netz", "description": "d", "criteria": "c"}
    )
    return BadgeAssertion.objects.create(
        badge_class=badge_class,
        enrolment=enrolment,
        recipient_hash="sha256$x",
        salt="s",
        issued_on=moment(),
    )


def test_my_courses_needs_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_my_courses_shows_status_in_words(client):
    user = UserFactory()
    full = CourseRunFactory(capacity=1)
    EnrolmentFactory(run=full)
    EnrolmentFactory(run=full, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())
    EnrolmentFactory(user=user)
    enrolment_create(run=full, user=user)
    EnrolmentFactory(user=user, status=Enrolment.Status.CANCELLED)
    EnrolmentFactory(
        user=user, status=Enrolment.Status.COMPLETED, run=CourseRunFactory(starts_in=timedelta(days=-30))
    )
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "Platz sicher" in html
    assert "Warteliste, Platz 2" in html
    assert "abgesagt" in html
    assert "abgeschlossen" in html


def test_my_courses_offers_cancel_only_for_active_upcoming(client):
    user = UserFactory()
    active = EnrolmentFactory(user=user)
    cancelled = EnrolmentFactory(user=user, status=Enrolment.Status.CANCELLED)
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert _cancel_url(active) in html
    assert _cancel_url(cancelled) not in html


def test_my_courses_lists_certificates_and_badges(client):
    from certificates.models import Certificate

    user = UserFactory()
    enrolment = EnrolmentFactory(
        user=user, status=Enrolment.Status.COMPLETED, run=CourseRunFactory(starts_in=timedelta(days=-30))
    )
    certificate = Certificate.objects.create(
        code="K7QM3XRT9HVD",
        enrolment=enrolment,
        participant_name=user.full_name,
        course_title="Sicher im Netz",
        lab_name="Labor",
        first_session=local_day(-30),
        last_session=local_day(-23),
        hours=4,
        issued_at=moment(),
    )
    assertion = _badge(enrolment)
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "K7QM-3XRT-9HVD" in html
    assert reverse("certificates:pdf", args=[certificate.code]) in html
    assert reverse("certificates:verify", args=[certificate.code]) in html
    assert reverse("badges:assertion_page", args=[assertion.uuid]) in html
    assert reverse("badges:assertion_image", args=[assertion.uuid]) in html


def test_my_courses_shows_nobody_elses_enrolments(client):
    other = EnrolmentFactory(run=CourseRunFactory(title="Fremder Abendkurs"))
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert "Fremder Abendkurs" not in html
    assert _cancel_url(other) not in html


def _make_enrolments(user, n):
    for i in range(n):
        run = CourseRunFactory(sessions=3, starts_in=timedelta(days=3 + i))
        enrolment = EnrolmentFactory(user=user, run=run)
        if i % 2:
            _badge(enrolment)


def test_my_courses_query_count_does_not_grow(client, django_assert_num_queries):
    """As many queries for 20 enrolments (with badges) as for 2."""
    user = UserFactory()
    _make_enrolments(user, 2)
    client.force_login(user)
    client.get(URL)  # fills per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as with_two:
        client.get(URL)
    _make_enrolments(user, 18)
    with django_assert_num_queries(len(with_two)):
        response = client.get(URL)
    assert response.content.decode().count('class="card enrolment-card"') == 20
    assert len(with_two) <= 15


def test_cancel_page_asks_before_cancelling(client):
    enrolment = EnrolmentFactory()
    client.force_login(enrolment.user)
    response = client.get(_cancel_url(enrolment))
    assert response.status_code == 200
    assert "Ja, absagen" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_cancel_own_seat_promotes_first_waiting_and_mails_them(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    run = CourseRunFactory(capacity=1)
    mine = EnrolmentFactory(run=run)
    now = moment()
    first = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=now)
    second = EnrolmentFactory(
        run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=now + timedelta(seconds=1)
    )
    client.force_login(mine.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_cancel_url(mine), follow=True)
    assert "abgesagt" in response.content.decode()
    mine.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert mine.status == Enrolment.Status.CANCELLED
    assert first.status == Enrolment.Status.CONFIRMED
    assert second.status == Enrolment.Status.WAITLISTED
    # The person who cancelled gets a confirmation; the one promoted is told of the seat.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mine.user.email, first.user.email])


def test_cancel_waitlist_place_says_so(client):
    run = CourseRunFactory(capacity=1)
    EnrolmentFactory(run=run)
    waiting = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=moment())
    client.force_login(waiting.user)
    response = client.post(_cancel_url(waiting), follow=True)
    assert "nicht mehr auf der Warteliste" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.CANCELLED


def test_cancel_someone_elses_enrolment_is_404_and_changes_nothing(client):
    other = EnrolmentFactory()
    client.force_login(UserFactory())
    assert client.get(_cancel_url(other)).status_code == 404
    assert client.post(_cancel_url(other)).status_code == 404
    other.refresh_from_db()
    assert other.status == Enrolment.Status.CONFIRMED


def test_cancel_after_course_started_shows_reason(client):
    enrolment = EnrolmentFactory(run=CourseRunFactory(starts_in=timedelta(days=-8), sessions=1))
    client.force_login(enrolment.user)
    response = client.post(_cancel_url(enrolment), follow=True)
    assert response.status_code == 200
    assert "schon stattgefunden" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_cancel_in_cancelled_run_is_refused(client):
    enrolment = EnrolmentFactory()
    CourseRun.objects.filter(pk=enrolment.run_id).update(status=CourseRun.Status.CANCELLED)
    client.force_login(enrolment.user)
    response = client.post(_cancel_url(enrolment), follow=True)
    assert "kann nicht mehr abgesagt werden" in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.cancelled_at) == (Enrolment.Status.CONFIRMED, None)


# --- Cancellation deadline, offers, the personal calendar ---------------------------------------------------


def test_the_cancellation_deadline_is_shown_and_ends_the_cancel_button(clock, client):
    run = CourseRunFactory(capacity=3, starts_in=timedelta(days=4))
    user = UserFactory()
    enrolment = enrolment_create(run=run, user=user)
    client.force_login(user)

    page = client.get(URL).content.decode()
    assert "Absagen bis" in page
    assert _cancel_url(enrolment) in page

    first = run.sessions.order_by("start").first().start
    clock.move_to(first - timedelta(hours=47))
    page = client.get(URL).content.decode()
    assert "Die Absagefrist ist am" in page
    assert _cancel_url(enrolment) not in page
    # Still an upcoming course, not a past one.
    assert page.index(str(run)) < page.index("Meine Zertifikate")
    response = client.post(_cancel_url(enrolment), follow=True)
    assert "Die Absagefrist ist am" in response.content.decode()
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.CONFIRMED


def test_an_offered_seat_is_taken_or_declined_from_my_courses(clock, client):
    from courses.models import SeatRelease

    run = CourseRunFactory(capacity=1, seat_release=SeatRelease.OFFER, offer_hours=24)
    holder, first, second = (UserFactory() for _ in range(3))
    seat = enrolment_create(run=run, user=holder)
    offered = enrolment_create(run=run, user=first)
    enrolment_create(run=run, user=second)
    from courses.services import enrolment_cancel

    enrolment_cancel(enrolment=seat, by=holder)
    client.force_login(first)
    page = client.get(URL).content.decode()
    assert "Ein Platz ist für Sie frei geworden!" in page
    assert reverse("courses:offer_accept", args=[offered.pk]) in page

    # Another person cannot answer this offer.
    client.force_login(second)
    assert client.post(reverse("courses:offer_accept", args=[offered.pk])).status_code == 404
    client.force_login(first)
    response = client.post(reverse("courses:offer_accept", args=[offered.pk]), follow=True)
    assert "ist sicher" in response.content.decode()
    assert Enrolment.objects.get(pk=offered.pk).status == Enrolment.Status.CONFIRMED
    response = client.post(reverse("courses:offer_decline", args=[offered.pk]), follow=True)
    assert "gilt nicht mehr" in response.content.decode()


def test_the_personal_calendar_address_is_made_and_renewed(client):
    user = UserFactory()
    client.force_login(user)
    assert "Kalender-Adresse anzeigen" in client.get(URL).content.decode()

    client.post(reverse("courses:calendar_feed"))
    first = user.calendar_feed.token
    page = client.get(URL).content.decode()
    assert f"/calendar/me/{first}.ics" in page
    assert client.get(reverse("calendar:personal", args=[first])).status_code == 200

    client.post(reverse("courses:calendar_feed_renew"))
    user.calendar_feed.refresh_from_db()
    assert user.calendar_feed.token != first
    assert client.get(reverse("calendar:personal", args=[first])).status_code == 404
    assert client.get(reverse("courses:calendar_feed")).status_code == 405
