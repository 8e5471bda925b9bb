from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .mail import mail_get, placeholder_error


class OutboxItem(models.Model):
    """A message that is owed because something happened, e.g. the confirmation of an enrolment.

    It is recorded in the same transaction as its cause and stays owed until a worker has delivered it once.
    """

    kind = models.CharField(_("Art"), max_length=50)
    object_id = models.PositiveBigIntegerField(_("Objekt-Nr."))
    # Tells apart several messages of one kind about one object (the reminder for each session, say).
    key = models.CharField(_("Schlüssel"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    # A worker holds the item until then; after that (it crashed, say) another may take it.
    claimed_until = models.DateTimeField(_("in Arbeit bis"), null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0, editable=False)
    delivered_at = models.DateTimeField(_("zugestellt am"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("letzter Fehler"), blank=True, editable=False)

    class Meta:
        verbose_name = _("Nachricht im Postausgang")
        verbose_name_plural = _("Nachrichten im Postausgang")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "key"], name="outbox_one_item_per_kind_object_and_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(delivered_at__isnull=True), name="outbox_owed_idx"
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id}" + (f" ({self.key})" if self.key else "")

    @property
    def is_owed(self) -> bool:
        return self.delivered_at is None


TEXT_FIELDS = ("subject_de", "body_de", "subject_en", "body_en")


class MailText(models.Model):
    """An editor's own wording of one mail, in German and English; an empty field keeps the default.

    The facts of a mail (dates, place, links, calendar file) are added after this text by the code.
    """

    # One of the mails registered in outbox.mail; checked in `clean`, so a new mail needs no migration.
    mail = models.CharField(
        _("E-Mail"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("Für diese E-Mail gibt es schon einen eigenen Text. Ändern Sie diesen.")},
    )
    subject_de = models.CharField(_("Betreff (Deutsch)"), max_length=200, blank=True)
    body_de = models.TextField(_("Text (Deutsch)"), blank=True)
    subject_en = models.CharField(_("Betreff (Englisch)"), max_length=200, blank=True)
    body_en = models.TextField(_("Text (Englisch)"), blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("E-Mail-Text")
        verbose_name_plural = _("E-Mail-Texte")
        ordering = ["mail"]

    def __str__(self):
        try:
            return str(mail_get(self.mail).label)
        except LookupError:
            return self.mail

    def subject_for(self, language: str) -> str:
        return self.subject_en if language == "en" else self.subject_de

    def body_for(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_de

    def clean(self):
        super().clean()
        try:
            mail = mail_get(self.mail)
        except LookupError:
            raise ValidationError({"mail": _("Bitte wählen Sie eine E-Mail aus der Liste.")}) from None
        errors = {}
        for field in TEXT_FIELDS:
            error = placeholder_error(getattr(self, field), allowed=mail.placeholders)
            if error:
                errors[field] = error
        if not any(getattr(self, field).strip() for field in TEXT_FIELDS):
            errors["body_de"] = _(
                "Bitte schreiben Sie mindestens einen Text. Leere Felder behalten den mitgelieferten Text."
            )
        if errors:
            raise ValidationError(errors)
