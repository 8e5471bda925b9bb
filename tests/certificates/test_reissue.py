"""A lab manager replaces a certificate by a corrected one from /team/zertifikate/<code>/neu-ausstellen/."""

import pytest
from django.urls import reverse

from certificates.models import Certificate, CertificateFile
from certificates.services import certificate_revoke
from courses.models import Enrolment
from outbox.models import OutboxItem
from tests.factories import EnrolmentFactory, UserFactory, make_manager

pytestmark = pytest.mark.django_db

REASON = "Name falsch geschrieben"


@pytest.fixture
def lab_manager(certificate):
    return make_manager(certificate.enrolment.run.lab)


def _reissue(client, certificate, capture, *, name="Hannelore Schmidt-Meyer", reason=REASON):
    with capture(execute=True):
        return client.post(
            reverse("certificates:staff_reissue", args=[certificate.code]),
            {"participant_name": name, "reason": reason},
            follow=True,
        )


def _new(certificate) -> Certificate:
    return Certificate.objects.get(replaces=certificate)


def test_the_form_is_filled_with_the_name_on_the_certificate(client, certificate, lab_manager):
    client.force_login(lab_manager)

    text = client.get(reverse("certificates:staff_reissue", args=[certificate.code])).content.decode()

    assert 'name="participant_name"' in text
    assert 'value="Hannelore Schmidt"' in text


def test_reissuing_makes_a_new_code_and_goes_to_the_new_certificates_page(
    client, certificate, lab_manager, django_capture_on_commit_callbacks
):
    client.force_login(lab_manager)

    response = _reissue(client, certificate, django_capture_on_commit_callbacks)

    new = _new(certificate)
    assert new.code != certificate.code
    assert response.redirect_chain[-1][0] == reverse("certificates:staff_detail", args=[new.code])
    assert (
        f"Neues Zertifikat {new.display_code} ausgestellt; die Person bekommt es per E-Mail."
        in response.content.decode()
    )


def test_the_new_certificate_carries_the_name_as_typed(
    client, certificate, lab_manager, django_capture_on_commit_callbacks
):
    client.force_login(lab_manager)

    _reissue(client, certificate, django_capture_on_commit_callbacks, name="  Hannelore   Schmidt-Meyer ")

    assert _new(certificate).participant_name == "Hannelore Schmidt-Meyer"


def test_the_old_certificate_is_revoked_with_the_reason(
    client, certificate, lab_manager, django_capture_on_commit_callbacks
):
    client.force_login(lab_manager)

    _reissue(client, certificate, django_capture_on_commit_callbacks)

    old = Certificate.objects.get(pk=certificate.pk)
    assert old.status == Certificate.Status.REVOKED
    assert old.revocation_reason == REASON
    assert old.revoked_by == lab_manager
    assert old.replaced_by == _new(certificate)


def test_the_old_page_says_replaced_by_with_a_link_to_the_new_one(
    client, certificate, lab_manager, django_capture_on_commit_callbacks
):
    client.force_login(lab_manager)
    _reissue(client, certificate, django_capture_on_commit_callbacks)
    new = _new(certificate)
    client.logout()

    text = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()

    assert "Ersetzt durch" in text
    assert f'href="{reverse("certificates:verify", args=[new.code])}"' in text
    assert "echt und gültig" not in text


def test_the_new_page_says_valid(client, certificate, lab_manager, django_capture_on_commit_callbacks):
    client.force_login(lab_manager)
    _reissue(client, certificate, django_capture_on_commit_callbacks)
    client.logout()

    text = client.get(reverse("certificates:verify", args=[_new(certificate).code])).content.decode()

    assert "Dieses Zertifikat ist echt und gültig." in text
    assert "Hannelore Schmidt-Meyer" in text


def test_only_one_certificate_of_the_enrolment_stays_valid(
    client, certificate, lab_manager, django_capture_on_commit_callbacks
):
    client.force_login(lab_manager)
    _reissue(client, certificate, django_capture_on_commit_callbacks)
    _reissue(client, _new(certificate), django_capture_on_commit_callbacks, name="H. Schmidt-Meyer")

    certificates = Certificate.objects.filter(enrolment=certificate.enrolment)
    assert certificates.count() == 3
    assert certificates.filter(status=Certificate.Status.VALID).count() == 1


def test_the_worker_renders_the_new_pdf_and_mails_the_holder(
    client, certificate, lab_manager, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(lab_manager)

    _reissue(client, certificate, django_capture_on_commit_callbacks)

    new = _new(certificate)
    stored = CertificateFile.objects.get(certificate=new)
    assert stored.language == new.language
    assert len(stored.sha256) == 64
    assert [m.to for m in mailoutbox] == [[certificate.enrolment.user.email]]
    assert new.display_code in mailoutbox[0].body
    assert OutboxItem.objects.filter(object_id=new.pk, delivered_at__isnull=False).exists()


def test_a_revoked_certificate_can_be_replaced_too(
    client, certificate, lab_manager, django_capture_on_commit_callbacks
):
    certificate_revoke(certificate=certificate, by=lab_manager, reason="Erst einmal gesperrt")
    client.force_login(lab_manager)

    _reissue(client, certificate, django_capture_on_commit_callbacks)

    old = Certificate.objects.get(pk=certificate.pk)
    assert old.replaced_by.is_valid
    assert old.revocation_reason == "Erst einmal gesperrt"


def test_replacing_a_replaced_certificate_changes_nothing_and_says_so(
    client, certificate, lab_manager, django_capture_on_commit_callbacks
):
    client.force_login(lab_manager)
    _reissue(client, certificate, django_capture_on_commit_callbacks)

    response = _reissue(client, certificate, django_capture_on_commit_callbacks, name="Noch ein Name")

    assert Certificate.objects.filter(enrolment=certificate.enrolment).count() == 2
    assert "Dieses Zertifikat wurde bereits durch ein neues ersetzt." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "reason", "field"),
    [
        ("", REASON, "participant_name"),
        ("   ", REASON, "participant_name"),
        ("x" * 151, REASON, "participant_name"),
        ("Hannelore Schmidt", "", "reason"),
        ("Hannelore Schmidt", "  ", "reason"),
        ("Hannelore Schmidt", "x" * 201, "reason"),
    ],
)
def test_a_missing_or_too_long_name_or_reason_is_explained_and_nothing_changes(
    client, certificate, lab_manager, django_capture_on_commit_callbacks, name, reason, field
):
    client.force_login(lab_manager)

    response = _reissue(client, certificate, django_capture_on_commit_callbacks, name=name, reason=reason)

    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Certificate.objects.filter(enrolment=certificate.enrolment).count() == 1
    assert Certificate.objects.get(pk=certificate.pk).is_valid


def test_a_manager_of_another_lab_gets_404_and_nothing_changes(
    client, certificate, other_lab, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    client.force_login(make_manager(other_lab))

    response = _reissue(client, certificate, django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert Certificate.objects.filter(enrolment=certificate.enrolment).count() == 1
    assert Certificate.objects.get(pk=certificate.pk).is_valid
    assert mailoutbox == []


def test_a_trainer_of_the_run_gets_404_and_nothing_changes(
    client, certificate, django_capture_on_commit_callbacks
):
    trainer = UserFactory()
    certificate.enrolment.run.trainers.add(trainer)
    client.force_login(trainer)

    response = _reissue(client, certificate, django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert Certificate.objects.filter(enrolment=certificate.enrolment).count() == 1


def test_for_a_walk_in_without_email_the_manager_is_told_to_print_it(
    client, finished_run, django_capture_on_commit_callbacks
):
    from certificates.services import certificate_issue

    walk_in = EnrolmentFactory(
        run=finished_run,
        user=None,
        walk_in=True,
        member_name="Gisela Ohnemail",
        status=Enrolment.Status.COMPLETED,
    )
    certificate = certificate_issue(enrolment=walk_in)
    client.force_login(make_manager(finished_run.lab))

    response = _reissue(client, certificate, django_capture_on_commit_callbacks, name="Gisela Ohne-Mail")

    assert "Die Person hat keine E-Mail-Adresse" in response.content.decode()
    assert _new(certificate).participant_name == "Gisela Ohne-Mail"
