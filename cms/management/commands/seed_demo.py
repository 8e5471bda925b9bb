"""Fill the database with the district's demo labs, courses, runs and accounts (see cms.demo)."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.demo import DemoDataError, demo_data_seed
from cms.demo.seed import DEMO_RECOVERY_CODES, DEMO_TOTP_KEY_BASE32


class Command(BaseCommand):
    help = _("Legt Demo-Daten an: Labore, Kurse, Termine und Zugänge. Mehrfaches Ausführen ändert nichts.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="demo", help=_("Passwort aller Demo-Zugänge (Standard: demo)")
        )
        parser.add_argument(
            "--participants",
            type=int,
            default=12,
            help=_("Anzahl weiterer Teilnehmender participant1@example.org … (Standard: 12)"),
        )

    def handle(self, *args, password, participants, **options):
        if participants < 0:
            raise CommandError(_("--participants darf nicht negativ sein."))
        if not password:
            raise CommandError(_("--password darf nicht leer sein."))
        # Wagtail and the task runners log every page they create and every task they run inline; the
        # logins below matter more.
        quiet = [logging.getLogger(name) for name in ("wagtail", "django_tasks", "celery")]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
        try:
            result = demo_data_seed(password=password, participants=participants)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        finally:
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)
        self.stdout.write(self.style.SUCCESS(_("Die Demo-Daten sind bereit.")))
        self.stdout.write(_("Webseite: %(url)s/") % {"url": settings.SITE_URL})
        self.stdout.write(_("Redaktion (Wagtail): %(url)s/cms/") % {"url": settings.SITE_URL})
        self.stdout.write("")
        self.stdout.write(_("Demo-Zugänge, Passwort für alle: %(password)s") % {"password": password})
        width = max(len(login.email) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}")
        self.stdout.write(
            _(
                "Zwei-Faktor-Anmeldung der Zugänge mit Aufgaben: Schlüssel %(key)s in eine Authenticator-App "
                "eintippen, oder einen der Wiederherstellungscodes %(first)s bis %(last)s (jeden einmal)."
            )
            % {"key": DEMO_TOTP_KEY_BASE32, "first": DEMO_RECOVERY_CODES[0], "last": DEMO_RECOVERY_CODES[-1]}
        )
        if result.participants:
            self.stdout.write(
                _("  Dazu %(n)s Teilnehmende: participant1@example.org bis participant%(n)s@example.org")
                % {"n": len(result.participants)}
            )
