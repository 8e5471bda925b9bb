from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from certificates.wagtail_hooks import owed_summary
from courses.models import Enrolment
from courses.notifications import ENROLMENT_CONFIRMATION
from outbox.models import OutboxItem
from outbox.services import outbox_add
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _owed_mail() -> OutboxItem:
    enrolment = EnrolmentFactory(run=CourseRunFactory(capacity=5))
    with transaction.atomic():
        return outbox_add(kind=ENROLMENT_CONFIRMATION, object_id=enrolment.pk)


@pytest.mark.parametrize(
    ("mails", "certificates", "text"),
    [
        (3, 1, "3 E-Mails und 1 Zertifikat stehen noch aus."),
        (1, 2, "1 E-Mail und 2 Zertifikate stehen noch aus."),
        (1, 0, "1 E-Mail steht noch aus."),
        (0, 2, "2 Zertifikate stehen noch aus."),
        (0, 0, "Alle E-Mails und Zertifikate sind verschickt."),
    ],
)
def test_owed_summary_in_plain_german(mails, certificates, text):
    assert owed_summary(mails=mails, certificates=certificates) == text


def test_dashboard_shows_owed_mails_and_certificates_to_superusers(client):
    _owed_mail()
    _owed_mail()
    delivered = _owed_mail()
    OutboxItem.objects.filter(pk=delivered.pk).update(delivered_at=timezone.now())
    EnrolmentFactory(
        run=CourseRunFactory(sessions=1, starts_in=-timedelta(days=7)),
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    client.force_login(UserFactory(is_superuser=True))
    html = client.get("/cms/").content.decode()
    assert "2 E-Mails und 1 Zertifikat stehen noch aus." in html
    assert "?stand=owed" in html


def test_dashboard_shows_the_count_to_lab_managers(client, manager):
    _owed_mail()
    client.force_login(manager)
    html = client.get("/cms/").content.decode()
    assert "1 E-Mail steht noch aus." in html
    assert "?stand=owed" not in html


def test_django_admin_lists_owed_items_only_when_filtered(client):
    owed = _owed_mail()
    delivered = _owed_mail()
    OutboxItem.objects.filter(pk=delivered.pk).update(delivered_at=timezone.now())
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/django-admin/outbox/outboxitem/?stand=owed")
    assert response.status_code == 200
    assert [item.pk for item in response.context["cl"].result_list] == [owed.pk]
