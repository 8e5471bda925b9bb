"""A person's export: every section, nothing secret, nobody else's data; as JSON, PDF and through the API."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.audit import Action
from accounts.exceptions import NotAllowed
from accounts.models import ApiToken, AuditEntry
from accounts.privacy.services import person_data_export
from accounts.services import api_token_create
from courses.models import CalendarFeed
from tests.accounts.privacy_helpers import rich_person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECTIONS = {
    "account",
    "organisations",
    "email_changes",
    "api_tokens",
    "enrolments",
    "bookings",
    "certificates",
    "badges",
    "calendar_feed",
    "teaching",
    "workshop_requests",
    "lab_roles",
    "mails",
}


@pytest.fixture
def person():
    return rich_person()


def test_the_export_has_every_section(person):
    data = person_data_export(user=person["user"], by=person["user"])
    assert set(data) >= SECTIONS
    assert set(data["sections"]) == SECTIONS
    assert data["account"]["email"] == "hannelore@example.org"
    assert data["organisations"][0]["role"]
    assert data["email_changes"][0]["new_email"] == "neu.hannelore@example.org"
    assert data["api_tokens"][0]["name"] == "Website der Gemeinde"
    assert data["calendar_feed"]["exists"] is True
    assert data["workshop_requests"][0]["company"] == "Bäckerei Schmidt"
    assert data["certificates"][0]["code"] == person["certificate"].display_code


def test_the_export_lists_enrolments_with_attendance_and_statistics_answers(person):
    enrolments = person_data_export(user=person["user"], by=person["user"])["enrolments"]
    assert len(enrolments) == 2
    completed = next(row for row in enrolments if row["id"] == person["completed"].pk)
    assert len(completed["attendance"]) == 2
    assert completed["age_band"] == "65 bis 74 Jahre"
    assert (
        completed["sessions"][0]["start"].endswith("+01:00") or completed["sessions"][0]["start"][10] == "T"
    )


def test_the_export_is_json_with_iso_dates(person):
    data = person_data_export(user=person["user"], by=person["user"])
    text = json.dumps(data)
    assert data["account"]["date_joined"][10] == "T"
    assert json.loads(text) == data


def test_the_export_holds_no_secrets(person):
    user = person["user"]
    text = json.dumps(person_data_export(user=user, by=user))
    assert user.password not in text
    assert "pbkdf2" not in text and "argon2" not in text
    for digest in ApiToken.objects.filter(user=user).values_list("digest", flat=True):
        assert digest not in text
    assert CalendarFeed.objects.get(user=user).token not in text


def test_the_export_holds_nobody_elses_data(person):
    rich_person(name="Fremde Person", email="fremd@example.org")
    text = json.dumps(person_data_export(user=person["user"], by=person["user"]))
    assert "fremd@example.org" not in text
    assert "Fremde Person" not in text


def test_another_person_may_not_export(person):
    with pytest.raises(NotAllowed):
        person_data_export(user=person["user"], by=UserFactory())


def test_an_export_is_in_the_audit_log_without_a_name(person):
    person_data_export(user=person["user"], by=person["user"])
    entry = AuditEntry.objects.get(action=Action.DATA_EXPORTED)
    assert entry.actor == person["user"]
    assert "Hannelore" not in entry.summary and "@" not in entry.summary


def test_the_page_explains_and_offers_both_downloads(client, person):
    client.force_login(person["user"])
    response = client.get(reverse("accounts:my_data"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("accounts:my_data_json") in html
    assert reverse("accounts:my_data_pdf") in html
    assert "90 Tage nach dem Versand" in html


def test_the_json_download_is_an_attachment(client, person):
    client.force_login(person["user"])
    response = client.get(reverse("accounts:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["full_name"] == "Hannelore Schmidt"


def test_the_pdf_download_is_a_pdf_in_the_persons_language(client, person):
    user = person["user"]
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(reverse("accounts:my_data_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_downloads_accept_an_api_token(client, person):
    _token, secret = api_token_create(user=person["user"], name="Skript")
    response = client.get(reverse("accounts:my_data_json"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200
    assert json.loads(response.content)["account"]["id"] == person["user"].pk


def test_the_downloads_send_strangers_to_the_login(client):
    response = client.get(reverse("accounts:my_data_json"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_api_exports_the_callers_data(person):
    client = APIClient()
    client.force_authenticate(person["user"])
    response = client.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response.json()["account"]["email"] == "hannelore@example.org"


def test_the_api_answers_401_to_anonymous_requests():
    response = APIClient().get("/api/v1/me/export/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "errors"}
