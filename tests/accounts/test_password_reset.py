import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_password_reset_sends_plain_german_mail_with_working_link(client, mailoutbox, settings):
    settings.SITE_URL = "https://kurse.example.org"
    user = UserFactory(email="erika@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "Erika@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["erika@example.org"]
    assert "Passwort" in mail.subject
    assert not mail.alternatives
    link = re.search(r"https://kurse\.example\.org(/konto/passwort-neu/\S+)", mail.body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "neues-passwort-9", "new_password2": "neues-passwort-9"}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("neues-passwort-9")


def test_password_reset_for_unknown_email_sends_nothing_and_tells_nothing(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_password_reset_with_broken_link_says_so(client):
    response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "falsch"]))
    assert response.status_code == 200
    assert "gilt nicht mehr" in response.content.decode()
