"""A person's data: everything held about them as one export, and its erasure.

The apps contribute their parts through `registry` (see there); this module puts them together, checks
who may ask, and writes the audit entry. Erasure keeps the person's row, anonymous (`erased_at` set):
enrolments, attendance and audit entries keep pointing to it, so reports and the log stay as they were,
while nothing in it names or reaches the person any more.
"""

import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.privacy import outbox_items_export, outbox_owed_discard
from outbox.services import outbox_add

from ..audit import Action, audit_record
from ..exceptions import NotAllowed, WrongPassword
from ..mfa.services import second_factor_remove
from ..models import User
from ..notifications import EMAIL_CONFIRM
from .confirmation import email_confirm_token_read
from .exceptions import EmailAlreadyConfirmed, EmailConfirmLinkExpired, EmailConfirmLinkInvalid
from .registry import EraseOptions, sections
from .serialise import iso

# What an erased account's address becomes: unique, and never delivered (.invalid, RFC 2606).
ERASED_EMAIL_DOMAIN = "erased.invalid"
EXPORT_FORMAT = 1


def _may_act_for(*, user: User, by) -> bool:
    return bool(getattr(by, "is_authenticated", False)) and (by.pk == user.pk or by.is_superuser)


def person_mail_objects(*, user: User) -> dict[str, list[int]]:
    """The outbox items about the person's objects, as {kind: [object ids]}, from every app."""
    objects: dict[str, list[int]] = {EMAIL_CONFIRM: [user.pk]}
    for section in sections():
        if section.mails is not None:
            for kind, ids in section.mails(user).items():
                objects.setdefault(kind, []).extend(ids)
    return objects


def person_data_export(*, user: User, by) -> dict:
    """Everything held about the person, as JSON-serialisable data: one entry per section, each app's own.

    The person themself and superusers may ask; the audit log notes it (without names)."""
    if not _may_act_for(user=user, by=by):
        raise NotAllowed()
    with transaction.atomic():
        data = {
            "format": EXPORT_FORMAT,
            "exported_at": iso(timezone.now()),
            "sections": {section.key: str(section.title) for section in sections()} | {"mails": str(_MAILS)},
        }
        for section in sections():
            data[section.key] = section.export(user)
        data["mails"] = outbox_items_export(objects=person_mail_objects(user=user))
        audit_record(
            actor=by,
            action=Action.DATA_EXPORTED,
            summary=str(_("Daten von Konto Nr. %(id)s heruntergeladen") % {"id": user.pk}),
            target=user,
        )
    return data


_MAILS = _("E-Mails an Sie")


@dataclass(frozen=True)
class ErasureResult:
    user: User
    already_erased: bool


def person_erase(*, user: User, by, revoke_certificates: bool = False) -> ErasureResult:
    """Erase the person's data in one transaction; see the module's docstring and each app's `erase`.

    The person themself (after checking their password, `person_erase_own`) and superusers may. An account
    erased before stays as it is and the result says so.
    """
    if not _may_act_for(user=user, by=by):
        raise NotAllowed()
    return person_erase_unchecked(user=user, by=by, revoke_certificates=revoke_certificates)


def person_erase_unchecked(*, user: User, by=None, revoke_certificates: bool = False) -> ErasureResult:
    """`person_erase` without asking who may: for the retention rules, which act for nobody (`by` None)."""
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=user.pk)
        if person.erased_at is not None:
            return ErasureResult(user=person, already_erased=True)
        # The mails still owed would go nowhere: drop them before the objects they name lose their data.
        outbox_owed_discard(objects=person_mail_objects(user=person))
        options = EraseOptions(by=by, revoke_certificates=revoke_certificates)
        for section in sections():
            if section.erase is not None:
                section.erase(person, options)
        person.full_name = ""
        person.email = f"geloescht-{person.pk}-{secrets.token_hex(4)}@{ERASED_EMAIL_DOMAIN}"
        person.set_unusable_password()
        person.is_active = False
        person.is_staff = False
        person.is_superuser = False
        person.erased_at = timezone.now()
        person.save(
            update_fields=[
                "full_name",
                "email",
                "password",
                "is_active",
                "is_staff",
                "is_superuser",
                "erased_at",
            ]
        )
        person.groups.clear()
        person.user_permissions.clear()
        second_factor_remove(user=person)
        # An own erasure has no actor left to name: the entry points to the (now anonymous) account.
        audit_record(
            actor=by,
            action=Action.DATA_ERASED,
            summary=str(_("Konto Nr. %(id)s gelöscht") % {"id": person.pk}),
            target=person,
            details={"certificates_revoked": revoke_certificates},
        )
    return ErasureResult(user=person, already_erased=False)


def person_erase_own(*, user: User, password: str, revoke_certificates: bool = False) -> ErasureResult:
    """The person erases their own account; their password proves it is them."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed()
    if not user.check_password(password or ""):
        raise WrongPassword()
    return person_erase(user=user, by=user, revoke_certificates=revoke_certificates)


# Confirming a new account's email address


def email_confirm(*, token: str, by=None) -> User:
    """Confirm the address the link was sent to, once, while the account still has it."""
    try:
        data = email_confirm_token_read(token)
    except signing.SignatureExpired as exc:
        raise EmailConfirmLinkExpired() from exc
    except signing.BadSignature as exc:
        raise EmailConfirmLinkInvalid() from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["user"], erased_at__isnull=True).first()
        if user is None or not user.is_active or user.email.lower() != data["email"]:
            raise EmailConfirmLinkInvalid()
        if getattr(by, "is_authenticated", False) and by.pk != user.pk:
            raise NotAllowed(
                _(
                    "Dieser Link gehört zu einem anderen Konto. Bitte loggen Sie sich zuerst aus und öffnen "
                    "Sie den Link dann noch einmal."
                )
            )
        if user.email_confirmed_at is not None:
            raise EmailAlreadyConfirmed()
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


def email_confirmation_resend(*, user: User) -> None:
    """Send the link again (a new mail each time; the view limits how often)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed()
    if user.email_confirmed_at is not None:
        raise EmailAlreadyConfirmed()
    with transaction.atomic():
        outbox_add(kind=EMAIL_CONFIRM, object_id=user.pk, key=f"resend-{timezone.now():%Y%m%d%H%M%S%f}")
