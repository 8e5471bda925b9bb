"""Retention rules of the accounts app and of the outbox below it, and applying any registered rule.

- Accounts whose address nobody confirmed are removed a week after sign-up (`CONFIRM_WITHIN`). An account
  that holds nothing yet is deleted; one that already holds something others rely on (places in courses,
  bookings, certificates, audit entries) is erased with `person_erase` instead: its row stays anonymous, so
  that counts, the audit log and the waiting lists stay right, and its places go to the people waiting.
  Accounts the labs made for people (by phone, or for walk-ins) have no password and are not meant to be
  confirmed: the rule leaves them alone.
- The log of delivered mails (the outbox's delivered items) is deleted after 90 days.
"""

from datetime import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.privacy import outbox_delivered_delete

from ..models import AuditEntry, User
from .confirmation import CONFIRM_WITHIN
from .registry import register_retention_rule, retention_rule


def unconfirmed_accounts_due(*, now: datetime):
    """Accounts people made themselves, never confirmed, older than CONFIRM_WITHIN, not erased yet."""
    return (
        User.objects.filter(
            email_confirmed_at__isnull=True,
            erased_at__isnull=True,
            date_joined__lte=now - CONFIRM_WITHIN,
            is_staff=False,
            is_superuser=False,
        )
        .exclude(password__startswith="!")
        .exclude(password="")
    )


def _holds_records(user: User) -> bool:
    """Whether deleting the row would take others' records with it or is refused (PROTECT)."""
    if AuditEntry.objects.filter(actor=user).exists():
        return True
    if AuditEntry.objects.filter(target_type=User._meta.label_lower, target_id=str(user.pk)).exists():
        return True
    related = [
        rel
        for rel in User._meta.related_objects
        if rel.on_delete is models.PROTECT and rel.related_model is not AuditEntry
    ]
    for rel in related:
        manager = rel.related_model._base_manager
        if manager.filter(**{rel.field.name: user}).exists():
            return True
    return False


def unconfirmed_accounts_remove(*, now: datetime) -> int:
    """Apply the rule: delete or erase (see the module); idempotent; returns how many accounts."""
    from .services import person_erase_unchecked

    count = 0
    for user in unconfirmed_accounts_due(now=now).order_by("pk"):
        with transaction.atomic():
            if _holds_records(user):
                person_erase_unchecked(user=user, by=None)
            else:
                user.delete()
        count += 1
    return count


def mail_log_delete(*, now: datetime) -> int:
    return outbox_delivered_delete(now=now)


def retention_apply(*, key: str, now: datetime | None = None) -> int:
    """Apply one registered rule now (a daily task per rule, CELERY_BEAT_SCHEDULE)."""
    return retention_rule(key).apply(now or timezone.now())


def _unconfirmed_rule(now: datetime) -> int:
    return unconfirmed_accounts_remove(now=now)


def _mail_log_rule(now: datetime) -> int:
    return mail_log_delete(now=now)


register_retention_rule(
    "unconfirmed_accounts",
    _("Konten, deren E-Mail-Adresse nie bestätigt wurde"),
    period=_("7 Tage nach der Registrierung"),
    apply=_unconfirmed_rule,
    order=10,
)
register_retention_rule(
    "mail_log",
    _("Protokoll der verschickten E-Mails"),
    period=_("90 Tage nach dem Versand"),
    apply=_mail_log_rule,
    order=40,
)
