from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Zertifikate")

    def ready(self):
        from labs.permissions import register_manager_permissions
        from outbox.registry import register

        from . import handlers, notifications  # noqa: F401 - handlers connects itself

        register(notifications.CERTIFICATE_READY, notifications.send_certificate_ready)
        # What this app holds about a person: in their export, erased with their account.
        from . import privacy

        privacy.register()
        # Lab managers design their labs' certificates (the form limits them to courses and labs they edit).
        register_manager_permissions(
            "certificates.add_certificatetemplate",
            "certificates.change_certificatetemplate",
            "certificates.publish_certificatetemplate",
            "certificates.view_certificatetemplate",
        )
