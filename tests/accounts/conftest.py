import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _plain_http_and_empty_cache(settings):
    """The test client speaks plain HTTP; rate-limit counters live in the cache and start at none."""
    settings.SECURE_SSL_REDIRECT = False
    cache.clear()
    yield
    cache.clear()
