from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Zertifikate")

    def ready(self):
        from outbox.registry import register

        from . import handlers, notifications  # noqa: F401 - handlers connects itself

        register(notifications.CERTIFICATE_READY, notifications.send_certificate_ready)
