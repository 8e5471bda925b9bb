import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and Wagtail's cached site paths live in the cache; no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def person():
    return UserFactory(full_name="Erika Muster")


@pytest.fixture
def person_api(api, person):
    api.force_authenticate(person)
    return api


def count_queries(client, url: str) -> int:
    """How many queries one GET of the URL takes (it must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def field_errors(response) -> dict[str | None, list[str]]:
    """An error answer's messages per field (`None`: the whole request); checks the one error shape."""
    body = response.json()
    assert set(body) == {"code", "detail", "errors"}, body
    errors: dict[str | None, list[str]] = {}
    for error in body["errors"]:
        assert set(error) == {"attr", "code", "detail"}, error
        errors.setdefault(error["attr"], []).append(error["detail"])
    return errors
