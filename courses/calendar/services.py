"""A person's private calendar address: made on first use, renewed when it got into the wrong hands."""

from django.db import transaction

from accounts.models import User
from courses.exceptions import NotAllowed
from courses.models import CalendarFeed


def _new_token() -> str:
    return CalendarFeed._meta.get_field("token").get_default()


def _require_active(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise NotAllowed()


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    """The person's feed; the first call makes it. Two first calls at once end with one feed."""
    _require_active(user)
    with transaction.atomic(durable=True):
        feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """Give the feed a new secret address; the old one answers 404 from now on."""
    _require_active(user)
    with transaction.atomic(durable=True):
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = _new_token()
            feed.save(update_fields=["token", "created_at"])
    return feed
