"""The lab managers' certificate pages under /team/zertifikate/ and the certificates on the run's list."""

from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate, CertificateFile
from certificates.services import certificate_revoke, generate_code
from courses.models import Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_manager, moment

pytestmark = pytest.mark.django_db


def make_certificate(lab, *, name="Erika Muster", enrolment=None, **fields) -> Certificate:
    """A certificate as issued, without rendering its PDF: for pages that only read it."""
    enrolment = enrolment or EnrolmentFactory(
        run=CourseRunFactory(course=make_course(lab, title=f"Kurs {generate_code()}"), sessions=1),
        user=UserFactory(full_name=name),
        status=Enrolment.Status.COMPLETED,
    )
    defaults = {
        "code": generate_code(),
        "participant_name": name,
        "course_title": enrolment.run.course.title,
        "lab_name": lab.title,
        "first_session": date(2026, 3, 3),
        "last_session": date(2026, 3, 24),
        "hours": 8,
        "issued_at": moment(),
    }
    return Certificate.objects.create(enrolment=enrolment, **{**defaults, **fields})


def _trainer_of(certificate):
    trainer = UserFactory()
    certificate.enrolment.run.trainers.add(trainer)
    return trainer


def _text(response) -> str:
    return response.content.decode()


# The list


def test_list_shows_the_certificates_of_the_managers_labs_only(client, lab, other_lab, manager):
    mine = make_certificate(lab, name="Hannelore Schmidt")
    theirs = make_certificate(other_lab, name="Bernd Fremd")
    client.force_login(manager)

    text = _text(client.get(reverse("certificates:staff_list")))

    assert mine.display_code in text
    assert "Hannelore Schmidt" in text
    assert theirs.display_code not in text
    assert "Bernd Fremd" not in text


def test_superusers_see_the_certificates_of_every_lab(client, lab, other_lab):
    certificates = [make_certificate(lab), make_certificate(other_lab)]
    client.force_login(UserFactory(is_superuser=True))

    text = _text(client.get(reverse("certificates:staff_list")))

    assert all(c.display_code in text for c in certificates)


@pytest.mark.parametrize("typed", ["{display}", "{display_lower}", "{middle}", "{code}"])
def test_search_finds_a_certificate_by_its_code_or_a_part_of_it(client, lab, manager, typed):
    wanted = make_certificate(lab, name="Hannelore Schmidt")
    other = make_certificate(lab, name="Bernd Anders")
    query = typed.format(
        display=wanted.display_code,
        display_lower=wanted.display_code.lower(),
        middle=wanted.code[4:8],
        code=wanted.code,
    )
    client.force_login(manager)

    text = _text(client.get(reverse("certificates:staff_list"), {"q": query}))

    assert wanted.display_code in text
    assert other.display_code not in text


def test_search_finds_a_certificate_by_a_part_of_the_name_in_any_case(client, lab, manager):
    wanted = make_certificate(lab, name="Hannelore Schmidt")
    other = make_certificate(lab, name="Bernd Anders")
    client.force_login(manager)

    text = _text(client.get(reverse("certificates:staff_list"), {"q": "  schMIDT "}))

    assert wanted.display_code in text
    assert other.display_code not in text
    assert "1 Zertifikat gefunden" in text


def test_search_does_not_reach_other_labs(client, lab, other_lab, manager):
    theirs = make_certificate(other_lab, name="Hannelore Schmidt")
    client.force_login(manager)

    text = _text(client.get(reverse("certificates:staff_list"), {"q": theirs.display_code}))

    assert reverse("certificates:staff_detail", args=[theirs.code]) not in text
    assert "Zu Ihrer Suche gibt es kein Zertifikat." in text


@pytest.mark.parametrize("query", ["x" * 500, "<script>", "%", "'; --", "\x00"])
def test_odd_searches_answer_calmly(client, lab, manager, query):
    make_certificate(lab)
    client.force_login(manager)

    response = client.get(reverse("certificates:staff_list"), {"q": query})

    assert response.status_code == 200
    assert "<script>" not in _text(response).split('<main id="main"', 1)[1]


def test_list_is_paginated(client, lab, manager):
    for _ in range(26):
        make_certificate(lab)
    client.force_login(manager)

    first = _text(client.get(reverse("certificates:staff_list")))
    second = _text(client.get(reverse("certificates:staff_list"), {"page": 2}))

    assert "26 Zertifikate" in first
    assert "Seite 1 von 2" in first
    assert second.count('class="card cert-card"') == 1


@pytest.mark.parametrize("page", ["0", "x", "999"])
def test_a_page_out_of_range_shows_a_real_page(client, lab, manager, page):
    make_certificate(lab)
    client.force_login(manager)

    assert client.get(reverse("certificates:staff_list"), {"page": page}).status_code == 200


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("certificates:staff_list"))
    assert response.status_code == 200
    return len(queries)


def test_list_takes_the_same_queries_for_few_and_many_certificates(client, lab, manager):
    def add(n):
        for _ in range(n):
            old, new = make_certificate(lab), make_certificate(lab)
            Certificate.objects.filter(pk=old.pk).update(status="revoked", replaced_by=new)

    client.force_login(manager)
    add(2)
    _list_queries(client)  # the first page view makes the site's settings and the user's CMS profile
    few = _list_queries(client)
    add(20)
    assert _list_queries(client) == few


def test_a_trainer_gets_404_on_the_list(client, lab):
    certificate = make_certificate(lab)
    client.force_login(_trainer_of(certificate))

    assert client.get(reverse("certificates:staff_list")).status_code == 404


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(reverse("certificates:staff_list"))

    assert response.status_code == 302
    assert "/konto/einloggen/" in response["Location"]


# One certificate


def test_detail_shows_what_it_states_its_files_with_sha256_and_its_holder(client, lab, manager):
    certificate = make_certificate(lab, name="Hannelore Schmidt", language="en")
    CertificateFile.objects.create(
        certificate=certificate, language="de", path="certificates/x-de.pdf", sha256="ab" * 32, size=1234
    )
    CertificateFile.objects.create(
        certificate=certificate, language="en", path="certificates/x-en.pdf", sha256="cd" * 32, size=1234
    )
    client.force_login(manager)

    text = _text(client.get(reverse("certificates:staff_detail", args=[certificate.code])))

    for fact in (
        "Hannelore Schmidt",
        certificate.course_title,
        certificate.display_code,
        "ab" * 32,
        "cd" * 32,
        certificate.enrolment.user.email,
        reverse("staff:run_roster", args=[certificate.enrolment.run_id]),
        reverse("certificates:staff_revoke", args=[certificate.code]),
        reverse("certificates:staff_reissue", args=[certificate.code]),
        "Gültig",
    ):
        assert fact in text


def test_detail_shows_what_it_replaces_and_what_replaced_it(client, lab, manager):
    first = make_certificate(lab, status="revoked", revocation_reason="Kurs falsch")
    second = make_certificate(
        lab, enrolment=first.enrolment, status="revoked", revocation_reason="Name falsch geschrieben"
    )
    third = make_certificate(lab, enrolment=first.enrolment)
    Certificate.objects.filter(pk=first.pk).update(replaced_by=second)
    Certificate.objects.filter(pk=second.pk).update(replaced_by=third)
    client.force_login(manager)

    text = _text(client.get(reverse("certificates:staff_detail", args=[second.code])))

    assert "Ersetzt durch" in text
    assert f'href="{reverse("certificates:staff_detail", args=[third.code])}"' in text
    assert f'href="{reverse("certificates:staff_detail", args=[first.code])}"' in text
    assert "Grund: Name falsch geschrieben" in text
    assert reverse("certificates:staff_revoke", args=[second.code]) not in text
    assert reverse("certificates:staff_reissue", args=[second.code]) not in text


@pytest.mark.parametrize("name", ["staff_detail", "staff_revoke", "staff_reissue"])
def test_a_manager_of_another_lab_gets_404(client, lab, other_lab, name):
    certificate = make_certificate(lab)
    client.force_login(make_manager(other_lab))

    assert client.get(reverse(f"certificates:{name}", args=[certificate.code])).status_code == 404


@pytest.mark.parametrize("name", ["staff_detail", "staff_revoke", "staff_reissue"])
def test_a_trainer_of_the_run_gets_404(client, lab, name):
    certificate = make_certificate(lab)
    client.force_login(_trainer_of(certificate))

    assert client.get(reverse(f"certificates:{name}", args=[certificate.code])).status_code == 404


@pytest.mark.parametrize("code", ["ABCDEFGHJKMN", "nonsense", "x" * 300, "%3Cscript%3E"])
def test_an_unknown_code_is_404(client, manager, code):
    client.force_login(manager)

    assert client.get(f"/team/zertifikate/{code}/").status_code == 404


# Revoking


def test_revoking_shows_the_reason_publicly_and_tells_the_manager(client, lab, manager):
    certificate = make_certificate(lab)
    client.force_login(manager)

    response = client.post(
        reverse("certificates:staff_revoke", args=[certificate.code]),
        {"reason": "Anwesenheit falsch eingetragen"},
        follow=True,
    )

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revocation_reason == "Anwesenheit falsch eingetragen"
    assert certificate.revoked_by == manager
    assert response.redirect_chain[-1][0] == reverse("certificates:staff_detail", args=[certificate.code])
    assert f"Zertifikat {certificate.display_code} ist widerrufen." in _text(response)


def test_revoking_twice_changes_nothing_and_says_so(client, lab, manager, clock):
    certificate = make_certificate(lab)
    certificate_revoke(certificate=certificate, by=manager, reason="Erster Grund")
    certificate.refresh_from_db()
    client.force_login(manager)

    response = client.post(
        reverse("certificates:staff_revoke", args=[certificate.code]),
        {"reason": "Zweiter Grund"},
        follow=True,
    )

    after = Certificate.objects.get(pk=certificate.pk)
    assert (after.revocation_reason, after.revoked_at) == ("Erster Grund", certificate.revoked_at)
    assert "Dieses Zertifikat ist bereits widerrufen." in _text(response)


def test_the_revoke_page_of_a_revoked_certificate_offers_no_form(client, lab, manager):
    certificate = make_certificate(lab, status="revoked", revocation_reason="Erster Grund")
    client.force_login(manager)

    text = _text(client.get(reverse("certificates:staff_revoke", args=[certificate.code])))

    assert "Dieses Zertifikat ist bereits widerrufen." in text
    assert 'name="reason"' not in text


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_revoking_needs_a_reason_of_at_most_200_characters(client, lab, manager, reason):
    certificate = make_certificate(lab)
    client.force_login(manager)

    response = client.post(reverse("certificates:staff_revoke", args=[certificate.code]), {"reason": reason})

    assert response.status_code == 200
    assert "field--invalid" in _text(response)
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID


def test_a_manager_of_another_lab_cannot_revoke_and_nothing_changes(client, lab, other_lab):
    certificate = make_certificate(lab)
    client.force_login(make_manager(other_lab))

    response = client.post(
        reverse("certificates:staff_revoke", args=[certificate.code]), {"reason": "Fremder Grund"}
    )

    assert response.status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID


def test_a_trainer_cannot_revoke_and_nothing_changes(client, lab):
    certificate = make_certificate(lab)
    client.force_login(_trainer_of(certificate))

    response = client.post(reverse("certificates:staff_revoke", args=[certificate.code]), {"reason": "Grund"})

    assert response.status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID


def test_the_admin_action_still_revokes(client, lab):
    certificate = make_certificate(lab)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(
        reverse("admin:certificates_certificate_changelist"),
        {
            "action": "revoke_certificates",
            ACTION_CHECKBOX_NAME: [certificate.pk],
            "apply": "1",
            "reason": "Doppelt ausgestellt",
        },
    )

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revocation_reason) == ("revoked", "Doppelt ausgestellt")


def test_the_admin_shows_a_certificate_with_its_files(client, lab):
    certificate = make_certificate(lab)
    CertificateFile.objects.create(
        certificate=certificate, language="de", path="certificates/x-de.pdf", sha256="ef" * 32, size=99
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("admin:certificates_certificate_change", args=[certificate.pk]))

    assert response.status_code == 200
    assert "ef" * 32 in _text(response)


# The run's list of people


def _completed_with_certificate(lab, **fields):
    certificate = make_certificate(lab, **fields)
    return certificate, certificate.enrolment.run


def test_the_runs_list_links_a_completed_persons_certificate_for_managers(client, lab, manager):
    certificate, run = _completed_with_certificate(lab)
    client.force_login(manager)

    text = _text(client.get(reverse("staff:run_roster", args=[run.pk])))

    assert f'href="{reverse("certificates:staff_detail", args=[certificate.code])}"' in text
    assert certificate.display_code in text
    assert "gültig" in text
    assert f'href="{reverse("certificates:pdf", args=[certificate.code])}"' in text
    assert f'href="{reverse("certificates:staff_list")}"' in text


def test_the_runs_list_links_the_public_page_for_trainers(client, lab):
    certificate, run = _completed_with_certificate(lab)
    client.force_login(_trainer_of(certificate))

    text = _text(client.get(reverse("staff:run_roster", args=[run.pk])))

    assert f'href="{reverse("certificates:verify", args=[certificate.code])}"' in text
    assert reverse("certificates:staff_detail", args=[certificate.code]) not in text
    assert reverse("certificates:staff_list") not in text
    assert f'href="{reverse("certificates:pdf", args=[certificate.code])}"' in text


def test_the_runs_list_offers_no_pdf_of_a_revoked_certificate(client, lab, manager):
    certificate, run = _completed_with_certificate(lab, status="revoked", revocation_reason="Grund")
    client.force_login(manager)

    text = _text(client.get(reverse("staff:run_roster", args=[run.pk])))

    assert "widerrufen" in text
    assert reverse("certificates:pdf", args=[certificate.code]) not in text


def test_the_runs_list_says_when_a_certificate_is_still_being_made(client, lab, manager):
    run = CourseRunFactory(course=make_course(lab), sessions=1)
    EnrolmentFactory(run=run, status=Enrolment.Status.COMPLETED)
    client.force_login(manager)

    assert "Das Zertifikat wird gerade erstellt." in _text(
        client.get(reverse("staff:run_roster", args=[run.pk]))
    )


def test_the_cms_menu_leads_lab_managers_to_their_issued_certificates(client, db):
    from django.contrib.auth.models import Permission

    from labs.services import lab_role_grant
    from tests.factories import CourseRunFactory, UserFactory

    run = CourseRunFactory()
    manager = UserFactory()
    lab_role_grant(lab=run.lab, user=manager, role="manager")
    manager.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(manager)
    html = client.get("/cms/").content.decode()
    assert reverse("certificates:staff_list") in html
    trainer = UserFactory()
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(trainer)
    assert reverse("certificates:staff_list") not in client.get("/cms/").content.decode()
