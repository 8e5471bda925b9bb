"""Read queries of two-factor login."""

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# The staff areas: the team's and trainers' pages, reports, the CMS and the Django admin (and /en/ forms); and
# the page that makes API tokens, which act with the person's staff rights.
STAFF_PATH_PREFIXES = (
    "/team/",
    "/kursleitung/",
    "/berichte/",
    "/cms/",
    "/django-admin/",
    "/konto/api-zugaenge/",
)
# Logging out of the staff tools stays possible without the second factor.
STAFF_PATH_EXEMPT = ("/cms/logout/", "/django-admin/logout/")
RECOVERY_DEVICE_NAME = "recovery"


def is_staff_path(path: str) -> bool:
    """Whether the path is a staff page, in any language of the site."""
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE and path.startswith(f"/{code}/"):
            path = path[len(code) + 1 :]
            break
    return path.startswith(STAFF_PATH_PREFIXES) and not path.startswith(STAFF_PATH_EXEMPT)


def user_has_staff_duties(*, user) -> bool:
    """Administrators, staff, and anyone holding a role at a lab (manager, editor, trainer) or teaching a run.

    Roles and runs belong to apps above this one; their reverse relations on the person are read here by name,
    so that no import points upwards.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.lab_roles.exists() or user.teaching_runs.exists()


def mfa_required_for(*, user) -> bool:
    return bool(getattr(settings, "MFA_REQUIRED", True)) and user_has_staff_duties(user=user)


def totp_device_confirmed(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def totp_device_unconfirmed(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_device(*, user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True).first()


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
    ).count()
