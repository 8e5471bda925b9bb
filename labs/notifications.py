"""Mail about a business's workshop request, delivered through the outbox.

Two mails: the request to whoever answers it at the lab (its contact address and its managers, each as an
outbox item of its own, keyed by recipient, so a failing address is retried alone and nobody gets it twice),
and the confirmation with a summary to the business. The wording is registered below in German and English
and may be changed by editors in the CMS ("E-Mail-Texte"); the request's details and the links come from the
templates in templates/labs/email/ and cannot be edited away.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from outbox.mail import register_mail, send

from .models import WORKSHOP_REQUEST_RETENTION_MONTHS, LabPage, WorkshopRequest
from .selectors import user_handles_workshop_request, workshop_request_lab_recipients

# Outbox kinds. Key of the lab's mail: "lab-<id>" (the lab's contact address) or "user-<id>" (a manager).
WORKSHOP_REQUEST_TO_LAB = "workshop_request_to_lab"
WORKSHOP_REQUEST_RECEIVED = "workshop_request_received"  # to the business

ANY_LAB = _("egal / bei uns im Betrieb")

PLACEHOLDERS = {
    "company": _("Firma oder Organisation, die anfragt"),
    "contact": _("Name der Ansprechperson im Betrieb"),
    "topic": _("Thema des Workshops"),
    "staff_count": _("Zahl der Mitarbeitenden"),
    "lab": _("gewähltes Labor (oder „egal / bei uns im Betrieb“)"),
}

register_mail(
    WORKSHOP_REQUEST_TO_LAB,
    label=_("Workshop-Anfrage (an das Labor)"),
    subject={"de": "Neue Workshop-Anfrage: {company}", "en": "New workshop request: {company}"},
    body={
        "de": (
            "Guten Tag,\n\n{company} möchte einen Workshop für {staff_count} Mitarbeitende. Thema: {topic}. "
            "Bitte melden Sie sich bald bei {contact}. Alle Angaben stehen unten."
        ),
        "en": (
            "Hello,\n\n{company} would like a workshop for {staff_count} members of staff. Topic: {topic}. "
            "Please get in touch with {contact} soon. All details are below."
        ),
    },
    placeholders=PLACEHOLDERS,
    template="labs/email/workshop_request_to_lab",
)
register_mail(
    WORKSHOP_REQUEST_RECEIVED,
    label=_("Workshop-Anfrage angekommen (an den Betrieb)"),
    subject={"de": "Ihre Workshop-Anfrage ist angekommen", "en": "Your workshop request has arrived"},
    body={
        "de": (
            "Guten Tag {name},\n\nvielen Dank für Ihre Anfrage. Sie ist bei uns angekommen. Wir melden uns "
            "in den nächsten Tagen bei Ihnen. Dann besprechen wir gemeinsam Thema, Termin und Ort."
        ),
        "en": (
            "Hello {name},\n\nthank you for your request. It has reached us. We will get in touch with you "
            "in the next few days. Then we will agree on the topic, the date and the place together."
        ),
    },
    placeholders={"name": _("Name der Ansprechperson im Betrieb"), **PLACEHOLDERS},
    template="labs/email/workshop_request_received",
)


def lab_recipient_keys(*, lab: LabPage | None, except_user_id: int | None = None) -> list[str]:
    """The outbox keys of everyone who hears of a request for this lab (None: any lab), one per address:
    a manager whose address is also the lab's contact address gets it once, in their own language."""
    labs, managers = workshop_request_lab_recipients(lab=lab)
    managers = [user for user in managers if user.pk != except_user_id]
    manager_emails = {user.email.lower() for user in managers}
    keys, seen = [], set()
    for each in labs:
        email = each.contact_email.lower()
        if email not in manager_emails and email not in seen:
            seen.add(email)
            keys.append(f"lab-{each.pk}")
    keys += [f"user-{user.pk}" for user in managers]
    return keys


def _workshop_request(workshop_request_id: int) -> WorkshopRequest | None:
    return WorkshopRequest.objects.select_related("lab").filter(pk=workshop_request_id).first()


def _context(workshop_request: WorkshopRequest) -> dict:
    lab = workshop_request.lab
    return {
        "workshop_request": workshop_request,
        "company": workshop_request.company,
        "contact": workshop_request.contact_name,
        "topic": workshop_request.topic,
        "staff_count": workshop_request.staff_count,
        "lab": lab.title if lab is not None else ANY_LAB,
        "lab_page": lab,
        "retention_months": WORKSHOP_REQUEST_RETENTION_MONTHS,
    }


def _lab_recipient(workshop_request: WorkshopRequest, key: str) -> tuple[str, str] | None:
    """The address and language behind a key, if it still fits: a lab that still has a contact address, a
    manager who still manages the request's lab (for the open pool: any lab)."""
    kind, _dash, number = key.partition("-")
    if not number.isdigit():
        return None
    if kind == "lab":
        lab = LabPage.objects.filter(pk=int(number)).first()
        if lab is None or not lab.contact_email:
            return None
        return lab.contact_email, settings.LANGUAGE_CODE
    if kind == "user":
        user = User.objects.filter(pk=int(number), is_active=True).first()
        if user is None or not user.email:
            return None
        if not user_handles_workshop_request(user=user, lab_id=workshop_request.lab_id):
            return None
        return user.email, user.language
    return None


def send_workshop_request_to_lab(workshop_request_id: int, key: str = "") -> None:
    """The request with all its details and a link to it in the admin; nothing once it is closed."""
    workshop_request = _workshop_request(workshop_request_id)
    if workshop_request is None or workshop_request.status == WorkshopRequest.Status.DONE:
        return
    recipient = _lab_recipient(workshop_request, key)
    if recipient is None:
        return
    email, language = recipient
    context = {
        **_context(workshop_request),
        "for_any_lab": workshop_request.lab_id is None,
        "action_url": settings.SITE_URL + reverse("workshop_anfragen:edit", args=[workshop_request.pk]),
    }
    send(WORKSHOP_REQUEST_TO_LAB, to=[email], language=language, context=context)


def send_workshop_request_received(workshop_request_id: int, key: str = "") -> None:
    """To the business: what they asked for, what happens next, how long we keep it."""
    workshop_request = _workshop_request(workshop_request_id)
    if workshop_request is None:
        return
    context = {**_context(workshop_request), "name": workshop_request.contact_name}
    send(
        WORKSHOP_REQUEST_RECEIVED,
        to=[workshop_request.email],
        language=workshop_request.language,
        context=context,
    )


HANDLERS = {
    WORKSHOP_REQUEST_TO_LAB: send_workshop_request_to_lab,
    WORKSHOP_REQUEST_RECEIVED: send_workshop_request_received,
}
