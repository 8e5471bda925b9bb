"""With MFA_REQUIRED, every staff area is closed to a person with duties until the session confirmed a
code."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp

from accounts.mfa import services
from labs.models import LabRole
from labs.services import lab_role_grant
from tests.factories import CourseRunFactory, LabRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:mfa_setup")
VERIFY = reverse("accounts:mfa_verify")
STAFF_PATHS = ["/team/", "/kursleitung/", "/berichte/", "/cms/", "/django-admin/"]


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.MFA_REQUIRED = True


def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def staff():
    return UserFactory(is_staff=True)


def with_role(role):
    def make(lab):
        return LabRoleFactory(lab=lab, role=role).user

    return make


def run_trainer(lab):
    run = CourseRunFactory()
    person = UserFactory()
    run.trainers.add(person)
    return person


PEOPLE = {
    "superuser": lambda lab: superuser(),
    "staff": lambda lab: staff(),
    "manager": with_role(LabRole.Role.MANAGER),
    "editor": with_role(LabRole.Role.EDITOR),
    "trainer": with_role(LabRole.Role.TRAINER),
    "run_trainer": run_trainer,
}


def _code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def set_up(person):
    return services.totp_setup_confirm(user=person, code=_code(services.totp_setup_device(user=person)))


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("path", STAFF_PATHS + ["/en/kursleitung/", "/en/team/", "/en/berichte/"])
def test_staff_area_sends_person_with_duties_without_device_to_setup(client, lab, who, path):
    client.force_login(PEOPLE[who](lab))
    response = client.get(path)
    assert response.status_code == 302
    assert "/konto/zwei-faktor/einrichten/?next=" in response["Location"]


@pytest.mark.parametrize("path", STAFF_PATHS)
def test_staff_area_sends_person_with_unverified_device_to_code(client, lab, path, clock):
    person = superuser()
    set_up(person)
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


def test_admin_reaches_django_admin_only_after_code(client, clock):
    person = superuser()
    device, _codes = set_up(person)
    client.force_login(person)
    assert client.get("/django-admin/")["Location"].startswith(VERIFY)
    clock.shift(timedelta(seconds=30))
    client.post(VERIFY, {"code": _code(device)})
    assert client.get("/django-admin/").status_code == 200


def test_editor_reaches_cms_only_after_code(client, lab, clock):
    person = UserFactory()
    lab_role_grant(lab=lab, user=person, role=LabRole.Role.EDITOR)  # with the editors' CMS permissions
    _device, codes = set_up(person)
    client.force_login(person)
    assert client.get("/cms/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": codes[0]})
    assert client.get("/cms/").status_code == 200


@pytest.mark.parametrize("path", STAFF_PATHS)
def test_participant_is_not_sent_to_two_factor(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert not response.get("Location", "").startswith((SETUP, VERIFY))


def test_logging_out_of_cms_stays_possible_without_code(client):
    client.force_login(superuser())
    response = client.post("/cms/logout/")
    assert not response.get("Location", "").startswith((SETUP, VERIFY))


def test_without_mfa_required_staff_areas_stay_open(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(superuser())
    assert client.get("/django-admin/").status_code == 200


def test_staff_password_needs_twelve_characters(lab):
    person = with_role(LabRole.Role.TRAINER)(lab)
    validate_password("Zebra-Kiwi-7", user=person)
    with pytest.raises(ValidationError) as error:
        validate_password("Zebra-Kiw-7", user=person)
    assert "mindestens 12 Zeichen" in " ".join(error.value.messages)


def test_participant_password_needs_ten_characters():
    person = UserFactory()
    validate_password("Zebra-Ki-7", user=person)
    with pytest.raises(ValidationError):
        validate_password("Zebra-K-7", user=person)


@pytest.mark.parametrize("password", ["1234567890123", "password123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=UserFactory())


def test_api_treats_unverified_staff_session_as_visitor(client, lab):
    person = with_role(LabRole.Role.MANAGER)(lab)
    client.force_login(person)
    response = client.get("/api/v1/me/enrolments/")
    assert response.status_code in (401, 403)


def test_api_reads_verified_staff_session(client, lab, clock):
    person = with_role(LabRole.Role.MANAGER)(lab)
    _device, codes = set_up(person)
    client.force_login(person)
    client.post(VERIFY, {"code": codes[0]})
    assert client.get("/api/v1/me/enrolments/").status_code == 200


def test_api_reads_participant_session(client):
    client.force_login(UserFactory())
    assert client.get("/api/v1/me/enrolments/").status_code == 200
