"""The mails people get: a text editors may change, followed by the facts the code adds.

Each app registers its mails with a default subject and text in German and English (`register_mail`).
Editors override them in the CMS (`MailText`) with plain text and named placeholders such as `{name}`;
dates, places, links and attachments come from each mail's templates after that text, so an edited text
cannot lose them. `send` renders subject, plain text and HTML in the recipient's language.
"""

import logging
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from core.text import single_line

logger = logging.getLogger(__name__)

# A placeholder is a plain name: no attributes, indexes, conversions or formats an editor could misuse.
PLACEHOLDER_NAME = re.compile(r"[a-z][a-z_]*\Z")


@dataclass(frozen=True)
class Mail:
    """One mail people get, with its default texts by language and the placeholders its texts may use."""

    key: str
    label: str
    subject: Mapping[str, str]
    body: Mapping[str, str]
    # Placeholder name -> what it stands for, shown to editors.
    placeholders: Mapping[str, str]
    # The templates `<template>.txt` and `<template>.html` add the facts after the text.
    template: str

    def default_subject(self, language: str) -> str:
        return self.subject.get(language) or self.subject[settings.LANGUAGE_CODE]

    def default_body(self, language: str) -> str:
        return self.body.get(language) or self.body[settings.LANGUAGE_CODE]

    def placeholder_help(self) -> str:
        return "; ".join(f"{{{name}}}: {meaning}" for name, meaning in self.placeholders.items())


_mails: dict[str, Mail] = {}


def register_mail(
    key: str,
    *,
    label: str,
    subject: Mapping[str, str],
    body: Mapping[str, str],
    placeholders: Mapping[str, str],
    template: str,
) -> Mail:
    """Make a mail known, with its default texts; its app calls this once, when it loads."""
    mail = Mail(
        key=key,
        label=label,
        subject=dict(subject),
        body=dict(body),
        placeholders=dict(placeholders),
        template=template,
    )
    for language, _name in settings.LANGUAGES:
        for text in (mail.subject.get(language), mail.body.get(language)):
            if not text:
                raise ValueError(f"The mail {key!r} has no default text in {language!r}.")
            error = placeholder_error(text, allowed=mail.placeholders)
            if error:
                raise ValueError(f"The default text of the mail {key!r} is wrong: {error}")
    known = _mails.get(key)
    if known is not None and known != mail:
        raise ValueError(f"Another mail is already registered as {key!r}.")
    _mails[key] = mail
    return mail


def mail_get(key: str) -> Mail:
    try:
        return _mails[key]
    except KeyError:
        raise LookupError(f"No mail is registered as {key!r}.") from None


def mails() -> list[Mail]:
    """Every registered mail, by label."""
    return sorted(_mails.values(), key=lambda mail: str(mail.label))


def mail_choices() -> list[tuple[str, str]]:
    return [(mail.key, mail.label) for mail in mails()]


def placeholder_error(text: str, *, allowed: Iterable[str]) -> str | None:
    """What is wrong with the placeholders in an editor's text, in words for the editor; None if nothing."""
    allowed = list(allowed)
    known = ", ".join(f"{{{name}}}" for name in allowed)
    try:
        parts = list(string.Formatter().parse(text or ""))
    except ValueError:
        return _(
            "Geschweifte Klammern stehen nur um Platzhalter, zum Beispiel {name}. Bitte prüfen Sie, ob "
            "jede Klammer auf- und wieder zugeht. Möglich sind: %(known)s."
        ) % {"known": known}
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if spec or conversion or not PLACEHOLDER_NAME.match(field):
            written = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return _(
                "„{%(field)s}“ ist kein gültiger Platzhalter. Schreiben Sie nur den Namen in geschweifte "
                "Klammern. Möglich sind: %(known)s."
            ) % {"field": written, "known": known}
        if field not in allowed:
            return _(
                "Den Platzhalter {%(field)s} gibt es in dieser E-Mail nicht. Möglich sind: %(known)s."
            ) % {"field": field, "known": known}
    return None


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each placeholder replaced by its value; checked text only (see `placeholder_error`)."""
    out = []
    for literal, field, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if field is not None:
            out.append(values.get(field, ""))
    return "".join(out)


def mail_texts(mail: Mail, language: str) -> tuple[str, str]:
    """Subject and text in the language: an editor's override where one is filled in, else the default.

    An override that no longer fits the mail (a placeholder the code has since dropped) gives way to the
    default, so that nobody gets a broken mail.
    """
    from .models import MailText

    subject, body = mail.default_subject(language), mail.default_body(language)
    override = MailText.objects.filter(mail=mail.key).first()
    if override is None:
        return subject, body
    texts = []
    for edited, default in ((override.subject_for(language), subject), (override.body_for(language), body)):
        if edited and placeholder_error(edited, allowed=mail.placeholders) is None:
            texts.append(edited)
        else:
            if edited:
                logger.warning("The edited text of the mail %r no longer fits; the default is sent", mail.key)
            texts.append(default)
    return texts[0], texts[1]


def written_out(value) -> str:
    """A placeholder's value as people read it: moments and dates written out in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), _("l, j. F Y, H:i \\U\\h\\r"))
    if isinstance(value, date):
        return date_format(value, _("l, j. F Y"))
    return str(value)


def mail_language(language: str | None) -> str:
    """The language a mail is written in: the one asked for if the site speaks it, else the default."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def send(
    key: str,
    *,
    to: Iterable[str],
    language: str | None,
    context: Mapping,
    attachments: Iterable[tuple[str, bytes | str, str]] = (),
) -> EmailMultiAlternatives:
    """Write the mail in the language and send it: subject, plain text and HTML, with the attachments.

    The context gives the templates what they show and the placeholders their values (by name).
    """
    mail = mail_get(key)
    language = mail_language(language)
    with translation.override(language):
        subject, body = mail_texts(mail, language)
        values = {name: written_out(context.get(name)) for name in mail.placeholders}
        subject = single_line(fill(subject, values))
        context = {
            **context,
            "mail_text": fill(body, values).strip(),
            "mail_subject": subject,
            "site_url": settings.SITE_URL,
        }
        text = _tidy(render_to_string(f"{mail.template}.txt", context))
        html = render_to_string(f"{mail.template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=list(to))
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()
    return message


def _tidy(text: str) -> str:
    """Plain text with at most one empty line in a row and no trailing spaces, whatever the template did."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
