"""With the broker unreachable, enrolling still answers normally and the mail stays owed for the sweep."""

import pytest
from django.urls import reverse

from courses.models import Enrolment
from outbox.models import OutboxItem
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db


def _assert_enrolled_with_mail_owed(user, mailoutbox):
    enrolment = Enrolment.objects.get(user=user)
    item = OutboxItem.objects.get(object_id=enrolment.pk)
    assert item.delivered_at is None
    assert item.attempts == 0
    assert mailoutbox == []


def test_enrolling_on_the_site_redirects(broker_down, client, mailoutbox, django_capture_on_commit_callbacks):
    run = CourseRunFactory(capacity=5)
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("courses:enrol", args=[run.pk]))
    assert response.status_code == 302
    _assert_enrolled_with_mail_owed(user, mailoutbox)


def test_enrolling_through_the_api_answers_201(
    broker_down, client, mailoutbox, django_capture_on_commit_callbacks
):
    run = CourseRunFactory(capacity=5)
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/runs/{run.pk}/enrol/")
    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    _assert_enrolled_with_mail_owed(user, mailoutbox)


def test_a_failing_mail_inline_does_not_fail_the_enrolment(
    client, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server refused")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    run = CourseRunFactory(capacity=5)
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/runs/{run.pk}/enrol/")
    assert response.status_code == 201
    item = OutboxItem.objects.get()
    assert item.delivered_at is None
    assert "mail server refused" in item.last_error
