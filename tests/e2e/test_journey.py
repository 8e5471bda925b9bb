"""The whole journey in a real browser: from course offer to verified certificate, and the editor's side."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from pypdf import PdfReader

from accounts.models import User
from certificates.models import Certificate
from cms.services import site_structure_ensure
from courses.models import CoursePage, CourseRun, Enrolment
from courses.services import enrolment_create
from labs.models import LabPage, LabRole, Room
from labs.services import lab_role_grant
from tests.factories import (
    SESSION_LENGTH,
    CourseRunFactory,
    EnrolmentFactory,
    UserFactory,
    make_course,
    make_lab,
    session_start,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Kurs-Passwort-2026"


def log_in(page, email, password):
    page.goto("/konto/einloggen/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.locator("main form button[type=submit]").click()


@pytest.fixture
def offer():
    """A published lab and course offer with two runs, a trainer, and one participant already enrolled."""
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln", municipality="hameln")
    course = make_course(lab, title="Smartphone-Grundlagen")
    trainer = UserFactory(email="trainerin@example.org", full_name="Tina Trainer")
    trainer.set_password(PASSWORD)
    trainer.save()
    LabRole.objects.create(lab=lab, user=trainer, role=LabRole.Role.TRAINER)
    main_run = CourseRunFactory(course=course, capacity=2, sessions=2, trainers=[trainer])
    other_run = CourseRunFactory(
        course=course, capacity=1, sessions=1, title="Abendkurs", starts_in=timedelta(days=20)
    )
    classmate = EnrolmentFactory(run=main_run, user=UserFactory(full_name="Karl Klassen")).user
    return {
        "lab": lab,
        "course": course,
        "trainer": trainer,
        "run": main_run,
        "other": other_run,
        "classmate": classmate,
    }


def test_from_course_offer_to_verified_certificate(browser, live_server, phone, offer):
    page = phone
    run, other = offer["run"], offer["other"]

    # 1. A citizen finds the offer in the catalogue: dates, place and seats left.
    page.goto("/")
    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Kurse", exact=True).click()
    page.get_by_role("link", name="Smartphone-Grundlagen").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Smartphone-Grundlagen"
    body = page.locator("main").inner_text()
    assert "Regionallabor Hameln" in body
    assert re.search(r"(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d+\. \w+", body)
    assert re.search(r"[Nn]och 1 Platz frei", body)

    # 2. Account and enrolment in one form; the confirmation mail carries the sessions as .ics.
    page.locator(f"a[href='/termine/{run.pk}/anmelden/']").click()
    page.get_by_label("Name").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.get_by_text("Sie sind angemeldet").first.wait_for()
    erika = User.objects.get(email="erika@example.org")
    enrolment = Enrolment.objects.get(run=run, user=erika)
    assert enrolment.status == Enrolment.Status.CONFIRMED
    confirmation = next(m for m in mail.outbox if m.to == ["erika@example.org"])
    ics = [a for a in confirmation.attachments if a[0].endswith(".ics")]
    assert ics and ics[0][1].count("BEGIN:VEVENT") == 2

    # The second run is full: the citizen lands on the waiting list with her position.
    enrolment_create(run=other, user=UserFactory(full_name="Otto Voll"))
    page.goto(f"/termine/{other.pk}/anmelden/")
    page.get_by_role("button", name="Auf die Warteliste").click()
    page.get_by_text("Warteliste, Platz 1").first.wait_for()

    # 3. "Meine Kurse" shows her seat. When Otto cancels, his seat goes to her, the first on the list.
    page.goto("/meine-kurse/")
    assert "Smartphone-Grundlagen" in page.locator("main").inner_text()
    assert "Platz sicher" in page.locator("main").inner_text()
    otto_context = browser.new_context(base_url=live_server.url, locale="de-DE")
    otto_page = otto_context.new_page()
    otto = User.objects.get(full_name="Otto Voll")
    otto.set_password(PASSWORD)
    otto.save()
    log_in(otto_page, otto.email, PASSWORD)
    otto_page.goto("/meine-kurse/")
    otto_page.get_by_role("link", name=re.compile("Absagen")).first.click()
    otto_page.locator("main form button[type=submit]").click()
    otto_context.close()
    assert Enrolment.objects.get(run=other, user=erika).status == Enrolment.Status.CONFIRMED
    assert any(m.to == ["erika@example.org"] and "frei" in m.subject for m in mail.outbox)
    # ... and she cancels that seat herself, which is then free again.
    page.goto("/meine-kurse/")
    page.get_by_role("link", name=re.compile(r"Absagen.*Abendkurs")).click()
    page.locator("main form button[type=submit]").click()
    assert Enrolment.objects.get(run=other, user=erika).status == Enrolment.Status.CANCELLED

    # Time passes: both sessions of the main run have taken place.
    for offset, session in zip((14, 7), run.sessions.order_by("start"), strict=True):
        session.start = session_start(-offset)
        session.end = session.start + SESSION_LENGTH
        session.save()

    # 4. The trainer takes attendance on a phone, one tap per person.
    trainer_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, locale="de-DE"
    )
    trainer_page = trainer_context.new_page()
    log_in(trainer_page, "trainerin@example.org", PASSWORD)
    trainer_page.goto("/kursleitung/")
    trainer_page.locator(f"a[href='/kursleitung/termine/{run.pk}/']").first.click()
    for index in range(2):
        trainer_page.get_by_role("link", name=re.compile("Anwesenheit erfassen")).nth(index).click()
        trainer_page.get_by_role("group", name="Erika Mustermann").get_by_text("anwesend", exact=True).click()
        trainer_page.get_by_role("group", name="Karl Klassen").get_by_text(
            "anwesend" if index == 0 else "entschuldigt", exact=True
        ).click()
        trainer_page.get_by_role("button", name="Speichern").click()
        trainer_page.goto(f"/kursleitung/termine/{run.pk}/")

    # 5. The trainer closes the run: Erika completes (2 of 2), Karl does not (1 of 2 < 80 %).
    trainer_page.goto(f"/kursleitung/termine/{run.pk}/abschliessen/")
    trainer_page.get_by_role("button", name="Kurs abschließen und Zertifikate ausstellen").click()
    trainer_page.get_by_text("Geschafft").first.wait_for()
    trainer_context.close()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert Enrolment.objects.get(run=run, user=offer["classmate"]).status == Enrolment.Status.NOT_COMPLETED
    certificate = Certificate.objects.get(enrolment=enrolment)

    # The citizen downloads her certificate; the PDF names her and carries the code.
    page.goto("/meine-kurse/")
    assert certificate.display_code in page.locator("main").inner_text()
    response = page.request.get(f"/zertifikate/{certificate.code}.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Erika Mustermann" in text and certificate.display_code in text

    # 6. Anyone verifies it; the badge is a hosted Open Badges 2.0 assertion.
    stranger = browser.new_context(base_url=live_server.url, locale="de-DE").new_page()
    stranger.goto(f"/verify/{certificate.code}/")
    verdict = stranger.locator("main").inner_text()
    assert "echt und gültig" in verdict
    assert (
        "Erika Mustermann" in verdict
        and "Smartphone-Grundlagen" in verdict
        and "Regionallabor Hameln" in verdict
    )
    assertion = enrolment.badge_assertion
    badge = stranger.request.get(f"/badges/assertions/{assertion.uuid}.json")
    document = json.loads(badge.body())
    assert document["type"] == "Assertion" and document["verification"] == {"type": "hosted"}
    assert document["id"].endswith(f"/badges/assertions/{assertion.uuid}.json")
    stranger.goto("/verify/ABCD-EFGH-JKMN/")
    assert "nicht gefunden" in stranger.locator("main").inner_text().lower()
    stranger.context.close()


def test_editor_publishes_offer_and_manager_schedules_run(desktop, offer):
    """7. An editor creates a lab and a course offer in the Wagtail admin, previews and publishes it;
    a lab manager schedules a run with sessions, room, capacity and trainer."""
    page = desktop
    editor = User.objects.create_superuser(
        email="redaktion@example.org", password=PASSWORD, full_name="Rita Redaktion"
    )
    assert editor.is_superuser
    page.goto("/cms/login/")
    page.locator("#id_username").fill("redaktion@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cms/$"))

    index = offer["lab"].get_parent()
    page.goto(f"/cms/pages/add/labs/labpage/{index.pk}/")
    page.locator("#id_title").fill("Regionallabor Aerzen")
    page.locator("#id_municipality").select_option(label="Aerzen")
    page.locator("#id_intro").fill("Das Labor im Alten Rathaus.")
    page.locator("#id_town").fill("Aerzen")
    publish_page(page)
    lab = LabPage.objects.get(title="Regionallabor Aerzen", locale__language_code="de")
    assert lab.live and lab.get_parent().pk == index.pk

    page.goto(f"/cms/pages/add/courses/coursepage/{lab.pk}/")
    page.locator("#id_title").fill("Online-Dienste der Verwaltung")
    page.locator("#id_summary").fill("Wie Sie Anträge bequem von zu Hause stellen.")
    page.get_by_role("button", name=re.compile("Vorschau|Preview")).first.click()
    preview = page.frame_locator("iframe[title]").first
    preview.get_by_role("heading", level=1).wait_for()
    assert "Anträge bequem von zu Hause" in preview.locator("main").inner_text()
    publish_page(page)
    course = CoursePage.objects.get(title="Online-Dienste der Verwaltung", locale__language_code="de")
    assert course.live
    page.goto(course.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Online-Dienste der Verwaltung"

    # The lab manager schedules a run.
    manager = UserFactory(email="leitung@example.org", full_name="Lena Leitung")
    manager.set_password(PASSWORD)
    manager.save()
    lab_role_grant(lab=lab, user=manager, role=LabRole.Role.MANAGER)
    trainer = offer["trainer"]
    LabRole.objects.create(lab=lab, user=trainer, role=LabRole.Role.TRAINER)
    room = Room.objects.create(lab=lab, name="Werkstatt", capacity=12)
    page.context.clear_cookies()
    page.goto("/cms/login/")
    page.locator("#id_username").fill("leitung@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cms/$"))
    page.get_by_role("link", name="Kurstermine").first.click()
    page.get_by_role("link", name=re.compile("Kurstermin hinzufügen|Hinzufügen|Add")).first.click()
    page.locator("#id_course").select_option(str(course.pk))
    page.locator("#id_capacity").fill("10")
    page.locator("#id_room").select_option(str(room.pk))
    page.get_by_label("Tina Trainer").check()
    start = session_start(10)
    page.locator("#id_sessions-0-start").fill(start.strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_sessions-0-end").fill((start + SESSION_LENGTH).strftime("%Y-%m-%d %H:%M"))
    page.get_by_role("button", name=re.compile("^(Erstellen|Create)$")).click()
    page.get_by_role("heading", name="Kurstermine").wait_for()
    new_run = CourseRun.objects.get(course=course)
    assert new_run.lab_id == lab.pk and new_run.capacity == 10 and new_run.room == room
    assert list(new_run.trainers.all()) == [trainer]
    assert new_run.sessions.count() == 1


def publish_page(page):
    """Open the action menu of Wagtail's page editor and publish."""
    page.locator("[data-w-dropdown-target='toggle'], .dropdown-toggle").last.click()
    page.get_by_role("button", name=re.compile("Veröffentlichen|Publish")).click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/"))
