"""Reactions to course events: a completed enrolment gets its certificate, made by the worker."""

from django.db import transaction
from django.dispatch import receiver

from courses.signals import enrolment_completed
from outbox.queue import enqueue

from . import tasks


@receiver(enrolment_completed, dispatch_uid="certificates.queue_certificate")
def queue_certificate(sender, enrolment, **kwargs):
    # The completed enrolment is what is owed: if queueing fails (broker down), the sweep queues it later.
    # on_commit runs at once outside a transaction and after the commit inside one.
    transaction.on_commit(lambda: enqueue(tasks.issue_certificate, enrolment.pk))
