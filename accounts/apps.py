from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konten")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from outbox.registry import register

        from . import notifications

        user_logged_in.connect(_clear_failures_on_login, dispatch_uid="accounts.clear_failures_on_login")
        # Mails about a change of email address are recorded in the outbox with it; these deliver them.
        for kind, handler in notifications.HANDLERS.items():
            register(kind, handler)


def _clear_failures_on_login(sender, request, user, **kwargs):
    from .lockout import account_failures_clear

    account_failures_clear(email=user.get_username())
