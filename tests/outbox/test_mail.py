"""Writing and sending mails: placeholders, languages, editors' texts and the CMS menu "E-Mail-Texte"."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates.models import Certificate
from certificates.notifications import CERTIFICATE_READY, send_certificate_ready
from certificates.services import certificate_issue
from courses.models import Enrolment
from outbox.mail import fill, mail_get, placeholder_error, register_mail, send
from outbox.models import MailText
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, moment

pytestmark = pytest.mark.django_db

# A mail of its own for these tests, with the plain layout: the text, then the greeting.
NOTICE = register_mail(
    "test_notice",
    label="Testnachricht",
    subject={"de": "Hinweis zu {course}", "en": "Note on {course}"},
    body={
        "de": "Guten Tag {name},\n\nes gibt Neues zu „{course}“.",
        "en": "Hello {name},\n\nthere is news on “{course}”.",
    },
    placeholders={"name": "Name", "course": "Kurs"},
    template="email/base",
)

ADD_URL = "wagtailsnippets_outbox_mailtext:add"
LIST_URL = "wagtailsnippets_outbox_mailtext:list"


def html(message) -> str:
    (alternative,) = message.alternatives
    assert alternative[1] == "text/html"
    return alternative[0]


# --- Placeholders ---------------------------------------------------------------------------------------


def test_known_placeholders_and_doubled_braces_are_fine():
    assert placeholder_error("Guten Tag {name}, {{ bitte }} zu {course}.", allowed=["name", "course"]) is None


def test_an_unknown_placeholder_is_named_with_the_ones_that_exist():
    error = placeholder_error("Guten Tag {vorname},", allowed=["name", "course"])
    assert (
        error == "Den Platzhalter {vorname} gibt es in dieser E-Mail nicht. Möglich sind: {name}, {course}."
    )


@pytest.mark.parametrize(
    "text", ["Guten Tag {name", "Guten Tag name}", "{name.__class__}", "{0}", "{}", "{name!r}"]
)
def test_a_malformed_placeholder_is_refused(text):
    assert placeholder_error(text, allowed=["name"])


def test_fill_puts_in_the_values_and_nothing_else():
    assert fill("Hallo {name}, {{name}} bleibt.", {"name": "Erika"}) == "Hallo Erika, {name} bleibt."


def test_a_default_text_with_an_unknown_placeholder_cannot_be_registered():
    with pytest.raises(ValueError):
        register_mail(
            "test_broken",
            label="Kaputt",
            subject={"de": "{kurs}", "en": "{kurs}"},
            body={"de": "Text", "en": "Text"},
            placeholders={"course": "Kurs"},
            template="email/base",
        )


# --- Sending --------------------------------------------------------------------------------------------


def test_send_writes_subject_text_and_html_in_the_language(mailoutbox):
    send(
        "test_notice",
        to=["erika@example.org"],
        language="de",
        context={"name": "Erika", "course": "Sicher online"},
    )
    send(
        "test_notice",
        to=["emily@example.org"],
        language="en",
        context={"name": "Emily", "course": "Safe online"},
    )

    german, english = mailoutbox
    assert (german.to, german.subject) == (["erika@example.org"], "Hinweis zu Sicher online")
    assert (
        german.body
        == "Guten Tag Erika,\n\nes gibt Neues zu „Sicher online“.\n\nViele Grüße\nIhre Regionallabore\n"
    )
    assert '<html lang="de">' in html(german)
    assert "<p>es gibt Neues zu „Sicher online“.</p>" in html(german)
    assert english.subject == "Note on Safe online"
    assert english.body.startswith("Hello Emily,\n\nthere is news on “Safe online”.")
    assert '<html lang="en">' in html(english)


def test_an_unknown_language_gets_the_german_mail(mailoutbox):
    send("test_notice", to=["x@example.org"], language="fr", context={"name": "Jean", "course": "Kurs"})
    assert mailoutbox[0].subject == "Hinweis zu Kurs"


def test_a_line_break_in_a_value_keeps_the_subject_on_one_line(mailoutbox):
    send(
        "test_notice",
        to=["x@example.org"],
        language="de",
        context={"name": "A", "course": "Kurs\r\nBcc: b@c.de"},
    )
    assert mailoutbox[0].subject == "Hinweis zu Kurs Bcc: b@c.de"
    assert mailoutbox[0].bcc == []


def test_values_are_escaped_in_html_only(mailoutbox):
    send(
        "test_notice",
        to=["x@example.org"],
        language="de",
        context={"name": "A", "course": "<b>Müller & Söhne</b>"},
    )
    assert "„<b>Müller & Söhne</b>“" in mailoutbox[0].body
    assert "&lt;b&gt;Müller &amp; Söhne&lt;/b&gt;" in html(mailoutbox[0])
    assert "<b>" not in html(mailoutbox[0])


def test_an_editors_text_is_used_per_language_and_an_empty_field_keeps_the_default(mailoutbox):
    MailText.objects.create(
        mail="test_notice", subject_de="Neu: {course}", body_en="Hi {name}, news on {course}."
    )

    send("test_notice", to=["x@example.org"], language="de", context={"name": "Erika", "course": "Kurs"})
    send("test_notice", to=["x@example.org"], language="en", context={"name": "Emily", "course": "Course"})

    german, english = mailoutbox
    assert german.subject == "Neu: Kurs"
    assert german.body.startswith("Guten Tag Erika,")
    assert english.subject == "Note on Course"
    assert english.body.startswith("Hi Emily, news on Course.")


def test_an_editors_text_that_no_longer_fits_gives_way_to_the_default(mailoutbox):
    # Saved before the code dropped a placeholder: the mail still goes out, with the default text.
    MailText.objects.create(mail="test_notice", subject_de="Hinweis für {vorname}")

    send("test_notice", to=["x@example.org"], language="de", context={"name": "Erika", "course": "Kurs"})

    assert mailoutbox[0].subject == "Hinweis zu Kurs"


def test_the_model_refuses_an_unknown_mail_and_unknown_placeholders():
    with pytest.raises(ValidationError) as refused:
        MailText(mail="postkarte", body_de="Hallo").full_clean()
    assert "mail" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        MailText(mail="test_notice", subject_de="{kurs}", body_en="{name").full_clean()
    assert set(refused.value.message_dict) == {"subject_de", "body_en"}


# --- The certificate mail moved onto the same system ----------------------------------------------------


@pytest.fixture
def certificate():
    user = UserFactory(full_name="Emily Jones", email="emily@example.org", language="en")
    run = CourseRunFactory(course=make_course(title="Sicher online"))
    enrolment = EnrolmentFactory(run=run, user=user, status=Enrolment.Status.COMPLETED, completed_at=moment())
    certificate = certificate_issue(enrolment=enrolment)
    return Certificate.objects.get(pk=certificate.pk)


def test_certificate_ready_is_written_in_the_persons_language_with_code_and_link(certificate, mailoutbox):
    send_certificate_ready(certificate.pk)

    (message,) = mailoutbox
    assert message.to == ["emily@example.org"]
    assert message.subject == "Your certificate is ready"
    for body in (message.body, html(message)):
        assert "Hello Emily" in body
        assert certificate.display_code in body
        assert certificate.verify_url in body
        assert "/meine-kurse/" in body
    assert mail_get(CERTIFICATE_READY).placeholders.keys() == {"name", "course", "code"}


# --- The CMS menu "E-Mail-Texte" ------------------------------------------------------------------------


@pytest.fixture
def editor(client):
    """A member of an editors' group holding what the menu needs: the admin and the MailText permissions."""
    group = Group.objects.create(name="Redaktion Test")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="outbox", content_type__model="mailtext"),
    )
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)
    return user


def test_adding_asks_which_mail_and_lists_every_registered_one(client, editor):
    response = client.get(reverse(ADD_URL))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Welche E-Mail möchten Sie anders formulieren?" in page
    assert "Anmeldung bestätigt" in page and "Zertifikat ist fertig" in page
    assert "?mail=enrolment_confirmed" in page


def test_the_form_starts_from_the_default_text_and_names_the_placeholders(client, editor):
    response = client.get(reverse(ADD_URL) + "?mail=enrolment_confirmed")

    assert response.status_code == 200
    form = response.context["form"]
    default = mail_get("enrolment_confirmed")
    assert form.initial["body_de"] == default.body["de"]
    assert form.initial["subject_en"] == default.subject["en"]
    assert "{course}" in form.fields["body_de"].help_text


def test_an_unknown_placeholder_is_refused_in_the_form_and_nothing_is_saved(client, editor):
    response = client.post(
        reverse(ADD_URL),
        {
            "mail": "enrolment_confirmed",
            "subject_de": "Sie sind dabei: {kurs}",
            "body_de": "Hallo {name}!",
            "subject_en": "",
            "body_en": "",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["subject_de"] == [
        "Den Platzhalter {kurs} gibt es in dieser E-Mail nicht. Möglich sind: {name}, {course}."
    ]
    assert not MailText.objects.exists()


def test_an_editor_saves_a_text_of_their_own(client, editor):
    response = client.post(
        reverse(ADD_URL),
        {
            "mail": "enrolment_confirmed",
            "subject_de": "Sie sind dabei: {course}",
            "body_de": "",
            "subject_en": "",
            "body_en": "",
        },
    )

    assert response.status_code == 302
    saved = MailText.objects.get()
    assert (saved.mail, saved.subject_de) == ("enrolment_confirmed", "Sie sind dabei: {course}")
    assert str(saved) == "Anmeldung bestätigt"


def test_a_second_text_for_the_same_mail_is_refused(client, editor):
    MailText.objects.create(mail="enrolment_confirmed", subject_de="Dabei: {course}")

    response = client.post(
        reverse(ADD_URL),
        {
            "mail": "enrolment_confirmed",
            "subject_de": "Noch einer",
            "body_de": "",
            "subject_en": "",
            "body_en": "",
        },
    )

    assert response.status_code == 200
    assert "Für diese E-Mail gibt es schon einen eigenen Text." in response.context["form"].errors["mail"][0]
    assert MailText.objects.count() == 1


def test_staff_without_the_permissions_do_not_reach_the_texts(client):
    group = Group.objects.create(name="Nur Verwaltung")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)

    assert "E-Mail-Texte" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(reverse(LIST_URL)).status_code in (302, 403)
    assert client.get(reverse(ADD_URL)).status_code in (302, 403)


def test_an_editors_text_is_changed_for_the_same_mail_only(client, editor):
    text = MailText.objects.create(mail="enrolment_confirmed", subject_de="Dabei: {course}")

    response = client.get(reverse("wagtailsnippets_outbox_mailtext:edit", args=[text.pk]))

    assert response.status_code == 200
    assert response.context["form"].fields["mail"].disabled
    assert "{course}" in response.context["form"].fields["subject_de"].help_text


def test_the_menu_shows_the_texts_to_editors_and_superusers(client, editor):
    assert "E-Mail-Texte" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "E-Mail-Texte" in client.get(reverse("wagtailadmin_home")).content.decode()
