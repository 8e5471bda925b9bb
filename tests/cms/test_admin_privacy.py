"""The CMS makes editors' browsers ask no outside host for anything."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_does_not_check_for_wagtail_upgrades(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get("/cms/")

    assert response.status_code == 200
    assert b'data-controller="w-upgrade' not in response.content
    assert b"gravatar.com" not in response.content
