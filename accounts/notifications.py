"""Mail about a change of a person's email address, delivered through the outbox.

The link goes to the new address only; the old address is told when the change is asked for and when it is
made, so that a person whose password someone else knows notices. Each handler reads the current state first
and sends nothing when the mail no longer fits. The wording is registered in German and English and may be
changed by editors in the CMS ("E-Mail-Texte"); the link and its deadline come from the templates in
templates/accounts/email/.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from outbox.mail import mail_language, register_mail, send, written_out

from .models import EmailChange
from .tokens import MAX_AGE, email_change_token

# Outbox kinds; the object is the EmailChange.
EMAIL_CHANGE_CONFIRM = "email_change_confirm"  # to the new address, with the link
EMAIL_CHANGE_REQUESTED = "email_change_requested"  # to the old address: someone asked for the change
EMAIL_CHANGED = "email_changed"  # to the old address: the change is made
# The object is the User: the link that confirms a new account's address. Key: "" at sign-up, a counter
# for each "send again".
EMAIL_CONFIRM = "email_confirm"

PLACEHOLDERS = {
    "name": _("Name der Person, an die die E-Mail geht"),
    "new_email": _("die neue E-Mail-Adresse"),
}

register_mail(
    EMAIL_CHANGE_CONFIRM,
    label=_("Neue E-Mail-Adresse bestätigen"),
    subject={
        "de": "Bitte bestätigen Sie Ihre neue E-Mail-Adresse",
        "en": "Please confirm your new email address",
    },
    body={
        "de": (
            "Guten Tag {name},\n\nSie möchten sich bei den Regionallaboren künftig mit dieser "
            "E-Mail-Adresse einloggen: {new_email}. Bitte bestätigen Sie das mit dem Link unten. Erst dann "
            "gilt die neue Adresse."
        ),
        "en": (
            "Hello {name},\n\nyou would like to log in to the regional digital labs with this email address "
            "from now on: {new_email}. Please confirm this with the link below. Only then does the new "
            "address apply."
        ),
    },
    placeholders=PLACEHOLDERS,
    template="accounts/email/email_change_confirm",
)
register_mail(
    EMAIL_CHANGE_REQUESTED,
    label=_("E-Mail-Adresse soll geändert werden (an die bisherige Adresse)"),
    subject={"de": "Ihre E-Mail-Adresse soll geändert werden", "en": "Your email address is about to change"},
    body={
        "de": (
            "Guten Tag {name},\n\nfür Ihr Konto bei den Regionallaboren wurde eine neue E-Mail-Adresse "
            "angegeben: {new_email}. Die Änderung gilt erst, wenn jemand den Link in der E-Mail an diese "
            "Adresse öffnet. Bis dahin loggen Sie sich wie bisher ein."
        ),
        "en": (
            "Hello {name},\n\na new email address was entered for your account with the regional digital "
            "labs: {new_email}. The change only applies once someone opens the link in the email sent to "
            "that address. Until then, you log in as before."
        ),
    },
    placeholders=PLACEHOLDERS,
    template="accounts/email/email_change_requested",
)
register_mail(
    EMAIL_CHANGED,
    label=_("E-Mail-Adresse geändert (an die bisherige Adresse)"),
    subject={"de": "Ihre E-Mail-Adresse ist geändert", "en": "Your email address has changed"},
    body={
        "de": (
            "Guten Tag {name},\n\nIhre E-Mail-Adresse bei den Regionallaboren ist jetzt {new_email}. Damit "
            "loggen Sie sich ab jetzt ein. An diese Adresse hier schreiben wir Ihnen nicht mehr."
        ),
        "en": (
            "Hello {name},\n\nyour email address with the regional digital labs is now {new_email}. From "
            "now on, you log in with it. We will no longer write to this address."
        ),
    },
    placeholders=PLACEHOLDERS,
    template="accounts/email/email_changed",
)


register_mail(
    EMAIL_CONFIRM,
    label=_("E-Mail-Adresse eines neuen Kontos bestätigen"),
    subject={"de": "Bitte bestätigen Sie Ihre E-Mail-Adresse", "en": "Please confirm your email address"},
    body={
        "de": (
            "Guten Tag {name},\n\nwillkommen bei den Regionallaboren! Bitte bestätigen Sie mit dem Link "
            "unten, dass diese E-Mail-Adresse Ihnen gehört. So wissen wir, dass Ihre Bestätigungen und "
            "Zertifikate ankommen."
        ),
        "en": (
            "Hello {name},\n\nwelcome to the regional digital labs! Please confirm with the link below that "
            "this email address is yours. That way we know your confirmations and certificates arrive."
        ),
    },
    placeholders={"name": PLACEHOLDERS["name"]},
    template="accounts/privacy/email/email_confirm",
)


def send_email_confirm(user_id: int, key: str = "") -> None:
    """The link that confirms a new account's address, unless it is confirmed already or the account is
    gone or erased."""
    from .models import User
    from .privacy.confirmation import CONFIRM_WITHIN, email_confirm_token

    user = User.objects.filter(pk=user_id, is_active=True, erased_at__isnull=True).first()
    if user is None or user.email_confirmed_at is not None:
        return
    with translation.override(mail_language(user.language)):
        url = _link("accounts:email_confirm", {"token": email_confirm_token(user)})
        expires = written_out(user.date_joined + CONFIRM_WITHIN)
    send(
        EMAIL_CONFIRM,
        to=[user.email],
        language=user.language,
        context={"name": user.get_short_name(), "action_url": url, "expires": expires},
    )


def _change(change_id: int) -> EmailChange | None:
    change = EmailChange.objects.select_related("user").filter(pk=change_id).first()
    if change is None or not change.user.is_active:
        return None
    return change


def _link(name: str, kwargs: dict) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _send(change: EmailChange, mail: str, *, to: str, links: dict[str, tuple]) -> None:
    """Send in the person's language, with links to the pages in that language and the link's deadline."""
    user = change.user
    with translation.override(mail_language(user.language)):
        context = {name: _link(*target) for name, target in links.items()}
        context["expires"] = written_out(change.requested_at + MAX_AGE)
    send(
        mail,
        to=[to],
        language=user.language,
        context={"name": user.get_short_name(), "new_email": change.new_email, **context},
    )


def send_email_change_confirm(change_id: int, key: str = "") -> None:
    """The link to the new address, unless the change is made, or no longer counts (see the selector)."""
    from .selectors import email_change_pending

    change = _change(change_id)
    if change is None or email_change_pending(user=change.user) != change:
        return
    token = email_change_token(change)
    _send(
        change,
        EMAIL_CHANGE_CONFIRM,
        to=change.new_email,
        links={"action_url": ("accounts:email_change_confirm", {"token": token})},
    )


def send_email_change_requested(change_id: int, key: str = "") -> None:
    """The old address hears of the request; once the change is made, the mail about that says enough."""
    change = _change(change_id)
    if change is None or change.confirmed_at is not None:
        return
    _send(
        change,
        EMAIL_CHANGE_REQUESTED,
        to=change.old_email,
        links={"password_reset_url": ("accounts:password_reset", {})},
    )


def send_email_changed(change_id: int, key: str = "") -> None:
    change = _change(change_id)
    if change is None or change.confirmed_at is None:
        return
    _send(change, EMAIL_CHANGED, to=change.old_email, links={})


HANDLERS = {
    EMAIL_CHANGE_CONFIRM: send_email_change_confirm,
    EMAIL_CHANGE_REQUESTED: send_email_change_requested,
    EMAIL_CHANGED: send_email_changed,
    EMAIL_CONFIRM: send_email_confirm,
}
