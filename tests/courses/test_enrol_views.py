from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from courses.models import CourseRun, Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(run):
    return reverse("courses:enrol", args=[run.pk])


def _signup(**overrides):
    data = {
        "full_name": "Erika Muster",
        "email": "erika@example.org",
        "password": "sonnen-blume-7",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_enrol_page_shows_sessions_place_and_seats(client):
    run = CourseRunFactory(
        capacity=8, sessions=2, venue_name="Dorfgemeinschaftshaus", venue_address="Lindenweg 2"
    )
    response = client.get(_url(run))
    html = response.content.decode()
    assert response.status_code == 200
    assert run.course.title in html
    assert "Dorfgemeinschaftshaus, Lindenweg 2" in html
    assert "Noch 8 Plätze frei" in html
    assert html.count(" Uhr</li>") + html.count(" Uhr<br>") == 2
    assert "Ich habe schon ein Konto" in html


def test_enrol_page_for_unknown_run_is_404(client):
    assert client.get(reverse("courses:enrol", args=[999999])).status_code == 404


def test_logged_in_person_sees_one_button(client):
    run = CourseRunFactory()
    client.force_login(UserFactory())
    html = client.get(_url(run)).content.decode()
    assert "Verbindlich anmelden" in html
    assert 'name="password"' not in html


def test_signup_and_enrol_in_one_post(client, mailoutbox, django_capture_on_commit_callbacks):
    run = CourseRunFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(run), _signup())
    assert response.status_code == 302
    assert response["Location"] == _url(run)
    user = User.objects.get()
    assert user.full_name == "Erika Muster"
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.run, enrolment.status) == (user, run, Enrolment.Status.CONFIRMED)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert [m.to for m in mailoutbox] == [["erika@example.org"]]


def test_result_page_says_enrolled_with_calendar_and_my_courses(client):
    run = CourseRunFactory()
    client.post(_url(run), _signup())
    html = client.get(_url(run)).content.decode()
    assert "Sie sind angemeldet" in html
    assert reverse("calendar:run", args=[run.pk]) in html
    assert reverse("courses:my_courses") in html


def test_full_run_puts_person_on_waitlist_with_position(client):
    run = CourseRunFactory(capacity=1)
    EnrolmentFactory(run=run)
    EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, waitlisted_at=run.created_at)
    response = client.post(_url(run), _signup(), follow=True)
    assert Enrolment.objects.get(user__email="erika@example.org").status == Enrolment.Status.WAITLISTED
    assert "Sie stehen auf der Warteliste, Platz 2" in response.content.decode()


def test_enrolling_twice_shows_message_and_keeps_one_enrolment(client):
    run = CourseRunFactory()
    user = UserFactory()
    client.force_login(user)
    client.post(_url(run))
    response = client.post(_url(run), follow=True)
    assert Enrolment.objects.filter(user=user, run=run).count() == 1
    assert "bereits angemeldet" in response.content.decode()


def test_reloading_the_result_page_enrols_nobody_again(client):
    run = CourseRunFactory()
    client.force_login(UserFactory())
    client.post(_url(run))
    client.get(_url(run))
    client.get(_url(run))
    assert Enrolment.objects.count() == 1


def test_past_run_shows_reason_and_no_form(client):
    run = CourseRunFactory(starts_in=timedelta(days=-1))
    html = client.get(_url(run)).content.decode()
    assert "hat schon begonnen" in html
    assert 'name="password"' not in html


def test_post_to_closed_run_shows_reason_and_creates_nothing(client):
    run = CourseRunFactory()
    CourseRun.objects.filter(pk=run.pk).update(status=CourseRun.Status.CLOSED)
    response = client.post(_url(run), _signup(), follow=True)
    assert response.status_code == 200
    assert "bereits vorbei" in response.content.decode()
    assert not User.objects.exists()
    assert not Enrolment.objects.exists()


def test_logged_in_post_to_closed_run_shows_reason(client):
    run = CourseRunFactory(starts_in=timedelta(days=-1))
    client.force_login(UserFactory())
    response = client.post(_url(run), follow=True)
    assert "hat schon begonnen" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_existing_email_is_told_to_log_in_and_nothing_is_created(client):
    UserFactory(email="erika@example.org")
    run = CourseRunFactory()
    response = client.post(_url(run), _signup(email="ERIKA@example.org"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "schon ein Konto" in html
    assert f"{reverse('accounts:login')}?next=/termine/{run.pk}/anmelden/" in html
    assert User.objects.count() == 1
    assert not Enrolment.objects.exists()


def test_invalid_signup_data_changes_nothing(client):
    run = CourseRunFactory()
    data = _signup(password="123")
    del data["consent"]
    response = client.post(_url(run), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"password", "consent"}
    assert not User.objects.exists()


def test_enrolment_is_rate_limited_per_person(client, settings):
    settings.ENROL_RATE_LIMIT = 2
    user = UserFactory()
    client.force_login(user)
    runs = CourseRunFactory.create_batch(3)
    client.post(_url(runs[0]))
    client.post(_url(runs[1]))
    response = client.post(_url(runs[2]), follow=True)
    assert "Zu viele Anmeldungen" in response.content.decode()
    assert Enrolment.objects.filter(user=user).count() == 2


def test_enrol_page_query_count_does_not_grow_with_sessions(client, django_assert_num_queries):
    short, long = CourseRunFactory(sessions=1), CourseRunFactory(sessions=8)
    client.force_login(UserFactory())
    client.get(_url(short))  # fills per-process caches (site, settings)
    with CaptureQueriesContext(connection) as with_one:
        client.get(_url(short))
    with django_assert_num_queries(len(with_one)):
        client.get(_url(long))
