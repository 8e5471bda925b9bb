"""Erasing a person: every personal field gone, tokens and sessions ended, places freed to the waiting
list, counts for reports unchanged, certificates verifiable as issued to a deleted account (or revoked)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.audit import Action
from accounts.exceptions import NotAllowed, WrongPassword
from accounts.models import ApiToken, AuditEntry, EmailChange, OrganisationMembership, User
from accounts.privacy.services import person_erase, person_erase_own
from accounts.services import api_token_create
from certificates.models import Certificate
from courses.models import Attendance, CalendarFeed, Enrolment
from labs.models import WorkshopRequest
from tests.accounts.privacy_helpers import PASSWORD, rich_person
from tests.factories import EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return rich_person()


def _erase(person, **options):
    return person_erase(user=person["user"], by=person["user"], **options)


def test_every_personal_field_of_the_account_is_gone(person):
    _erase(person)
    user = User.objects.get(pk=person["user"].pk)
    assert user.full_name == ""
    assert user.email.endswith("@erased.invalid") and "hannelore" not in user.email
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.erased_at is not None
    assert not EmailChange.objects.filter(user=user).exists()
    assert not OrganisationMembership.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(user=user).exists()
    request = WorkshopRequest.objects.get()
    assert (request.contact_name, request.email, request.phone) == ("", "", "")


def test_erased_addresses_stay_unique(person):
    other = rich_person(name="Zweite Person", email="zweite@example.org")
    _erase(person)
    _erase(other)
    emails = set(User.objects.filter(erased_at__isnull=False).values_list("email", flat=True))
    assert len(emails) == 2


def test_the_second_factor_is_removed(person):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=person["user"], name="Telefon", confirmed=True)
    StaticDevice.objects.create(user=person["user"], name="recovery", confirmed=True)

    _erase(person)

    assert not TOTPDevice.objects.filter(user=person["user"]).exists()
    assert not StaticDevice.objects.filter(user=person["user"]).exists()


def test_all_api_tokens_are_revoked(person):
    _token, secret = api_token_create(user=person["user"], name="Zweiter")
    _erase(person)
    assert not ApiToken.objects.filter(user=person["user"]).exists()
    response = APIClient().get("/api/v1/me/enrolments/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 401


def test_the_persons_sessions_end_and_others_stay(person):
    mine, theirs = Client(), Client()
    mine.force_login(person["user"])
    theirs.force_login(UserFactory())
    _erase(person)
    assert Session.objects.count() == 1
    assert mine.get(reverse("accounts:account")).status_code == 302
    assert theirs.get(reverse("accounts:account")).status_code == 200


def test_a_freed_seat_goes_to_the_next_person_waiting(person):
    run = person["upcoming"].run
    run.capacity = 1
    run.save(update_fields=["capacity"])
    waiting = EnrolmentFactory(run=run, status=Enrolment.Status.WAITLISTED, confirmed_at=None)
    _erase(person)
    person["upcoming"].refresh_from_db()
    waiting.refresh_from_db()
    assert person["upcoming"].status == Enrolment.Status.CANCELLED
    assert waiting.status == Enrolment.Status.CONFIRMED


def test_counts_for_reports_do_not_change(person):
    completed = person["completed"]
    before = (
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).count(),
        Attendance.objects.filter(status=Attendance.Status.PRESENT).count(),
    )
    _erase(person)
    after = (
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).count(),
        Attendance.objects.filter(status=Attendance.Status.PRESENT).count(),
    )
    assert after == before
    completed.refresh_from_db()
    assert (completed.age_band, completed.status) == ("65-74", Enrolment.Status.COMPLETED)


def test_the_certificate_stays_valid_for_a_deleted_account(client, person):
    _erase(person)
    certificate = Certificate.objects.get(pk=person["certificate"].pk)
    assert certificate.is_valid
    assert "Hannelore" not in certificate.participant_name
    html = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "Hannelore" not in html
    assert "gelöschtes Konto" in html
    api = APIClient().get(f"/api/v1/certificates/verify/{certificate.code}/").json()
    assert api["valid"] is True
    assert api["participant_name"] == "Gelöschtes Konto"


def test_the_person_may_have_their_certificates_revoked(person):
    _erase(person, revoke_certificates=True)
    certificate = Certificate.objects.get(pk=person["certificate"].pk)
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revocation_reason


def test_erasing_again_changes_nothing_and_says_so(person):
    _erase(person)
    before = User.objects.filter(pk=person["user"].pk).values().get()
    entries = AuditEntry.objects.count()
    result = person_erase(user=person["user"], by=UserFactory(is_superuser=True, is_staff=True))
    assert result.already_erased
    assert User.objects.filter(pk=person["user"].pk).values().get() == before
    assert AuditEntry.objects.count() == entries


def test_the_audit_entry_names_the_actor_and_no_name(person):
    admin = UserFactory(is_superuser=True, is_staff=True)
    person_erase(user=person["user"], by=admin)
    entry = AuditEntry.objects.get(action=Action.DATA_ERASED)
    assert entry.actor == admin
    assert "Hannelore" not in entry.summary and "@" not in entry.summary


def test_a_stranger_may_not_erase_someone(person):
    with pytest.raises(NotAllowed):
        person_erase(user=person["user"], by=UserFactory())
    assert User.objects.get(pk=person["user"].pk).erased_at is None


def test_a_wrong_password_changes_nothing(person):
    with pytest.raises(WrongPassword):
        person_erase_own(user=person["user"], password="falsch-falsch")
    assert User.objects.get(pk=person["user"].pk).erased_at is None


def test_the_page_erases_after_the_confirmation_step(client, person):
    client.force_login(person["user"])
    assert client.get(reverse("accounts:erase")).status_code == 200
    step = client.get(reverse("accounts:erase_confirm"), {"revoke_certificates": "on"})
    assert "Ihre Zertifikate werden widerrufen." in step.content.decode()
    response = client.post(
        reverse("accounts:erase_confirm"), {"password": PASSWORD, "revoke_certificates": "on"}
    )
    assert response.status_code == 200
    assert "Ihr Konto ist gelöscht" in response.content.decode()
    assert User.objects.get(pk=person["user"].pk).erased_at is not None
    assert Certificate.objects.get(pk=person["certificate"].pk).status == Certificate.Status.REVOKED


def test_the_page_names_a_wrong_password(client, person):
    client.force_login(person["user"])
    response = client.post(reverse("accounts:erase_confirm"), {"password": "falsch-falsch"})
    assert response.status_code == 200
    assert "Das Passwort stimmt nicht" in response.content.decode()
    assert User.objects.get(pk=person["user"].pk).erased_at is None


def test_the_api_erases_with_the_password(person):
    client = APIClient()
    client.force_authenticate(person["user"])
    response = client.post("/api/v1/me/erase/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert User.objects.get(pk=person["user"].pk).erased_at is not None


def test_the_api_refuses_a_wrong_password_naming_the_field(person):
    client = APIClient()
    client.force_authenticate(person["user"])
    response = client.post("/api/v1/me/erase/", {"password": "falsch-falsch"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "password"
    assert User.objects.get(pk=person["user"].pk).erased_at is None


def test_the_api_answers_401_to_anonymous_requests():
    response = APIClient().post("/api/v1/me/erase/", {"password": PASSWORD}, format="json")
    assert response.status_code == 401


def test_superusers_erase_through_the_admin_action(client, person):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:accounts_user_changelist")
    ask = client.post(url, {"action": "erase_accounts", "_selected_action": [person["user"].pk]})
    assert ask.status_code == 200
    assert "Ja, endgültig löschen" in ask.content.decode()
    assert User.objects.get(pk=person["user"].pk).erased_at is None
    client.post(
        url, {"action": "erase_accounts", "_selected_action": [person["user"].pk], "confirmed": "yes"}
    )
    assert User.objects.get(pk=person["user"].pk).erased_at is not None
    assert AuditEntry.objects.get(action=Action.DATA_ERASED).actor == admin


def test_staff_without_superuser_rights_do_not_get_the_admin_action(client, person):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(staff)
    url = reverse("admin:accounts_user_changelist")
    client.post(
        url, {"action": "erase_accounts", "_selected_action": [person["user"].pk], "confirmed": "yes"}
    )
    assert User.objects.get(pk=person["user"].pk).erased_at is None
