from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation

from config.celery import app as celery_app
from tests.factories import BERLIN, make_lab, make_manager

# A Tuesday morning in winter: far from midnight and from a change of summer time.
CLOCK_START = datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    cache.clear()  # rate-limit counters start at none; axes keeps failed logins in rows, rolled back per test
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _celery_inline(request):
    """Tasks run inline unless a test talks to a real worker (marked `integration`)."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def clock():
    """Stops the clock at CLOCK_START for a test that needs to know "now".

    The test moves it on with `clock.shift(timedelta(...))` or `clock.move_to(datetime(...))`. Name it
    before fixtures that create runs or enrolments, so that their times count from the stopped clock.
    """
    with time_machine.travel(CLOCK_START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lab():
    return make_lab("Regionallabor Hameln")


@pytest.fixture
def other_lab():
    return make_lab("Regionallabor Bad Pyrmont", municipality="bad-pyrmont")


@pytest.fixture
def manager(lab):
    """A manager of `lab`."""
    return make_manager(lab)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request to an English page (/en/…) leaves English active in the thread; the next test starts in the
    default language again."""
    yield
    translation.deactivate()
