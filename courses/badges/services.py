"""Badges awarded when a run closes (both steps run inside `run_close`'s transaction, under the run's lock),
revoked with their certificate, and the holder's choice whether the badge's public page names them."""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from courses.badges.selectors import badge_held_by
from courses.exceptions import NotAllowed
from courses.models import BadgeAssertion, BadgeClass, CoursePage, Enrolment


def badge_class_for_course(*, course: CoursePage) -> BadgeClass:
    """The course's badge class, made on first use. Its texts are stored in the site's language, whoever
    closes the run first and in whatever language their request came."""
    with translation.override(settings.LANGUAGE_CODE):
        criteria = _("Teilnahme an mindestens %(percent)s %% der Termine des Kurses „%(title)s“.") % {
            "percent": course.attendance_rule_percent,
            "title": course.title,
        }
    badge_class, _created = BadgeClass.objects.get_or_create(
        course=course,
        defaults={
            "name": course.title,
            "description": course.summary or course.title,
            "criteria": criteria,
        },
    )
    return badge_class


def badge_award(*, enrolment: Enrolment, badge_class: BadgeClass) -> BadgeAssertion:
    """Award the badge for a completed enrolment; awarding twice returns the first assertion."""
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((enrolment.user.email.lower() + salt).encode()).hexdigest()
    assertion, _created = BadgeAssertion.objects.get_or_create(
        enrolment=enrolment,
        defaults={
            "badge_class": badge_class,
            "recipient_hash": f"sha256${digest}",
            "salt": salt,
            "issued_on": enrolment.completed_at or timezone.now(),
        },
    )
    return assertion


def badge_revoke(*, enrolment_id: int, reason: str) -> int:
    """Revoke the badge awarded for an enrolment (its hosted assertion then answers 410 with the reason);
    returns how many were revoked (0 when there is none or it is revoked already)."""
    return BadgeAssertion.objects.filter(enrolment_id=enrolment_id, revoked=False).update(
        revoked=True, revocation_reason=reason[:200]
    )


def badge_name_visibility_set(*, assertion: BadgeAssertion, by: User, show: bool) -> BadgeAssertion:
    """Whether the badge's public page shows the holder's name; only the holder decides."""
    if not badge_held_by(assertion=assertion, user=by):
        raise NotAllowed()
    with transaction.atomic():
        BadgeAssertion.objects.filter(pk=assertion.pk).update(show_name=show)
    assertion.show_name = show
    return assertion
