from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from courses.notifications import ENROLMENT_CONFIRMATION
from outbox import tasks
from outbox.models import OutboxItem
from outbox.selectors import outbox_owed_count
from outbox.services import outbox_add
from outbox.tasks import DeliveryFailed, deliver, sweep
from tests.factories import CourseRunFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _item(*, age: timedelta, **fields) -> OutboxItem:
    enrolment = EnrolmentFactory(run=CourseRunFactory(capacity=5))
    with transaction.atomic():
        item = outbox_add(kind=ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
    OutboxItem.objects.filter(pk=item.pk).update(created_at=timezone.now() - age, **fields)
    return item


@pytest.fixture
def queued(monkeypatch):
    """The ids the sweep queued, instead of delivering them."""
    ids = []
    monkeypatch.setattr(
        tasks, "enqueue", lambda task, *args, **options: ids.append((task.name, *args)) or True
    )
    return ids


def test_sweep_queues_only_owed_items_that_nobody_holds(queued, settings):
    settings.OUTBOX_GRACE_SECONDS = 60
    now = timezone.now()
    owed = _item(age=timedelta(minutes=5))
    expired_claim = _item(age=timedelta(minutes=5), claimed_until=now - timedelta(seconds=1), attempts=1)
    _item(age=timedelta(minutes=5), delivered_at=now)
    _item(age=timedelta(minutes=5), claimed_until=now + timedelta(minutes=5), attempts=1)
    _item(age=timedelta(seconds=5))  # still with the delivery queued along with it

    assert sweep() == 2
    assert queued == [("outbox.tasks.deliver", owed.pk), ("outbox.tasks.deliver", expired_claim.pk)]


def test_sweep_leaves_an_item_that_failed_too_often_for_a_person(queued, settings):
    settings.OUTBOX_GRACE_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 3
    _item(age=timedelta(minutes=5), attempts=3)
    retried = _item(age=timedelta(minutes=5), attempts=2)

    assert sweep() == 1
    assert queued == [("outbox.tasks.deliver", retried.pk)]
    assert outbox_owed_count() == 2


def test_sweep_delivers_what_the_broker_lost(mailoutbox, settings):
    settings.OUTBOX_GRACE_SECONDS = 60
    item = _item(age=timedelta(minutes=5))
    sweep()
    item.refresh_from_db()
    assert item.delivered_at is not None
    assert len(mailoutbox) == 1


def test_deliver_task_twice_sends_once(mailoutbox):
    item = _item(age=timedelta(0))
    assert deliver.apply(args=[item.pk]).get() == "delivered"
    assert deliver.apply(args=[item.pk]).get() == "skipped"
    assert len(mailoutbox) == 1


def test_a_failing_delivery_is_retried_by_the_worker(monkeypatch):
    item = _item(age=timedelta(0))
    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", _refuse)
    # As in the worker, with the retries used up: the failure is raised for Celery to record.
    with pytest.raises(DeliveryFailed):
        _run_as_worker(item.pk)
    item.refresh_from_db()
    assert item.delivered_at is None
    assert "refused" in item.last_error


def test_a_failing_delivery_inline_keeps_the_item_owed(monkeypatch):
    item = _item(age=timedelta(0))
    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", _refuse)
    assert deliver.apply(args=[item.pk]).get() == "failed"
    item.refresh_from_db()
    assert item.delivered_at is None
    assert item.attempts == 1


def _refuse(*args, **kwargs):
    raise ConnectionRefusedError("mail server refused")


def _run_as_worker(item_id: int):
    deliver.push_request(is_eager=False, retries=deliver.max_retries)
    try:
        return deliver.run(item_id)
    finally:
        deliver.pop_request()
