"""Mein Konto: the person's own name, email address (confirmed from the new address) and password."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.exceptions import EmailChangeSuperseded, InvalidName
from accounts.models import ApiToken, EmailChange
from accounts.notifications import EMAIL_CHANGE_CONFIRM, EMAIL_CHANGE_REQUESTED
from accounts.services import api_token_create, user_name_change, user_password_change
from outbox.models import OutboxItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-1234"
ACCOUNT = "/konto/"
NAME = "/konto/name/"
EMAIL = "/konto/e-mail/"
PASSWORD_URL = "/konto/passwort/"
LINK = re.compile(r"https://kurse\.example\.org((?:/en)?/konto/e-mail/bestaetigen/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://kurse.example.org"


@pytest.fixture
def person():
    return UserFactory(email="erika@example.org", full_name="Erika Mustermann")


@pytest.fixture
def logged_in(client, person):
    client.force_login(person)
    return client


def _request_change(client, capture, new_email="neu@example.org", password=PASSWORD):
    with capture(execute=True):
        return client.post(EMAIL, {"new_email": new_email, "password": password})


def _link(mailoutbox, to="neu@example.org") -> str:
    (mail,) = [mail for mail in mailoutbox if mail.to == [to] and LINK.search(mail.body)]
    return LINK.search(mail.body).group(1)


def _can_log_in(email: str, password: str = PASSWORD) -> bool:
    return ModelBackend().authenticate(None, username=email, password=password) is not None


# The overview


def test_the_account_pages_have_their_addresses():
    assert [
        reverse(f"accounts:{name}")
        for name in ("account", "account_name", "account_email", "account_password")
    ] == [
        ACCOUNT,
        NAME,
        EMAIL,
        PASSWORD_URL,
    ]


def test_account_page_needs_login_and_comes_back_after_it(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={ACCOUNT}"


@pytest.mark.parametrize("url", [NAME, EMAIL, PASSWORD_URL])
def test_every_account_form_needs_login(client, url):
    response = client.post(url, {"full_name": "Jemand", "new_email": "x@example.org", "password": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_overview_shows_name_email_and_language(logged_in, person):
    person.language = "en"
    person.save()
    page = logged_in.get(ACCOUNT).content.decode()
    assert "Erika Mustermann" in page
    assert "So steht Ihr Name auf Ihren Zertifikaten." in page
    assert "erika@example.org" in page
    assert "English" in page


def test_overview_links_to_courses_badges_passport_calendar_and_logout(logged_in):
    page = logged_in.get(ACCOUNT).content.decode()
    my_courses = reverse("courses:my_courses")
    for href in (
        my_courses,
        f"{my_courses}#badges",
        f"{my_courses}#zertifikate",
        reverse("badges:index"),
        reverse("competences:passport"),
        reverse("accounts:account_name"),
        reverse("accounts:account_email"),
        reverse("accounts:account_password"),
    ):
        assert f'href="{href}"' in page
    assert f'action="{reverse("courses:calendar_feed")}"' in page
    assert f'action="{reverse("accounts:logout")}"' in page
    assert "Konto löschen" in page


def test_menu_leads_to_the_account_and_marks_it(logged_in):
    page = logged_in.get(ACCOUNT).content.decode()
    assert f'<a href="{ACCOUNT}" aria-current="page">Mein Konto</a>' in page
    page = logged_in.get(reverse("courses:my_courses")).content.decode()
    assert f'<a href="{ACCOUNT}">Mein Konto</a>' in page


def test_overview_runs_the_same_queries_however_much_the_person_did(client):
    quiet = UserFactory()
    busy = UserFactory()
    for number in range(30):
        EmailChange.objects.create(user=busy, old_email=busy.email, new_email=f"alt{number}@example.org")
    client.force_login(quiet)
    client.get(ACCOUNT)  # the site and its settings are looked up once per process
    counts = []
    for person in (quiet, busy):
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ACCOUNT).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 12


# The name


def test_name_change_trims_and_says_what_happens_to_certificates(logged_in, person):
    page = logged_in.get(NAME).content.decode()
    assert "behalten den Namen, mit dem sie ausgestellt wurden" in page
    assert "fragen Sie bitte das Labor" in page
    response = logged_in.post(NAME, {"full_name": "  Erika   Musterfrau \t"}, follow=True)
    assert response.redirect_chain[-1][0] == ACCOUNT
    person.refresh_from_db()
    assert person.full_name == "Erika Musterfrau"
    assert "Ihr Name ist geändert." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Bitte geben Sie Ihren Namen an."),
        ("    ", "Bitte geben Sie Ihren Namen an."),
        ("E", "mindestens 2 Zeichen"),
        ("Erika\x07Muster", "Zeichen, die wir nicht drucken können"),
        ("E" * 151, "151"),
    ],
)
def test_a_bad_name_is_refused_and_nothing_changes(logged_in, person, name, message):
    response = logged_in.post(NAME, {"full_name": name})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["full_name"])
    person.refresh_from_db()
    assert person.full_name == "Erika Mustermann"


def test_name_change_touches_only_the_logged_in_person(logged_in, person):
    other = UserFactory(full_name="Max Muster")
    logged_in.post(NAME, {"full_name": "Erika Neu", "user": other.pk, "id": other.pk})
    other.refresh_from_db()
    assert other.full_name == "Max Muster"


def test_name_service_refuses_an_empty_name(person):
    with pytest.raises(InvalidName):
        user_name_change(user=person, name=" \n ")
    assert user_name_change(user=person, name="Erika  M.").full_name == "Erika M."


# The email address: asking


def test_email_change_sends_link_to_new_and_notice_to_old_address(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    response = _request_change(logged_in, django_capture_on_commit_callbacks, new_email=" Neu@Example.org ")
    assert response["Location"] == ACCOUNT
    person.refresh_from_db()
    assert person.email == "erika@example.org"
    change = EmailChange.objects.get()
    assert (change.old_email, change.new_email, change.confirmed_at) == (
        "erika@example.org",
        "neu@example.org",
        None,
    )
    kinds = set(OutboxItem.objects.values_list("kind", flat=True))
    assert kinds == {EMAIL_CHANGE_CONFIRM, EMAIL_CHANGE_REQUESTED}
    assert OutboxItem.objects.filter(delivered_at__isnull=True).count() == 0
    to_new, to_old = sorted(mailoutbox, key=lambda mail: mail.to != ["neu@example.org"])
    assert to_new.to == ["neu@example.org"]
    assert to_new.subject == "Bitte bestätigen Sie Ihre neue E-Mail-Adresse"
    assert LINK.search(to_new.body)
    assert to_old.to == ["erika@example.org"]
    assert to_old.subject == "Ihre E-Mail-Adresse soll geändert werden"
    assert "neu@example.org" in to_old.body
    assert not LINK.search(to_old.body)
    assert "/konto/passwort-vergessen/" in to_old.body


def test_the_overview_says_a_change_is_waiting(logged_in, django_capture_on_commit_callbacks):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    page = logged_in.get(ACCOUNT).content.decode()
    assert "Sie möchten Ihre Adresse ändern in neu@example.org." in page


def test_until_confirmed_the_old_address_still_logs_in(logged_in, django_capture_on_commit_callbacks):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    assert _can_log_in("erika@example.org")
    assert not _can_log_in("neu@example.org")


def test_email_change_mails_are_in_the_persons_language(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks, clock
):
    person.language = "en"
    person.save()
    _request_change(logged_in, django_capture_on_commit_callbacks)
    subjects = {mail.to[0]: mail.subject for mail in mailoutbox}
    assert subjects == {
        "neu@example.org": "Please confirm your new email address",
        "erika@example.org": "Your email address is about to change",
    }
    to_new = next(mail for mail in mailoutbox if mail.to == ["neu@example.org"])
    # Three days after Tuesday, 1 December 2026, 10:00, written out in English.
    assert "Friday, 4 December 2026" in to_new.body
    # The links lead to the English pages.
    assert _link(mailoutbox).startswith("/en/konto/e-mail/bestaetigen/")
    to_old = next(mail for mail in mailoutbox if mail.to == ["erika@example.org"])
    assert "https://kurse.example.org/en/konto/passwort-vergessen/" in to_old.body
    assert "Confirm the new email address" in to_new.body


def test_a_german_person_reads_the_deadline_in_german(
    logged_in, mailoutbox, django_capture_on_commit_callbacks, clock
):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    to_new = next(mail for mail in mailoutbox if mail.to == ["neu@example.org"])
    assert "Der Link gilt bis Freitag, 4. Dezember 2026, 10:00 Uhr." in to_new.body


def test_wrong_password_changes_nothing(logged_in, mailoutbox, django_capture_on_commit_callbacks):
    response = _request_change(logged_in, django_capture_on_commit_callbacks, password="falsch-falsch")
    assert response.status_code == 200
    assert "Das Passwort stimmt nicht." in str(response.context["form"].errors["password"])
    assert not EmailChange.objects.exists()
    assert mailoutbox == []


def test_an_address_of_another_account_is_refused(logged_in, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="max@example.org")
    response = _request_change(logged_in, django_capture_on_commit_callbacks, new_email="MAX@example.org")
    assert response.status_code == 200
    assert "schon ein anderes Konto" in str(response.context["form"].errors["new_email"])
    assert not EmailChange.objects.exists()
    assert mailoutbox == []


def test_a_wrong_password_is_named_before_a_taken_address(logged_in, django_capture_on_commit_callbacks):
    UserFactory(email="max@example.org")
    response = _request_change(
        logged_in, django_capture_on_commit_callbacks, new_email="max@example.org", password="falsch"
    )
    errors = response.context["form"].errors
    assert "password" in errors and "new_email" not in errors


@pytest.mark.parametrize(
    ("new_email", "message"),
    [
        ("erika@example.org", "Das ist schon Ihre E-Mail-Adresse."),
        ("ERIKA@example.org", "Das ist schon Ihre E-Mail-Adresse."),
        ("keine-adresse", "gültige E-Mail-Adresse"),
        ("", "Bitte geben Sie die neue E-Mail-Adresse an."),
        ("a" * 250 + "@example.org", "höchstens"),
    ],
)
def test_an_unusable_new_address_is_refused(
    logged_in, mailoutbox, django_capture_on_commit_callbacks, new_email, message
):
    response = _request_change(logged_in, django_capture_on_commit_callbacks, new_email=new_email)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["new_email"])
    assert not EmailChange.objects.exists()
    assert mailoutbox == []


def test_asking_too_often_is_refused(logged_in, settings, django_capture_on_commit_callbacks):
    settings.ENROL_RATE_LIMIT = 2
    for _attempt in range(2):
        _request_change(logged_in, django_capture_on_commit_callbacks, password="falsch")
    response = _request_change(logged_in, django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Zu viele Versuche" in response.content.decode()
    assert not EmailChange.objects.exists()
    # The refused attempt does not tell whether the password was right.
    response = _request_change(logged_in, django_capture_on_commit_callbacks, password="falsch")
    assert not response.context["form"].errors


# The email address: the link


def test_opening_the_link_shows_a_button_and_changes_nothing(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(person)
    _request_change(client, django_capture_on_commit_callbacks)
    link = _link(mailoutbox)
    anonymous = Client()
    page = anonymous.get(link).content.decode()
    assert "Neue Adresse bestätigen" in page
    assert "neu@example.org" in page
    assert "erika@example.org" not in page
    person.refresh_from_db()
    assert person.email == "erika@example.org"


def test_confirming_changes_the_address_and_tells_the_old_one(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    link = _link(mailoutbox)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(link, follow=True)
    assert response.redirect_chain[-1][0] == ACCOUNT
    assert "Ab jetzt loggen Sie sich mit neu@example.org ein." in response.content.decode()
    person.refresh_from_db()
    assert person.email == "neu@example.org"
    assert EmailChange.objects.get().confirmed_at is not None
    (notice,) = mailoutbox
    assert notice.to == ["erika@example.org"]
    assert notice.subject == "Ihre E-Mail-Adresse ist geändert"
    assert "neu@example.org" in notice.body
    assert _can_log_in("neu@example.org")
    assert not _can_log_in("erika@example.org")
    # The session that confirmed stays logged in.
    assert logged_in.get(ACCOUNT).status_code == 200


def test_confirming_works_without_being_logged_in(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(person)
    _request_change(client, django_capture_on_commit_callbacks)
    response = Client().post(_link(mailoutbox))
    assert response.status_code == 200
    assert "Ihre neue E-Mail-Adresse gilt" in response.content.decode()
    person.refresh_from_db()
    assert person.email == "neu@example.org"


def test_a_link_used_twice_says_so_and_changes_nothing(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    link = _link(mailoutbox)
    logged_in.post(link)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(link)
    assert response.status_code == 409
    assert "Diese Änderung ist schon bestätigt." in response.content.decode()
    assert logged_in.get(link).status_code == 409
    person.refresh_from_db()
    assert person.email == "neu@example.org"
    assert mailoutbox == []


def test_an_expired_link_says_so_and_changes_nothing(
    clock, logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    link = _link(mailoutbox)
    clock.shift(timedelta(days=3, minutes=1))
    for response in (logged_in.get(link), logged_in.post(link)):
        assert response.status_code == 400
        assert "Dieser Link ist abgelaufen." in response.content.decode()
    person.refresh_from_db()
    assert person.email == "erika@example.org"


def test_a_link_just_within_three_days_works(
    clock, logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    clock.shift(timedelta(days=3) - timedelta(minutes=1))
    logged_in.post(_link(mailoutbox))
    person.refresh_from_db()
    assert person.email == "neu@example.org"


@pytest.mark.parametrize("tamper", ["swap_change", "cut", "garbage"])
def test_a_tampered_link_says_so_and_changes_nothing(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks, tamper
):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    link = _link(mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    if tamper == "swap_change":
        # A token naming another change, with the signature of the real one.
        import base64
        import json

        payload, rest = token.split(":", 1)
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        data["change"] += 1
        forged = (
            base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        )
        token = f"{forged}:{rest}"
    elif tamper == "cut":
        token = token[:-3]
    else:
        token = "abc:def:ghi"
    url = reverse("accounts:email_change_confirm", args=[token])
    response = logged_in.post(url)
    assert response.status_code == 400
    assert "Dieser Link ist nicht gültig." in response.content.decode()
    person.refresh_from_db()
    assert person.email == "erika@example.org"


def test_an_address_taken_in_the_meantime_is_refused(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    _request_change(logged_in, django_capture_on_commit_callbacks)
    UserFactory(email="Neu@example.org")
    response = logged_in.post(_link(mailoutbox))
    assert response.status_code == 409
    assert "gibt es inzwischen ein anderes Konto" in response.content.decode()
    person.refresh_from_db()
    assert person.email == "erika@example.org"
    assert EmailChange.objects.get().confirmed_at is None


def test_a_newer_request_makes_the_older_link_useless(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    _request_change(logged_in, django_capture_on_commit_callbacks, new_email="erste@example.org")
    first = _link(mailoutbox, to="erste@example.org")
    _request_change(logged_in, django_capture_on_commit_callbacks, new_email="zweite@example.org")
    response = logged_in.post(first)
    assert response.status_code == 400
    assert "Dieser Link gilt nicht mehr" in response.content.decode()
    logged_in.post(_link(mailoutbox, to="zweite@example.org"))
    person.refresh_from_db()
    assert person.email == "zweite@example.org"


def test_a_new_password_makes_the_link_useless(
    person, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(person)
    _request_change(client, django_capture_on_commit_callbacks)
    user_password_change(user=person, old_password=PASSWORD, new_password="ganz-neues-Wort-7")
    response = Client().post(_link(mailoutbox))
    assert response.status_code == 400
    assert "Dieser Link gilt nicht mehr" in response.content.decode()
    person.refresh_from_db()
    assert person.email == "erika@example.org"


def test_the_link_changes_nothing_while_another_person_is_logged_in(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(person)
    _request_change(client, django_capture_on_commit_callbacks)
    other = Client()
    other.force_login(UserFactory(email="max@example.org"))
    response = other.post(_link(mailoutbox))
    assert response.status_code == 403
    assert "gehört zu einem anderen Konto" in response.content.decode()
    person.refresh_from_db()
    assert person.email == "erika@example.org"


def test_no_link_is_sent_for_a_request_that_no_longer_counts(
    logged_in, person, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.notifications import send_email_change_confirm

    _request_change(logged_in, django_capture_on_commit_callbacks, new_email="erste@example.org")
    first = EmailChange.objects.get()
    _request_change(logged_in, django_capture_on_commit_callbacks, new_email="zweite@example.org")
    mailoutbox.clear()
    send_email_change_confirm(first.pk)
    assert mailoutbox == []
    with pytest.raises(EmailChangeSuperseded):
        from accounts.services import email_change_confirm
        from accounts.tokens import email_change_token

        email_change_confirm(token=email_change_token(first))


# The password


def _change_password(client, current=PASSWORD, new="Sonnen-Blume-77", again=None):
    return client.post(
        PASSWORD_URL,
        {"current_password": current, "new_password1": new, "new_password2": again or new},
    )


def test_password_change_keeps_this_session_and_ends_the_others(client, person):
    client.force_login(person)
    elsewhere = Client()
    elsewhere.force_login(person)
    response = _change_password(client)
    assert response["Location"] == ACCOUNT
    person.refresh_from_db()
    assert person.check_password("Sonnen-Blume-77")
    assert client.get(ACCOUNT).status_code == 200
    assert client.session[SESSION_KEY] == str(person.pk)
    assert elsewhere.get(ACCOUNT).status_code == 302


def test_password_change_revokes_api_tokens(logged_in, person):
    api_token_create(user=person, name="Website")
    api_token_create(user=person, name="Tabelle")
    other_token, _secret = api_token_create(user=UserFactory(), name="Website")
    _change_password(logged_in)
    assert list(ApiToken.objects.all()) == [other_token]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"current": "falsch-falsch"}, "current_password", "Das Passwort stimmt nicht."),
        ({"again": "Sonnen-Blume-78"}, "new_password2", "nicht gleich"),
        ({"new": "1234"}, "new_password1", ""),
        ({"new": "passwort"}, "new_password1", ""),
        ({"current": ""}, "current_password", "Bitte geben Sie Ihr jetziges Passwort ein."),
    ],
)
def test_a_refused_password_change_changes_nothing(logged_in, person, data, field, message):
    token, _secret = api_token_create(user=person, name="Website")
    response = _change_password(logged_in, **data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_changing_the_password_too_often_is_refused(logged_in, person, settings):
    settings.ENROL_RATE_LIMIT = 2
    for _attempt in range(2):
        _change_password(logged_in, current="falsch-falsch")
    response = _change_password(logged_in)
    assert response.status_code == 429
    assert not _change_password(logged_in, current="falsch-falsch").context["form"].errors
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_new_password_logs_in_and_the_old_does_not(logged_in):
    _change_password(logged_in)
    assert _can_log_in("erika@example.org", "Sonnen-Blume-77")
    assert not _can_log_in("erika@example.org", PASSWORD)


def test_every_account_page_renders_in_english(logged_in):
    for url in (ACCOUNT, NAME, EMAIL, PASSWORD_URL):
        response = logged_in.get(f"/en{url}")
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()


def test_a_wrong_current_password_is_named_with_the_other_mistakes(logged_in):
    response = _change_password(logged_in, current="falsch-falsch", again="Sonnen-Blume-78")
    errors = response.context["form"].errors
    assert "Das Passwort stimmt nicht." in str(errors["current_password"])
    assert "nicht gleich" in str(errors["new_password2"])
