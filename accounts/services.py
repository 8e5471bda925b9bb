"""State changes of the accounts app."""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.settings import knox_settings

from outbox.privacy import outbox_add_for_sweep
from outbox.services import outbox_add

from .exceptions import (
    Conflict,
    DomainError,
    EmailAlreadyRegistered,
    EmailChangeAlreadyConfirmed,
    EmailChangeLinkExpired,
    EmailChangeLinkInvalid,
    EmailChangeSuperseded,
    EmailTakenByOther,
    EmailUnchanged,
    InvalidEmail,
    InvalidName,
    InvalidPassword,
    InvalidRegistration,
    NotAllowed,
    NotFound,
    WrongPassword,
)
from .models import ApiToken, EmailChange, User
from .notifications import EMAIL_CHANGE_CONFIRM, EMAIL_CHANGE_REQUESTED, EMAIL_CHANGED, EMAIL_CONFIRM
from .selectors import email_is_registered
from .tokens import MAX_AGE, email_change_token_read, password_fingerprint

NAME_MIN_LENGTH = 2
NAME_MAX_LENGTH = User._meta.get_field("full_name").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
_TAKEN_SINCE = _(
    "Mit dieser E-Mail-Adresse gibt es inzwischen ein anderes Konto. Ihre E-Mail-Adresse ist nicht geändert. "
    "Bitte wählen Sie eine andere Adresse."
)


def user_register(*, email: str, full_name: str, password: str, language: str = "de") -> User:
    """Create a person's account. The email address is the login and may exist only once, case ignored.
    A mail asks the person to confirm the address; until then `email_confirmed_at` is empty.

    `language` (de or en) is the language the person's mails and documents are written in."""
    email = User.objects.normalize_email(email.strip()).lower()
    full_name = " ".join(full_name.split())
    if not email or not full_name:
        raise InvalidRegistration(_("Bitte geben Sie Ihren Namen und Ihre E-Mail-Adresse an."))
    if email_is_registered(email=email):
        raise EmailAlreadyRegistered()
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        raise InvalidRegistration(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic(durable=True):
            user = User.objects.create_user(
                email=email, password=password, full_name=full_name, language=_language(language)
            )
            # The address counts as the person's once they open the link in this mail (accounts.privacy).
            # It goes out with the next sweep, so that someone signing up while enrolling gets the
            # enrolment's confirmation first.
            outbox_add_for_sweep(kind=EMAIL_CONFIRM, object_id=user.pk)
            return user
    except IntegrityError as exc:
        raise EmailAlreadyRegistered() from exc


def _language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def full_name_clean(name: str) -> str:
    """A name as it may stand on a certificate: spaces trimmed and single, printable, within the length."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidName()
    if any(unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") for char in name):
        raise InvalidName(
            _("Der Name enthält Zeichen, die wir nicht drucken können. Bitte schreiben Sie ihn neu.")
        )
    if len(name) < NAME_MIN_LENGTH:
        raise InvalidName(
            _("Bitte geben Sie Ihren Namen mit mindestens %(min)d Zeichen an.") % {"min": NAME_MIN_LENGTH}
        )
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidName(
            _("Der Name ist zu lang. Bitte kürzen Sie ihn auf höchstens %(max)d Zeichen.")
            % {"max": NAME_MAX_LENGTH}
        )
    return name


def user_name_change(*, user: User, name: str) -> User:
    """The name that certificates issued from now on carry. Certificates issued before keep the name they were
    issued with (they hold a copy); the lab re-issues one on request."""
    name = full_name_clean(name)
    with transaction.atomic():
        user.full_name = name
        user.save(update_fields=["full_name"])
    return user


def email_clean(email: str) -> str:
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email or len(email) > EMAIL_MAX_LENGTH:
        raise InvalidEmail()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidEmail() from exc
    return email


def email_change_request(*, user: User, new_email: str, password: str) -> EmailChange:
    """Ask to log in with another address. Nothing changes until the link sent to the new address is opened;
    the old address is told. An address another account uses is refused, as sign-up refuses it."""
    if not user.check_password(password):
        raise WrongPassword()
    new_email = email_clean(new_email)
    if new_email == user.email.lower():
        raise EmailUnchanged()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailTakenByOther()
    with transaction.atomic():
        change = EmailChange.objects.create(user=user, old_email=user.email, new_email=new_email)
        outbox_add(kind=EMAIL_CHANGE_CONFIRM, object_id=change.pk)
        outbox_add(kind=EMAIL_CHANGE_REQUESTED, object_id=change.pk)
    return change


def _token_data(token: str) -> dict:
    try:
        return email_change_token_read(token)
    except signing.SignatureExpired as exc:
        raise EmailChangeLinkExpired() from exc
    except signing.BadSignature as exc:
        raise EmailChangeLinkInvalid() from exc


def _change_checked(data: dict, *, by, changes) -> EmailChange:
    """The change the token names if it can be made now, else the reason as a domain error."""
    change = changes.select_related("user").filter(pk=data["change"]).first()
    if change is None or not change.user.is_active:
        raise EmailChangeLinkInvalid()
    user = change.user
    if by is not None and by.is_authenticated and by.pk != user.pk:
        raise NotAllowed(
            _(
                "Dieser Link gehört zu einem anderen Konto. Bitte loggen Sie sich zuerst aus und öffnen Sie "
                "den Link dann noch einmal."
            )
        )
    if change.confirmed_at is not None:
        raise EmailChangeAlreadyConfirmed()
    if change.requested_at <= timezone.now() - MAX_AGE:
        raise EmailChangeLinkExpired()
    if (
        user.email.lower() != change.old_email.lower()
        or data.get("password") != password_fingerprint(user)
        or EmailChange.objects.filter(user=user, pk__gt=change.pk).exists()
    ):
        raise EmailChangeSuperseded()
    if User.objects.filter(email__iexact=change.new_email).exclude(pk=user.pk).exists():
        raise EmailTakenByOther(_TAKEN_SINCE)
    return change


def email_change_check(*, token: str, by=None) -> EmailChange:
    """The change a link names, if opening it would make the change now; else the reason. Changes nothing."""
    return _change_checked(_token_data(token), by=by, changes=EmailChange.objects.all())


def email_change_confirm(*, token: str, by=None) -> EmailChange:
    """Make the change the link names, once: only the newest request, within its time, while the address
    and the password are still those it was asked with, and the new address is still free.

    `by` is whoever opened the link; if someone else is logged in, nothing changes.
    """
    data = _token_data(token)
    with transaction.atomic():
        change = _change_checked(data, by=by, changes=EmailChange.objects.select_for_update())
        user = change.user
        user.email = change.new_email
        try:
            user.save(update_fields=["email"])
        except IntegrityError as exc:  # registered in the moment between the check and the save
            raise EmailTakenByOther(_TAKEN_SINCE) from exc
        change.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
        outbox_add(kind=EMAIL_CHANGED, object_id=change.pk)
    return change


def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Set a new password after checking the current one. The person's other sessions end (each keeps a hash
    of the password), API tokens are revoked, and links to change the email address stop working; the caller
    keeps its own session with `update_session_auth_hash`."""
    if not user.check_password(old_password):
        raise WrongPassword()
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise InvalidPassword(" ".join(exc.messages)) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        api_tokens_revoke_all(user=user)
    return user


# API tokens: keys other programs send to use the API in the person's name (`ApiToken`, django-rest-knox).

API_TOKEN_NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# How exactly `last_used_at` is kept: one write per token and hour at most, not one per request.
API_TOKEN_USE_PRECISION = timedelta(hours=1)


class ApiTokenLimitReached(Conflict):
    code = "token_limit"

    def __init__(self, message=None):
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        super().__init__(
            message
            or ngettext(
                "Sie haben schon %(limit)d Zugang für andere Programme. Bitte widerrufen Sie zuerst "
                "einen, den Sie nicht mehr brauchen.",
                "Sie haben schon %(limit)d Zugänge für andere Programme. Bitte widerrufen Sie zuerst "
                "einen, den Sie nicht mehr brauchen.",
                limit,
            )
            % {"limit": limit}
        )


class InvalidApiTokenName(DomainError):
    default_message = _("Bitte geben Sie dem Zugang einen Namen, zum Beispiel „Website der Gemeinde“.")
    code = "invalid_name"


class ApiTokenNotFound(NotFound):
    default_message = _("Diesen Zugang gibt es nicht. Vielleicht ist er schon widerrufen oder abgelaufen.")


def api_token_name_clean(name: str) -> str:
    """A token's name as the person gave it, spaces trimmed and single, printable, within the length; an empty
    name becomes one with today's date."""
    name = " ".join((name or "").split())
    if not name:
        return str(_("Zugang vom %(date)s") % {"date": date_format(timezone.localdate(), "j. F Y")})
    if any(unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") for char in name):
        raise InvalidApiTokenName(
            _("Der Name enthält Zeichen, die wir nicht zeigen können. Bitte ändern Sie ihn.")
        )
    if len(name) > API_TOKEN_NAME_MAX_LENGTH:
        raise InvalidApiTokenName(
            _("Der Name ist zu lang. Bitte kürzen Sie ihn auf höchstens %(max)d Zeichen.")
            % {"max": API_TOKEN_NAME_MAX_LENGTH}
        )
    return name


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for the person, valid for TOKEN_TTL. The token itself is returned this once; only its
    hash is kept. A person holds at most TOKEN_LIMIT_PER_USER tokens that still work."""
    name = api_token_name_clean(name)
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    with transaction.atomic():
        # The person's row is the lock: two requests at once cannot both take the last free place.
        User.objects.select_for_update().filter(pk=user.pk).first()
        api_tokens_prune_expired(user=user)
        if limit is not None and ApiToken.objects.filter(user=user).count() >= limit:
            raise ApiTokenLimitReached()
        return ApiToken.objects.create(user=user, name=name)


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the person's tokens; another person's token is not found (and stays)."""
    deleted, _by_model = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ApiTokenNotFound()


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of the person (a new password, an erased account); how many there were."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_tokens_prune_expired(*, user: User | None = None) -> int:
    """Delete the person's expired tokens, or everyone's without a person. knox deletes them too, but only
    when one is used, so the tokens of people who never come back would stay."""
    expired = ApiToken.objects.filter(expiry__lte=timezone.now())
    if user is not None:
        expired = expired.filter(user=user)
    deleted, _by_model = expired.delete()
    return deleted


def api_token_mark_used(*, token: ApiToken) -> None:
    """Note that the token was used now, if the time noted is more than API_TOKEN_USE_PRECISION old."""
    now = timezone.now()
    stale = now - API_TOKEN_USE_PRECISION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    # The condition lets only one of several requests at the same moment write.
    ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=token.pk).update(
        last_used_at=now
    )
    token.last_used_at = now
