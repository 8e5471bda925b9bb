"""People who come to a session without enrolling: the trainer adds them on the attendance page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from certificates.models import Certificate
from courses.models import Attendance, BadgeAssertion, Enrolment
from courses.services import walk_in_add
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return UserFactory(full_name="Tina Trainerin")


@pytest.fixture
def run(clock, trainer):
    """Two weekly sessions, the first tonight at 18:00 (the clock stands at 10:00)."""
    return CourseRunFactory(trainers=[trainer], sessions=2, starts_in=timedelta(days=0), capacity=3)


@pytest.fixture
def session(run):
    return run.sessions.order_by("start").first()


def walk_in_url(session):
    return reverse("trainer:walk_in", args=[session.pk])


def attendance_url(session):
    return reverse("trainer:session_attendance", args=[session.pk])


def test_walk_in_without_email_is_on_the_sheet_marked_present(client, trainer, session):
    client.force_login(trainer)

    response = client.post(walk_in_url(session), {"name": "  Grete   Gast ", "email": ""}, follow=True)

    enrolment = Enrolment.objects.get(run=session.run, walk_in=True)
    assert (enrolment.user, enrolment.member_name, enrolment.status) == (None, "Grete Gast", "confirmed")
    assert Attendance.objects.get(session=session, enrolment=enrolment).status == "present"
    content = response.content.decode()
    assert "Grete Gast ist eingetragen und als anwesend markiert." in content
    assert f'name="status-{enrolment.pk}" value="present" id="id_status-{enrolment.pk}_0" checked' in content
    assert "ohne Anmeldung gekommen" in content


def test_walk_in_with_email_gets_an_account_and_the_confirmation(
    client, trainer, session, django_capture_on_commit_callbacks
):
    client.force_login(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(walk_in_url(session), {"name": "Grete Gast", "email": "Grete@Example.org"})

    person = User.objects.get(email="grete@example.org")
    assert person.full_name == "Grete Gast"
    assert not person.has_usable_password()
    enrolment = Enrolment.objects.get(run=session.run, user=person)
    assert enrolment.walk_in
    assert [message.to for message in mail.outbox] == [["grete@example.org"]]


def test_walk_ins_are_sorted_by_name_among_the_enrolled(client, trainer, session):
    EnrolmentFactory(run=session.run, user=UserFactory(full_name="Anna Alt"))
    EnrolmentFactory(run=session.run, user=UserFactory(full_name="Carl Clausen"))
    walk_in_add(session=session, by=trainer, name="bernd Berg")
    client.force_login(trainer)

    content = client.get(attendance_url(session)).content.decode()

    legends = [f"<legend>{name}</legend>" for name in ("Anna Alt", "bernd Berg", "Carl Clausen")]
    assert content.index(legends[0]) < content.index(legends[1]) < content.index(legends[2])


def test_attendance_page_shows_the_seats_left_and_the_walk_in_form(client, trainer, session):
    EnrolmentFactory(run=session.run)
    client.force_login(trainer)

    content = client.get(attendance_url(session)).content.decode()

    assert "Noch 2 Plätze frei." in content
    assert f'action="{walk_in_url(session)}"' in content
    assert 'name="email"' in content


def test_empty_name_is_shown_beside_the_field_and_nothing_is_created(client, trainer, session):
    client.force_login(trainer)

    response = client.post(walk_in_url(session), {"name": "   ", "email": ""})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_name_error"' in content
    assert "Bitte geben Sie den Namen an." in content
    assert not Enrolment.objects.exists()


def test_malformed_email_is_shown_beside_the_field_and_nothing_is_created(client, trainer, session):
    client.force_login(trainer)

    response = client.post(walk_in_url(session), {"name": "Grete Gast", "email": "grete@@example"})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_email_error"' in content
    assert "gültige E-Mail-Adresse" in content
    assert 'value="Grete Gast"' in content
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email__icontains="grete").exists()


def test_walk_in_when_full_says_so_and_creates_nothing(client, trainer, session):
    for _ in range(3):
        EnrolmentFactory(run=session.run)
    client.force_login(trainer)

    response = client.post(walk_in_url(session), {"name": "Grete Gast", "email": ""})

    assert response.status_code == 200
    assert "Es ist kein Platz mehr frei." in response.content.decode()
    assert Enrolment.objects.filter(run=session.run).count() == 3
    assert not Attendance.objects.exists()


def test_full_run_offers_no_walk_in_form(client, trainer, session):
    for _ in range(3):
        EnrolmentFactory(run=session.run)
    client.force_login(trainer)

    content = client.get(attendance_url(session)).content.decode()

    assert f'action="{walk_in_url(session)}"' not in content
    assert "Es ist kein Platz mehr frei." in content


def test_walk_in_to_another_trainers_session_is_not_found_and_creates_nothing(client, session):
    other_trainer = UserFactory()
    CourseRunFactory(trainers=[other_trainer])
    client.force_login(other_trainer)

    response = client.post(walk_in_url(session), {"name": "Grete Gast"})

    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_walk_in_to_a_session_more_than_a_day_ahead_is_refused(client, trainer, run):
    later = run.sessions.order_by("start").last()
    client.force_login(trainer)

    response = client.post(walk_in_url(later), {"name": "Grete Gast"})

    assert "noch nicht gewesen" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_walk_in_without_email_completes_and_the_trainer_prints_the_certificate(
    client, clock, trainer, run, django_capture_on_commit_callbacks
):
    first, second = run.sessions.order_by("start")
    grete = walk_in_add(session=first, by=trainer, name="Grete Gast")
    clock.shift(timedelta(days=7, hours=9))  # the second session has begun: the run may be closed
    client.force_login(trainer)
    client.post(attendance_url(second), {f"status-{grete.pk}": "present"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("trainer:run_close", args=[run.pk]))

    grete.refresh_from_db()
    assert grete.status == Enrolment.Status.COMPLETED
    assert not BadgeAssertion.objects.exists()  # no address a badge could be bound to
    certificate = Certificate.objects.get(enrolment=grete)
    assert certificate.participant_name == "Grete Gast"
    page = client.get(reverse("trainer:run_close", args=[run.pk])).content.decode()
    pdf_url = reverse("certificates:pdf", args=[certificate.code])
    assert pdf_url in page
    assert "Zertifikat drucken" in page
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
