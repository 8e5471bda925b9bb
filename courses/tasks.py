"""Periodic work of the courses app (Celery beat). Each task calls one service and is safe to repeat."""

from celery import shared_task

from . import services
from .bookings import services as booking_services


@shared_task
def expire_offers() -> int:
    """Offers that ran out end; their seats pass on to the next people waiting."""
    return services.offers_expire()


@shared_task
def remind_sessions() -> int:
    """Reminders 24 hours before each session."""
    return services.session_reminders_record()


@shared_task
def remind_unnamed_seats() -> int:
    """Contacts are reminded of unnamed seats a week before the start."""
    return booking_services.bookings_remind_unnamed()


@shared_task
def release_unnamed_seats() -> int:
    """Unnamed seats go to the waiting list at the run's release time."""
    return booking_services.bookings_release_unnamed()
