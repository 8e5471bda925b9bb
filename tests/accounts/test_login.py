import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")
PASSWORD = "geheim-1234"  # the factories' password


def test_login_with_email_in_any_case(client):
    user = UserFactory(email="erika@example.org")
    response = client.post(URL, {"email": "Erika@Example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:landing")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_wrong_password_says_so(client):
    UserFactory(email="erika@example.org")
    response = client.post(URL, {"email": "erika@example.org", "password": "falsch-falsch"})
    assert response.status_code == 200
    assert "stimmen nicht" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_follows_safe_next(client):
    UserFactory(email="erika@example.org")
    response = client.post(
        URL, {"email": "erika@example.org", "password": PASSWORD, "next": "/termine/4/anmelden/"}
    )
    assert response["Location"] == "/termine/4/anmelden/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_login_ignores_unsafe_next(client, next_url):
    UserFactory(email="erika@example.org")
    response = client.post(URL, {"email": "erika@example.org", "password": PASSWORD, "next": next_url})
    assert response["Location"] == reverse("courses:landing")


def test_login_page_keeps_next_in_form(client):
    response = client.get(URL, {"next": "/meine-kurse/"})
    assert 'name="next" value="/meine-kurse/"' in response.content.decode()


def test_logout_needs_post(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_trainer_lands_on_the_workspace_and_a_participant_on_my_courses(client):
    from tests.factories import CourseRunFactory

    trainer = UserFactory(email="trainerin@example.org")
    CourseRunFactory().trainers.add(trainer)
    client.post(URL, {"email": "trainerin@example.org", "password": PASSWORD})
    assert client.get(reverse("courses:landing"))["Location"] == reverse("trainer:dashboard")
    client.logout()
    UserFactory(email="erika@example.org")
    client.post(URL, {"email": "erika@example.org", "password": PASSWORD})
    assert client.get(reverse("courses:landing"))["Location"] == reverse("courses:my_courses")
