from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = _("Labore")

    def ready(self):
        from outbox.registry import register

        from . import handlers, notifications  # noqa: F401

        # Workshop requests' mails are recorded in the outbox with the request and delivered by these.
        for kind, handler in notifications.HANDLERS.items():
            register(kind, handler)
        # What this app holds about a person: in their export, erased with their account.
        from . import privacy

        privacy.register()
