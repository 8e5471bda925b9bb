"""New accounts confirm their email address with a signed link; until then "Mein Konto" says so and sends
the link again on request. Enrolling is never held up by it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.privacy.confirmation import email_confirm_token
from outbox.tasks import sweep
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Erika Muster",
    "email": "erika@example.org",
    "password": "sonnen-blume-7",
    "consent": "on",
}
LINK = re.compile(r"http[^\s\"<>]*/adresse-bestaetigen/[^\s\"<>/]+/")


def _sign_up(client, django_capture_on_commit_callbacks, clock, url=None):
    """Sign up, then let the outbox's sweep run (the address mail waits for it)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url or reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    clock.shift(timedelta(seconds=settings.OUTBOX_GRACE_SECONDS + 1))
    sweep.delay().get()
    return User.objects.get(email="erika@example.org")


def _link() -> str:
    (message,) = [m for m in mail.outbox if "bestätigen Sie Ihre E-Mail-Adresse" in m.subject]
    return LINK.search(message.body).group(0)


def test_a_new_account_starts_unconfirmed_and_gets_the_link(
    client, django_capture_on_commit_callbacks, clock
):
    user = _sign_up(client, django_capture_on_commit_callbacks, clock)
    assert user.email_confirmed_at is None
    assert mail.outbox[-1].to == ["erika@example.org"]
    assert _link()


def test_the_link_shows_a_button_and_the_button_confirms(client, django_capture_on_commit_callbacks, clock):
    user = _sign_up(client, django_capture_on_commit_callbacks, clock)
    path = _link().split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    response = client.post("/" + path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_the_link_works_without_logging_in(client):
    user = UserFactory()
    response = client.post(reverse("accounts:email_confirm", args=[email_confirm_token(user)]))
    assert response.status_code == 200
    assert "ist bestätigt" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_a_link_for_an_address_no_longer_held_does_not_confirm(client):
    user = UserFactory()
    token = email_confirm_token(user)
    user.email = "anders@example.org"
    user.save(update_fields=["email"])
    response = client.post(reverse("accounts:email_confirm", args=[token]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_an_expired_link_says_so(client, clock):
    user = UserFactory()
    token = email_confirm_token(user)
    clock.shift(timedelta(days=8))
    response = client.post(reverse("accounts:email_confirm", args=[token]))
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()


def test_a_forged_link_changes_nothing(client):
    response = client.post(reverse("accounts:email_confirm", args=["nicht-echt"]))
    assert response.status_code == 400


def test_the_account_page_shows_the_banner_until_confirmed(client):
    user = UserFactory()
    client.force_login(user)
    assert "Link noch einmal schicken" in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("accounts:email_confirm", args=[email_confirm_token(user)]))
    assert "Link noch einmal schicken" not in client.get(reverse("accounts:account")).content.decode()


def test_resend_sends_the_link_again(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:email_confirm_resend"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:email_confirm_resend"))
    assert [m.to for m in mail.outbox] == [[user.email], [user.email]]


def test_existing_accounts_are_not_asked_again(client):
    user = UserFactory(email_confirmed_at=UserFactory().date_joined)
    client.force_login(user)
    assert "Link noch einmal schicken" not in client.get(reverse("accounts:account")).content.decode()


def test_enrolling_with_a_new_account_enrols_at_once_and_sends_the_link_after_the_confirmation(
    clock, client, django_capture_on_commit_callbacks
):
    run = CourseRunFactory()
    user = _sign_up(
        client, django_capture_on_commit_callbacks, clock, url=reverse("courses:enrol", args=[run.pk])
    )
    assert run.enrolments.filter(user=user).exists()
    assert user.email_confirmed_at is None
    subjects = [m.subject for m in mail.outbox if m.to == ["erika@example.org"]]
    assert len(subjects) == 2 and "bestätigen Sie Ihre E-Mail-Adresse" in subjects[1]
    assert _link()


def test_the_migration_marks_accounts_that_existed_before_as_confirmed():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0007_user_email_confirmed_erased")
    before = UserFactory()
    migration.mark_existing_confirmed(apps, None)
    before.refresh_from_db()
    assert before.email_confirmed_at == before.date_joined
