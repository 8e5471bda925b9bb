from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the email address is the login."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    full_name = models.CharField(_("Name"), max_length=150, help_text=_("So steht es auf Ihrem Zertifikat."))
    is_staff = models.BooleanField(
        _("Zugang zur Verwaltung"), default=False, help_text=_("Darf sich in der Verwaltung anmelden.")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)
    # Mails and documents are written in this language.
    language = models.CharField(_("Sprache"), max_length=10, choices=settings.LANGUAGES, default="de")
    # Set when the person opened the link in the mail sent at sign-up; accounts never confirmed are deleted
    # after a week (accounts.privacy.retention).
    email_confirmed_at = models.DateTimeField(_("E-Mail-Adresse bestätigt am"), null=True, blank=True)
    # Set when the account was erased (accounts.privacy.services.person_erase): the row stays, anonymous,
    # so that counts, audit entries and certificates keep something to point to.
    erased_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Wagtail's admin shows these.
    @property
    def first_name(self):
        return self.get_short_name()

    @property
    def last_name(self):
        return ""


class Organisation(models.Model):
    """An association (Verein) or a business that books seats for its members or staff."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Verein")
        BUSINESS = "business", _("Unternehmen")

    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    municipality = models.CharField(_("Ort"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationMembership(models.Model):
    """A person's place in an organisation; contacts may book and manage seats for it."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Ansprechperson")
        MEMBER = "member", _("Mitglied")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Organisation")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="organisation_memberships", verbose_name=_("Person")
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="accounts_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"


class EmailChange(models.Model):
    """A person asked to log in with another email address; it counts only once they open the link sent there.

    The old address is kept so that it can be told about the change; the link names this row, signed.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="email_changes", verbose_name=_("Person")
    )
    old_email = models.EmailField(_("bisherige E-Mail-Adresse"))
    new_email = models.EmailField(_("neue E-Mail-Adresse"))
    requested_at = models.DateTimeField(_("beantragt am"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Änderung der E-Mail-Adresse")
        verbose_name_plural = _("Änderungen der E-Mail-Adresse")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.old_email} → {self.new_email}"


class ApiToken(AbstractAuthToken):
    """A key another program sends to use the API in the person's name (django-rest-knox keeps only its hash).

    The person names it ("Website der Gemeinde") so that they can tell their keys apart and revoke one.
    """

    # The digest stays unique but is no longer the primary key: addresses name a key by a short number.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-Zugang")
        verbose_name_plural = _("API-Zugänge")
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.name} ({self.user})"


class AuditQuerySet(models.QuerySet):
    """Entries are written once and never changed; a bulk update or delete is refused as well."""

    def update(self, **kwargs):
        raise AuditEntryImmutable

    def delete(self):
        raise AuditEntryImmutable


class AuditEntryImmutable(Exception):
    """An audit entry was to be changed or deleted."""

    def __init__(self):
        super().__init__("Audit entries cannot be changed or deleted.")


class AuditEntry(models.Model):
    """One action of staff (or a person's own export or erasure): who, what, when, at which lab.

    Written by services through `accounts.audit.audit_record` in the transaction of the action itself. The
    summary names objects by number, never a person by name, so an erased person leaves nothing here but
    the numbers. On PostgreSQL a trigger refuses UPDATE and DELETE as well (migration 0006).
    """

    class Action(models.TextChoices):
        ATTENDANCE_CHANGED = "attendance_changed", _("Anwesenheit geändert")
        WALK_IN_ADDED = "walk_in_added", _("Teilnahme ohne Anmeldung eingetragen")
        RUN_CLOSED = "run_closed", _("Kurstermin abgeschlossen")
        RUN_CANCELLED = "run_cancelled", _("Kurstermin abgesagt")
        ENROLMENT_CHANGED = "enrolment_changed", _("Anmeldung durch das Team geändert")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Zertifikat widerrufen")
        CERTIFICATE_REISSUED = "certificate_reissued", _("Zertifikat neu ausgestellt")
        DATA_EXPORTED = "data_exported", _("Daten heruntergeladen")
        DATA_ERASED = "data_erased", _("Konto gelöscht")
        REPORT_EXPORTED = "report_exported", _("Bericht exportiert")

    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
        editable=False,
    )
    action = models.CharField(_("Aktion"), max_length=40, choices=Action.choices, editable=False)
    lab = models.ForeignKey(
        "labs.LabPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Labor"),
        editable=False,
    )
    target_type = models.CharField(_("Art des Objekts"), max_length=50, blank=True, editable=False)
    target_id = models.CharField(_("Objekt-Nr."), max_length=50, blank=True, editable=False)
    summary = models.CharField(_("Was"), max_length=300, editable=False)
    details = models.JSONField(_("Einzelheiten"), default=dict, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["lab", "-at"], name="accounts_audit_lab_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEntryImmutable
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryImmutable
