from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
