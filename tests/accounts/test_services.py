import pytest

from accounts.exceptions import EmailAlreadyRegistered, InvalidRegistration
from accounts.models import User
from accounts.services import user_register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_register_creates_account_with_lowercased_email():
    user = user_register(
        email="Erika.Muster@Example.org ", full_name=" Erika  Muster ", password="sonnen-blume-7"
    )
    assert user.email == "erika.muster@example.org"
    assert user.full_name == "Erika Muster"
    assert user.check_password("sonnen-blume-7")


def test_register_refuses_existing_email_in_other_case():
    UserFactory(email="erika@example.org")
    with pytest.raises(EmailAlreadyRegistered):
        user_register(email="ERIKA@example.org", full_name="Erika", password="sonnen-blume-7")
    assert User.objects.count() == 1


def test_register_refuses_short_password():
    with pytest.raises(InvalidRegistration):
        user_register(email="erika@example.org", full_name="Erika", password="kurz")
    assert not User.objects.exists()
