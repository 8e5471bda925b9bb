from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from courses.models import Enrolment
from courses.notifications import ENROLMENT_CONFIRMATION
from courses.services import enrolment_create
from outbox.models import OutboxItem
from outbox.services import Delivery, outbox_add, outbox_deliver
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment():
    return EnrolmentFactory(run=CourseRunFactory(capacity=5))


@pytest.fixture
def item(enrolment):
    with transaction.atomic():
        return outbox_add(kind=ENROLMENT_CONFIRMATION, object_id=enrolment.pk)


def test_enrolling_records_the_confirmation_in_the_outbox():
    enrolment = enrolment_create(run=CourseRunFactory(capacity=5), user=UserFactory())
    item = OutboxItem.objects.get()
    assert (item.kind, item.object_id, item.delivered_at) == (ENROLMENT_CONFIRMATION, enrolment.pk, None)


def test_a_rolled_back_enrolment_leaves_no_item():
    run = CourseRunFactory(capacity=5)
    with pytest.raises(RuntimeError), transaction.atomic():
        enrolment_create(run=run, user=UserFactory())
        raise RuntimeError("the request failed after enrolling")
    assert not Enrolment.objects.exists()
    assert not OutboxItem.objects.exists()


def test_recording_twice_gives_one_item(enrolment):
    with transaction.atomic():
        first = outbox_add(kind=ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
        second = outbox_add(kind=ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
    assert first.pk == second.pk
    assert OutboxItem.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recording_outside_a_transaction_is_refused():
    enrolment = EnrolmentFactory(run=CourseRunFactory(capacity=5))
    with pytest.raises(RuntimeError):
        outbox_add(kind=ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
    assert not OutboxItem.objects.exists()


def test_recording_an_unknown_kind_is_refused(enrolment):
    with pytest.raises(LookupError), transaction.atomic():
        outbox_add(kind="postcard", object_id=enrolment.pk)


def test_the_item_is_queued_after_the_commit(enrolment, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        outbox_add(kind=ENROLMENT_CONFIRMATION, object_id=enrolment.pk)
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [[enrolment.user.email]]


def test_delivering_twice_sends_once(item, mailoutbox):
    assert outbox_deliver(item_id=item.pk) is Delivery.DELIVERED
    assert outbox_deliver(item_id=item.pk) is Delivery.SKIPPED
    assert len(mailoutbox) == 1
    item.refresh_from_db()
    assert item.delivered_at is not None
    assert item.attempts == 1
    assert item.claimed_until is None


def test_an_item_claimed_by_another_worker_is_left_alone(item, mailoutbox):
    held = timezone.now() + timedelta(minutes=5)
    OutboxItem.objects.filter(pk=item.pk).update(claimed_until=held, attempts=1)
    assert outbox_deliver(item_id=item.pk) is Delivery.SKIPPED
    assert mailoutbox == []
    item.refresh_from_db()
    assert item.delivered_at is None
    assert item.attempts == 1


def test_an_expired_claim_is_taken_over(item, mailoutbox):
    expired = timezone.now() - timedelta(seconds=1)
    OutboxItem.objects.filter(pk=item.pk).update(claimed_until=expired, attempts=1)
    assert outbox_deliver(item_id=item.pk) is Delivery.DELIVERED
    assert len(mailoutbox) == 1
    item.refresh_from_db()
    assert item.attempts == 2


def test_a_failure_keeps_the_item_owed_with_the_error(item, mailoutbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server refused")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    assert outbox_deliver(item_id=item.pk) is Delivery.FAILED
    item.refresh_from_db()
    assert item.delivered_at is None
    assert item.claimed_until is None
    assert item.attempts == 1
    assert "mail server refused" in item.last_error


def test_a_later_attempt_delivers_and_clears_the_error(item, mailoutbox):
    OutboxItem.objects.filter(pk=item.pk).update(attempts=1, last_error="ConnectionRefusedError: refused")
    assert outbox_deliver(item_id=item.pk) is Delivery.DELIVERED
    item.refresh_from_db()
    assert (item.attempts, item.last_error) == (2, "")
    assert len(mailoutbox) == 1


def test_a_cancelled_enrolment_is_delivered_without_a_mail(item, enrolment, mailoutbox):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.CANCELLED)
    assert outbox_deliver(item_id=item.pk) is Delivery.DELIVERED
    assert mailoutbox == []
