import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:signup")


def _data(**overrides):
    data = {
        "full_name": "Erika Muster",
        "email": "erika@example.org",
        "password": "sonnen-blume-7",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_signup_page_asks_four_things(client):
    response = client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["full_name", "email", "password", "consent"]
    assert "So steht es auf Ihrem Zertifikat" in response.content.decode()


def test_signup_creates_account_and_logs_in(client):
    response = client.post(URL, _data())
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "erika@example.org"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_follows_safe_next(client):
    response = client.post(URL, _data(next="/termine/1/anmelden/"))
    assert response["Location"] == "/termine/1/anmelden/"


def test_signup_ignores_next_to_other_site(client):
    response = client.post(URL, _data(next="https://example.com/"))
    assert response["Location"] == reverse("courses:landing")


def test_signup_without_consent_creates_nothing(client):
    data = _data()
    del data["consent"]
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_with_weak_password_creates_nothing(client):
    response = client.post(URL, _data(password="1234"))
    assert "password" in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_with_existing_email_links_to_login(client):
    UserFactory(email="erika@example.org")
    response = client.post(URL, _data(email="Erika@Example.org"))
    assert response.status_code == 200
    assert "schon ein Konto" in response.content.decode()
    assert reverse("accounts:login") in response.content.decode()
    assert User.objects.count() == 1


def test_signup_links_privacy_page_from_site_settings(client):
    from cms.models import SiteSettings, StandardPage
    from tests.factories import home_page

    home = home_page()
    privacy = home.add_child(instance=StandardPage(title="Datenschutz", slug="datenschutz"))
    site_settings = SiteSettings.for_site(home.get_site())
    site_settings.privacy_page = privacy
    site_settings.save()
    response = client.get(URL)
    assert 'href="/datenschutz/"' in response.content.decode()
