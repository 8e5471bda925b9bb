import logging

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)

        # Warnings of libraries (Celery's about its user, say) become log lines like every other event.
        logging.captureWarnings(True)
