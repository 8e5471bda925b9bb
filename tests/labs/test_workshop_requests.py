"""A business asks for an in-house workshop: the form, the two mails, the admin and the retention rule."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labs.models import LabGroup, LabPage, LabRole, WorkshopRequest
from labs.selectors import workshop_requests_due_for_deletion
from labs.services import lab_role_grant, workshop_request_create, workshop_request_update
from outbox.models import MailText, OutboxItem
from tests.factories import UserFactory, lab_index_page, make_lab, make_manager

pytestmark = pytest.mark.django_db

FORM = reverse("workshop_requests:create")
DONE = reverse("workshop_requests:done")


def answers(lab: LabPage | None = None, **fields) -> dict:
    data = {
        "company": "Tischlerei Brandt GmbH",
        "contact_name": "Jana Brandt",
        "email": "jana@tischlerei-brandt.example",
        "phone": "05151 123456",
        "topic": "KI im Büro",
        "staff_count": "12",
        "preferred_dates": "Dienstags vormittags im Januar",
        "lab": lab.pk if lab else "",
        "message": "",
        "consent": "on",
        "website": "",
    }
    data.update(fields)
    return data


def create(lab: LabPage | None = None, **fields) -> WorkshopRequest:
    values = {
        "company": "Tischlerei Brandt GmbH",
        "contact_name": "Jana Brandt",
        "email": "jana@tischlerei-brandt.example",
        "topic": "KI im Büro",
        "staff_count": 12,
        "preferred_dates": "im Januar",
        "lab": lab,
        **fields,
    }
    return workshop_request_create(**values)


@pytest.fixture
def lab_with_contact(lab):
    lab.contact_email = "hameln@regionallabore.example"
    lab.save()
    return lab


@pytest.fixture
def send_mails(django_capture_on_commit_callbacks):
    """Runs the outbox's deliveries queued by the request, as the worker would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def mail_to(mailoutbox, address: str):
    (message,) = [m for m in mailoutbox if m.to == [address]]
    return message


# The form


def test_form_offers_the_published_labs_and_any_lab(client, lab):
    draft = lab_index_page().add_child(
        instance=LabPage(title="Labor im Aufbau", slug="aufbau", live=False, municipality=lab.municipality)
    )
    content = client.get(FORM).content.decode()
    assert lab.title in content
    assert draft.title not in content
    assert "egal / bei uns im Betrieb" in content
    assert "KI im Büro, Datensicherheit, digitale Buchhaltung" in content
    assert "löschen wir Ihre Angaben nach 12 Monaten" in content


def test_form_preselects_the_lab_named_in_the_address(client, lab):
    response = client.get(FORM, {"labor": lab.slug})
    assert response.context["form"]["lab"].value() == lab.pk
    assert client.get(FORM, {"labor": "atlantis" * 50}).status_code == 200


def test_form_fills_in_name_and_email_of_a_logged_in_person(client):
    client.force_login(UserFactory(full_name="Jana Brandt", email="jana@brandt.example"))
    form = client.get(FORM).context["form"]
    assert (form["contact_name"].value(), form["email"].value()) == ("Jana Brandt", "jana@brandt.example")


def test_form_links_the_privacy_page_from_site_settings(client, lab):
    from cms.models import SiteSettings, StandardPage
    from tests.factories import home_page

    privacy = home_page().add_child(instance=StandardPage(title="Datenschutz", slug="datenschutz"))
    site_settings = SiteSettings.for_site(home_page().get_site())
    site_settings.privacy_page = privacy
    site_settings.save()
    assert 'href="/datenschutz/"' in client.get(FORM).content.decode()


# Happy path


def test_request_is_recorded_and_mailed_to_the_lab_and_the_business(
    client, lab_with_contact, mailoutbox, send_mails
):
    response = send_mails(client.post, FORM, answers(lab_with_contact))

    assert response.status_code == 302
    assert response["Location"] == DONE
    request = WorkshopRequest.objects.get()
    assert (request.company, request.staff_count, request.lab, request.status) == (
        "Tischlerei Brandt GmbH",
        12,
        lab_with_contact,
        WorkshopRequest.Status.NEW,
    )
    assert request.consented_at is not None
    assert request.language == "de"
    assert sorted(m.to[0] for m in mailoutbox) == [
        "hameln@regionallabore.example",
        "jana@tischlerei-brandt.example",
    ]
    to_lab = mail_to(mailoutbox, "hameln@regionallabore.example")
    assert to_lab.subject == "Neue Workshop-Anfrage: Tischlerei Brandt GmbH"
    assert "Jana Brandt" in to_lab.body and "05151 123456" in to_lab.body and "KI im Büro" in to_lab.body
    assert reverse("workshop_anfragen:edit", args=[request.pk]) in to_lab.body
    to_business = mail_to(mailoutbox, "jana@tischlerei-brandt.example")
    assert to_business.subject == "Ihre Workshop-Anfrage ist angekommen"
    assert "Guten Tag Jana Brandt" in to_business.body
    assert "Wie geht es weiter?" in to_business.body
    assert "Dienstags vormittags im Januar" in to_business.body
    assert "nach 12 Monaten" in to_business.body


def test_confirmation_page_shows_what_was_sent_only_to_its_sender(client, lab_with_contact):
    client.post(FORM, answers(lab_with_contact, message="Wir sind eine Werkstatt mit Büro."), follow=False)
    content = client.get(DONE).content.decode()
    assert "Ihre Anfrage ist angekommen" in content
    assert "Tischlerei Brandt GmbH" in content
    assert "Wir sind eine Werkstatt mit Büro." in content
    assert "jana@tischlerei-brandt.example" in content

    stranger = Client().get(DONE).content.decode()
    assert "Ihre Anfrage ist angekommen" in stranger
    assert "Tischlerei Brandt GmbH" not in stranger


def test_lab_managers_get_the_request_in_their_own_language(lab_with_contact, mailoutbox, send_mails):
    manager = make_manager(lab_with_contact)
    manager.language = "en"
    manager.save()
    send_mails(create, lab=lab_with_contact)
    assert mail_to(mailoutbox, manager.email).subject == "New workshop request: Tischlerei Brandt GmbH"
    assert mail_to(mailoutbox, "hameln@regionallabore.example").subject.startswith("Neue Workshop-Anfrage")
    assert len(mailoutbox) == 3


def test_business_writing_in_english_gets_the_confirmation_in_english(lab, mailoutbox, send_mails):
    send_mails(create, lab=lab, language="en")
    message = mail_to(mailoutbox, "jana@tischlerei-brandt.example")
    assert message.subject == "Your workshop request has arrived"
    assert "Hello Jana Brandt,\n\nthank you for your request." in message.body


def test_manager_whose_address_is_the_labs_gets_one_mail(lab, mailoutbox, send_mails):
    manager = make_manager(lab)
    lab.contact_email = manager.email.upper()
    lab.save()
    send_mails(create, lab=lab)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, "jana@tischlerei-brandt.example"])


def test_without_a_lab_every_published_labs_contact_hears_of_it(mailoutbox, send_mails):
    hameln = make_lab("Regionallabor Hameln", contact_email="hameln@regionallabore.example")
    make_lab("Regionallabor Bad Pyrmont", municipality="bad-pyrmont", contact_email="pyrmont@x.example")
    make_manager(hameln)
    draft = make_lab("Labor im Aufbau", contact_email="aufbau@x.example")
    draft.unpublish()

    send_mails(create, lab=None)

    addresses = sorted(m.to[0] for m in mailoutbox)
    assert addresses == sorted(
        ["hameln@regionallabore.example", "pyrmont@x.example", "jana@tischlerei-brandt.example"]
    )
    assert "alle Regionallabore" in mail_to(mailoutbox, "pyrmont@x.example").body


def test_without_a_lab_and_without_contact_addresses_the_managers_hear_of_it(lab, mailoutbox, send_mails):
    manager = make_manager(lab)
    send_mails(create, lab=None)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, "jana@tischlerei-brandt.example"])


def test_mails_are_owed_in_the_outbox_with_the_request(lab_with_contact):
    request = create(lab=lab_with_contact)
    kinds = sorted(OutboxItem.objects.filter(object_id=request.pk).values_list("kind", "key"))
    assert kinds == [
        ("workshop_request_received", ""),
        ("workshop_request_to_lab", f"lab-{lab_with_contact.pk}"),
    ]


def test_a_request_closed_before_its_mail_goes_out_is_not_sent_to_the_lab(lab_with_contact, mailoutbox):
    from labs.notifications import send_workshop_request_to_lab

    request = create(lab=lab_with_contact)
    WorkshopRequest.objects.filter(pk=request.pk).update(status=WorkshopRequest.Status.DONE)
    send_workshop_request_to_lab(request.pk, f"lab-{lab_with_contact.pk}")
    assert mailoutbox == []


def test_editors_text_for_the_confirmation_is_used(lab, mailoutbox, send_mails):
    MailText.objects.create(mail="workshop_request_received", subject_de="Danke, {company}!")
    send_mails(create, lab=lab)
    assert mail_to(mailoutbox, "jana@tischlerei-brandt.example").subject == "Danke, Tischlerei Brandt GmbH!"


def test_an_unpublished_lab_cannot_be_asked(lab):
    from labs.exceptions import WorkshopLabUnavailable

    lab.unpublish()
    with pytest.raises(WorkshopLabUnavailable):
        create(lab=LabPage.objects.get(pk=lab.pk))
    assert not WorkshopRequest.objects.exists()


# Bad input: the form again with a message beside the field, nothing recorded, nothing owed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("company", "", "Bitte geben Sie den Namen Ihrer Firma oder Organisation an."),
        ("company", "\x01\x02", "Bitte geben Sie den Namen Ihrer Firma oder Organisation an."),
        ("company", "A" * 201, "höchstens 200 Zeichen. Jetzt sind es 201."),
        ("company", "Brandt\x00GmbH", "Steuerzeichen"),
        ("contact_name", "", "Bitte geben Sie Ihren Namen an."),
        ("email", "", "Bitte geben Sie Ihre E-Mail-Adresse an."),
        ("email", "jana(at)brandt", "gültige E-Mail-Adresse"),
        ("email", "a" * 250 + "@x.de", "höchstens 254 Zeichen"),
        ("phone", "ruf mich an", "nur Ziffern"),
        ("topic", "", "worum es im Workshop gehen soll"),
        ("topic", "x" * 501, "höchstens 500 Zeichen"),
        ("staff_count", "", "wie viele Mitarbeitende"),
        ("staff_count", "0", "eine Zahl von 1 bis 200"),
        ("staff_count", "-1", "eine Zahl von 1 bis 200"),
        ("staff_count", "201", "eine Zahl von 1 bis 200"),
        ("staff_count", "zwölf", "eine Zahl von 1 bis 200"),
        ("staff_count", "9" * 40, "eine Zahl von 1 bis 200"),
        ("preferred_dates", "", "wann der Workshop sein könnte"),
        ("preferred_dates", "x" * 301, "höchstens 300 Zeichen"),
        ("lab", "999999", "Bitte wählen Sie ein Labor aus der Liste."),
        ("lab", "<script>", "Bitte wählen Sie ein Labor aus der Liste."),
        ("message", "x" * 2001, "höchstens 2000 Zeichen"),
        ("consent", "", "Bitte stimmen Sie zu."),
    ],
)
def test_bad_input_shows_the_form_again_and_records_nothing(client, lab, field, value, message):
    response = client.post(FORM, {**answers(lab), field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors.get(field)
    assert not WorkshopRequest.objects.exists()
    assert not OutboxItem.objects.exists()


def test_a_lab_taken_offline_while_the_form_was_open_gets_a_message(client, lab):
    data = answers(lab)
    lab.unpublish()
    response = client.post(FORM, data)
    assert response.status_code == 200
    assert "Bitte wählen Sie ein Labor aus der Liste." in response.content.decode()
    assert not WorkshopRequest.objects.exists()


def test_odd_characters_are_kept_as_text(client, lab, send_mails, mailoutbox):
    data = answers(lab, company='<b>Brandt</b> & "Söhne"', topic="Ümläute, emoji 🙂 und\nZeilen")
    assert send_mails(client.post, FORM, data).status_code == 302
    request = WorkshopRequest.objects.get()
    assert request.company == '<b>Brandt</b> & "Söhne"'
    assert "&lt;b&gt;Brandt&lt;/b&gt;" in client.get(DONE).content.decode()


def test_a_filled_trap_field_looks_sent_but_records_nothing(client, lab, mailoutbox, send_mails):
    response = send_mails(client.post, FORM, answers(lab, website="http://spam.example"))
    assert response.status_code == 302
    assert not WorkshopRequest.objects.exists()
    assert mailoutbox == []


def test_get_only_and_post_only_where_they_belong(client):
    assert client.put(FORM).status_code == 405
    assert client.post(DONE).status_code == 405


# Rate limit


def test_too_many_requests_from_one_address_are_refused(client, lab, settings):
    settings.WORKSHOP_REQUEST_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(FORM, answers(lab), REMOTE_ADDR="203.0.113.5").status_code == 302
    response = client.post(FORM, answers(lab), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert "sehr viele Anfragen" in response.content.decode()
    assert WorkshopRequest.objects.count() == 2
    assert client.post(FORM, answers(lab), REMOTE_ADDR="203.0.113.6").status_code == 302


def test_invalid_attempts_do_not_use_up_the_limit(client, lab, settings):
    settings.WORKSHOP_REQUEST_RATE_LIMIT = 1
    for _ in range(3):
        client.post(FORM, answers(lab, email="falsch"))
    assert client.post(FORM, answers(lab)).status_code == 302


# The admin


def test_managers_groups_may_see_and_change_requests_but_not_add_them(lab, manager):
    group = LabGroup.objects.get(lab=lab, role=LabRole.Role.MANAGER).group
    codenames = set(
        group.permissions.filter(content_type__app_label="labs").values_list("codename", flat=True)
    )
    assert {"view_workshoprequest", "change_workshoprequest"} <= codenames
    assert not Permission.objects.filter(
        group=group, codename__in=["add_workshoprequest", "delete_workshoprequest"]
    ).exists()


def test_nobody_adds_a_request_in_the_admin(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("workshop_anfragen:add")).status_code in (302, 403)
    assert (
        reverse("workshop_anfragen:add")
        not in client.get(reverse("workshop_anfragen:index")).content.decode()
    )


def test_manager_sees_own_labs_and_open_requests_not_another_labs(client, lab, manager, other_lab):
    create(lab=lab, company="Eigene GmbH")
    create(lab=None, company="Offene KG")
    foreign = create(lab=other_lab, company="Fremde AG")
    client.force_login(manager)

    content = client.get(reverse("workshop_anfragen:index")).content.decode()

    assert "Eigene GmbH" in content and "Offene KG" in content
    assert "offen für alle Labore" in content
    assert "Fremde AG" not in content
    assert client.get(reverse("workshop_anfragen:edit", args=[foreign.pk])).status_code == 404
    assert (
        client.post(reverse("workshop_anfragen:edit", args=[foreign.pk]), {"status": "done"}).status_code
        == 404
    )
    assert WorkshopRequest.objects.get(pk=foreign.pk).status == WorkshopRequest.Status.NEW


def test_list_shows_company_topic_staff_lab_date_and_status(client, lab, manager):
    create(lab=lab, company="Eigene GmbH", topic="Datensicherheit", staff_count=17)
    client.force_login(manager)
    content = client.get(reverse("workshop_anfragen:index")).content.decode()
    for text in ("Eigene GmbH", "Datensicherheit", "17", lab.title, "neu"):
        assert text in content


def test_manager_moves_a_request_on_and_closing_starts_the_retention_time(client, clock, lab, manager):
    request = create(lab=lab)
    client.force_login(manager)
    url = reverse("workshop_anfragen:edit", args=[request.pk])
    assert "Tischlerei Brandt GmbH" in client.get(url).content.decode()

    assert client.post(url, {"status": "in_progress", "lab": lab.pk}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.closed_at) == (WorkshopRequest.Status.IN_PROGRESS, None)

    client.post(url, {"status": "done", "lab": lab.pk})
    request.refresh_from_db()
    assert request.closed_at == timezone.now()

    client.post(url, {"status": "new", "lab": lab.pk})
    request.refresh_from_db()
    assert (request.status, request.closed_at) == (WorkshopRequest.Status.NEW, None)


def test_manager_takes_over_an_open_request_and_the_other_labs_no_longer_see_it(
    client, lab_with_contact, manager, other_lab, mailoutbox, send_mails
):
    request = create(lab=None)
    other_manager = make_manager(other_lab)
    mailoutbox.clear()
    client.force_login(manager)

    response = send_mails(
        client.post,
        reverse("workshop_anfragen:edit", args=[request.pk]),
        {"status": "in_progress", "lab": lab_with_contact.pk},
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.lab == lab_with_contact
    # The lab's contact address hears of it; the manager who took it over does not need a mail.
    assert [m.to for m in mailoutbox] == [["hameln@regionallabore.example"]]
    other = Client()
    other.force_login(other_manager)
    assert "Tischlerei" not in other.get(reverse("workshop_anfragen:index")).content.decode()


def test_manager_cannot_hand_a_request_to_a_lab_they_do_not_manage(client, lab, manager, other_lab):
    request = create(lab=lab)
    client.force_login(manager)
    response = client.post(
        reverse("workshop_anfragen:edit", args=[request.pk]), {"status": "new", "lab": other_lab.pk}
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.lab == lab


def test_the_service_refuses_a_manager_of_another_lab(lab, other_lab):
    from labs.exceptions import NotAllowed

    request = create(lab=other_lab)
    with pytest.raises(NotAllowed):
        workshop_request_update(workshop_request=request, status="done", lab=other_lab, by=make_manager(lab))


def test_superuser_sees_every_request(client, lab, other_lab):
    create(lab=lab, company="Eigene GmbH")
    create(lab=other_lab, company="Fremde AG")
    client.force_login(UserFactory(is_superuser=True))
    content = client.get(reverse("workshop_anfragen:index")).content.decode()
    assert "Eigene GmbH" in content and "Fremde AG" in content


def test_admin_list_runs_the_same_queries_for_3_and_30_requests(client, lab, manager, other_lab):
    client.force_login(manager)
    url = reverse("workshop_anfragen:index")

    def count_queries() -> int:
        client.get(url)  # warm caches (permissions, site) as a second visit would find them
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for number in range(3):
        create(lab=lab if number % 2 else None, company=f"Firma {number}")
    few = count_queries()
    for number in range(27):
        create(lab=lab if number % 2 else None, company=f"Firma {number + 3}")
    assert count_queries() == few


# Retention and the teaser


def test_retention_rule_names_closed_requests_after_a_year_and_open_ones_after_two(clock, lab):
    now = timezone.now()
    closed_long_ago = create(lab=lab, company="Alt")
    closed_lately = create(lab=lab, company="Neu")
    forgotten = create(lab=lab, company="Vergessen")
    WorkshopRequest.objects.filter(pk=closed_long_ago.pk).update(
        status="done", closed_at=now - timedelta(days=366)
    )
    WorkshopRequest.objects.filter(pk=closed_lately.pk).update(
        status="done", closed_at=now - timedelta(days=300)
    )
    WorkshopRequest.objects.filter(pk=forgotten.pk).update(updated_at=now - timedelta(days=731))
    due = set(workshop_requests_due_for_deletion(now=now).values_list("company", flat=True))
    assert due == {"Alt", "Vergessen"}


def test_teaser_leads_to_the_form(lab):
    html = render_to_string("labs/includes/workshop_request_teaser.html", {"preselect_lab": lab})
    assert "Ein Workshop für Ihr Team?" in html
    assert f'href="{FORM}?labor={lab.slug}"' in html
    assert f'href="{FORM}"' in render_to_string("labs/includes/workshop_request_teaser.html")


def test_new_lab_groups_get_the_request_permissions(lab):
    person = UserFactory()
    lab_role_grant(lab=lab, user=person, role=LabRole.Role.MANAGER)
    assert person.has_perm("labs.view_workshoprequest")
    assert person.has_perm("labs.change_workshoprequest")


def test_the_migration_gives_existing_manager_groups_the_request_permissions(lab, manager):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("labs.migrations.0006_workshop_requests")
    group = LabGroup.objects.get(lab=lab, role=LabRole.Role.MANAGER).group
    migration.revoke_request_permissions(apps, None)
    assert not group.permissions.filter(codename__endswith="_workshoprequest").exists()

    migration.grant_request_permissions(apps, None)

    codenames = set(
        group.permissions.filter(codename__endswith="_workshoprequest").values_list("codename", flat=True)
    )
    assert codenames == {"view_workshoprequest", "change_workshoprequest"}
