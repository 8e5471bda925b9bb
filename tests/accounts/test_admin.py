import pytest
from django.urls import reverse

from accounts.models import Organisation, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_adds_person_by_email_without_username(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Neu@Example.org",
            "full_name": "Neue Person",
            "usable_password": "true",
            "password1": "sonnen-blume-7",
            "password2": "sonnen-blume-7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(full_name="Neue Person")
    assert user.email == "neu@example.org"
    assert user.check_password("sonnen-blume-7")


def test_admin_refuses_email_that_exists_in_other_case(admin_client):
    UserFactory(email="erika@example.org")
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "ERIKA@example.org", "full_name": "Doppelt", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="erika@example.org").count() == 1


def test_admin_lists_and_searches_people(admin_client):
    UserFactory(email="erika@example.org", full_name="Erika Muster")
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "erika"})
    assert response.status_code == 200
    assert "erika@example.org" in response.content.decode()


def test_admin_edits_person(admin_client):
    user = UserFactory()
    response = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200


def test_admin_shows_organisation_with_members(admin_client):
    organisation = Organisation.objects.create(name="Heimatverein", kind=Organisation.Kind.ASSOCIATION)
    response = admin_client.get(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    assert response.status_code == 200
