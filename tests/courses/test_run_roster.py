"""The lab's list of a run's people (/team/termine/<id>/): who may see and change it, its groups, the
actions through the services, the CSV and PDF exports and the links to it."""

import csv
import io
import re
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses import notifications
from courses.bookings.services import booking_create, booking_member_add
from courses.models import CourseRun, Enrolment, SeatRelease
from courses.services import enrolment_cancel, enrolment_create, enrolment_remove
from outbox.models import OutboxItem
from tests.factories import (
    CourseRunFactory,
    EnrolmentFactory,
    OrganisationFactory,
    UserFactory,
    make_contact,
    make_course,
    make_manager,
)

pytestmark = pytest.mark.django_db

S = Enrolment.Status


@pytest.fixture
def run(clock, lab):
    """Four seats, first session on Tuesday, 8 December 2026, 18:00 (the clock stands a week before)."""
    return CourseRunFactory(course=make_course(lab, title="Sicher online bezahlen"), capacity=4)


@pytest.fixture
def trainer(run):
    person = UserFactory(full_name="Tina Trainerin")
    run.trainers.add(person)
    return person


def roster_url(run):
    return reverse("staff:run_roster", args=[run.pk])


def person(name: str) -> User:
    return UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org")


def enrol(run, name: str) -> Enrolment:
    return enrolment_create(run=run, user=person(name))


def section(html: str, section_id: str) -> str:
    """The text of the page's section whose heading has this id ('' if there is none)."""
    match = re.search(rf'<h2 id="{section_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def page(client, run) -> str:
    response = client.get(roster_url(run))
    assert response.status_code == 200
    return response.content.decode()


def statuses(run) -> dict[str, str]:
    return {e.holder_name: e.status for e in Enrolment.objects.filter(run=run).select_related("user")}


def owed(kind) -> list[int]:
    return sorted(OutboxItem.objects.filter(kind=kind).values_list("object_id", flat=True))


# Who gets in


def test_the_list_asks_to_log_in_first(client, run):
    for url in (
        roster_url(run),
        reverse("staff:roster_csv", args=[run.pk]),
        reverse("staff:roster_pdf", args=[run.pk]),
        reverse("staff:run_cancel", args=[run.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_manager_of_the_lab_sees_the_people_and_every_form(client, run, manager):
    enrol(run, "Anna Alt")
    client.force_login(manager)
    html = page(client, run)

    assert "Anna Alt" in html
    assert "anna@example.org" in html
    assert reverse("staff:roster_enrol", args=[run.pk]) in html
    assert reverse("staff:run_cancel", args=[run.pk]) in html
    assert reverse("staff:roster_csv", args=[run.pk]) in html


def test_superuser_manages_every_run(client, run):
    enrolment = enrol(run, "Anna Alt")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = page(client, run)
    assert reverse("staff:roster_remove", args=[run.pk, enrolment.pk]) in html


def test_manager_of_another_lab_finds_nothing_and_changes_nothing(client, run, other_lab):
    enrolment = enrol(run, "Anna Alt")
    client.force_login(make_manager(other_lab))

    for url in (
        roster_url(run),
        reverse("staff:roster_csv", args=[run.pk]),
        reverse("staff:roster_pdf", args=[run.pk]),
        reverse("staff:roster_remove", args=[run.pk, enrolment.pk]),
        reverse("staff:run_cancel", args=[run.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Anna Alt" not in response.content.decode()
    response = client.post(reverse("staff:run_cancel", args=[run.pk]), {"message": "Fällt aus."})
    assert response.status_code == 404
    response = client.post(
        reverse("staff:roster_remove", args=[run.pk, enrolment.pk]), {"reason": "Einfach so."}
    )
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.status == CourseRun.Status.SCHEDULED
    assert statuses(run) == {"Anna Alt": S.CONFIRMED}


def test_participant_of_the_run_finds_nothing(client, run):
    enrolment = enrol(run, "Anna Alt")
    enrol(run, "Bert Bauer")
    client.force_login(enrolment.user)
    response = client.get(roster_url(run))
    assert response.status_code == 404
    assert "Bert Bauer" not in response.content.decode()


def test_trainer_reads_the_list_without_any_way_to_change_it(client, run, trainer):
    run.capacity = 1
    run.save()
    enrol(run, "Anna Alt")
    waiting = enrol(run, "Bert Bauer")
    client.force_login(trainer)
    html = page(client, run)

    assert "Anna Alt" in html and "Bert Bauer" in html
    assert "Sie können diese Liste lesen. Änderungen macht das Labor." in html
    roster = html.split('<div class="roster">')[1].split("<footer")[0]
    assert 'method="post"' not in roster
    for name in ("roster_remove", "roster_waitlist_move"):
        assert reverse(f"staff:{name}", args=[run.pk, waiting.pk]) not in html
    assert reverse("staff:run_cancel", args=[run.pk]) not in html
    assert reverse("staff:roster_enrol", args=[run.pk]) not in html
    assert "kurstermine" not in html


def test_trainers_actions_are_forbidden_and_change_nothing(client, run, trainer):
    run.capacity = 1
    run.save()
    enrol(run, "Anna Alt")
    waiting = enrol(run, "Bert Bauer")
    client.force_login(trainer)

    posts = [
        (
            reverse("staff:roster_enrol", args=[run.pk]),
            {"full_name": "Cora Call", "email": "cora@example.org"},
        ),
        (reverse("staff:roster_waitlist_move", args=[run.pk, waiting.pk]), {"add_seat": "on"}),
        (reverse("staff:roster_remove", args=[run.pk, waiting.pk]), {"reason": "Kein Platz."}),
        (reverse("staff:run_cancel", args=[run.pk]), {"message": "Fällt aus."}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    run.refresh_from_db()
    assert (run.status, run.capacity) == (CourseRun.Status.SCHEDULED, 1)
    assert statuses(run) == {"Anna Alt": S.CONFIRMED, "Bert Bauer": S.WAITLISTED}


# What the list shows


@pytest.fixture
def busy_run(clock, lab):
    """Seats freed go out as 24-hour offers; the people in every group."""
    run = CourseRunFactory(
        course=make_course(lab, title="Fotos vom Handy"),
        capacity=4,
        seat_release=SeatRelease.OFFER,
        offer_hours=24,
    )
    organisation = OrganisationFactory(name="Heimatverein Fischbeck e. V.")
    contact = make_contact(organisation, full_name="Vera Verein", email="verein@example.org")
    booking = booking_create(run=run, organisation=organisation, by=contact, seats=2)
    booking_member_add(booking=booking, by=contact, name="Erna Ehrenamt", email="erna@example.org")
    enrol(run, "Anna Alt")
    bert = enrol(run, "Bert Bauer")
    for name in ("Clara Conrad", "Dora Dietz", "Emil Engel", "Fritz Fuchs"):
        clock.shift(timedelta(minutes=5))
        enrol(run, name)
    clock.shift(timedelta(minutes=5))
    enrolment_cancel(enrolment=bert, by=bert.user)  # Clara is offered Bert's seat
    emil = Enrolment.objects.get(run=run, user__full_name="Emil Engel")
    enrolment_remove(enrolment=emil, by=make_manager(run.lab), reason="Zweimal angemeldet")
    return run


def test_the_run_facts_say_seats_deadlines_and_how_freed_seats_are_given(client, busy_run, manager):
    client.force_login(manager)
    html = page(client, busy_run)

    assert "Fotos vom Handy" in html
    assert "Dienstag, 8. Dezember 2026, 18:00 bis 20:00 Uhr" in html
    assert "4 Plätze" in html and "4 belegt, 0 frei" in html
    assert "Davon 1 Platz für eine Organisation reserviert, noch ohne Namen." in html
    assert "werden der ersten Person auf der Warteliste angeboten. Das Angebot gilt 24 Stunden." in html
    # 48 hours before the first session
    assert "Teilnehmende können bis Sonntag, 6. Dezember 2026, 18:00 Uhr selbst absagen." in html
    assert "bis Sonntag, 6. Dezember 2026, 18:00 Uhr niemandem gegeben hat" in html


def test_people_are_grouped_with_organisation_offer_end_and_waiting_position(client, busy_run, manager):
    client.force_login(manager)
    html = page(client, busy_run)

    attending = section(html, "teilnehmende")
    assert "Teilnehmende (1)" in attending
    assert "Anna Alt" in attending and "anna@example.org" in attending

    invited = section(html, "eingeladen")
    assert "Erna Ehrenamt" in invited and "erna@example.org" in invited
    assert "Gruppenbuchung: Heimatverein Fischbeck e. V." in invited

    reserved = section(html, "reserviert")
    assert "Heimatverein Fischbeck e. V." in reserved and "1 Platz ohne Namen" in reserved
    assert "Gebucht von Vera Verein" in reserved and "verein@example.org" in reserved

    offered = section(html, "angeboten")
    assert "Clara Conrad" in offered
    assert "Angebot gilt bis Mittwoch, 2. Dezember 2026, 10:25 Uhr" in offered

    waiting = section(html, "warteliste")
    assert "Warteliste (2)" in waiting
    assert waiting.index("Platz 1 auf der Warteliste") < waiting.index("Dora Dietz")
    assert waiting.index("Dora Dietz") < waiting.index("Platz 2 auf der Warteliste")
    assert waiting.index("Platz 2 auf der Warteliste") < waiting.index("Fritz Fuchs")
    assert "wartet seit Dienstag, 1. Dezember 2026, 10:10 Uhr" in waiting

    ended = section(html, "abgemeldet")
    assert "selbst abgesagt am Dienstag, 1. Dezember 2026, 10:25 Uhr" in ended
    assert "Bert Bauer" in ended
    assert "vom Labor entfernt am" in ended and "Begründung: Zweimal angemeldet" in ended
    for other in ("Anna Alt", "Clara Conrad", "Dora Dietz"):
        assert other not in ended


def test_after_closing_those_who_completed_and_those_who_did_not_stay_on_the_list(
    client, clock, lab, manager
):
    run = CourseRunFactory(course=make_course(lab), starts_in=-timedelta(days=15))
    run.status = CourseRun.Status.CLOSED
    run.closed_at = timezone.now()
    run.save()
    EnrolmentFactory(run=run, user=person("Anna Alt"), status=S.COMPLETED)
    EnrolmentFactory(run=run, user=person("Bert Bauer"), status=S.NOT_COMPLETED)
    client.force_login(manager)
    html = page(client, run)

    attending = section(html, "teilnehmende")
    assert "Anna Alt" in attending and "abgeschlossen" in attending
    assert "Bert Bauer" in attending and "nicht abgeschlossen" in attending
    assert reverse("staff:roster_enrol", args=[run.pk]) not in html
    assert reverse("staff:run_cancel", args=[run.pk]) not in html


# Actions


def test_someone_who_phoned_gets_a_seat_and_an_account_without_password(client, run, manager):
    client.force_login(manager)
    response = client.post(
        reverse("staff:roster_enrol", args=[run.pk]),
        {"full_name": "Gerda  Gast", "email": "Gerda@Example.org"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == roster_url(run)
    user = User.objects.get(email="gerda@example.org")
    assert user.full_name == "Gerda Gast"
    assert not user.has_usable_password()
    enrolment = Enrolment.objects.get(run=run, user=user)
    assert enrolment.status == S.CONFIRMED
    assert owed(notifications.ENROLMENT_CONFIRMATION) == [enrolment.pk]
    html = response.content.decode()
    assert "Gerda Gast ist angemeldet und bekommt eine Bestätigung per E-Mail." in html
    assert "Gerda Gast" in section(html, "teilnehmende")


def test_someone_who_phoned_for_a_full_course_waits_and_the_lab_reads_their_place(client, run, manager):
    for name in ("Anna Alt", "Bert Bauer", "Clara Conrad", "Dora Dietz", "Emil Engel"):
        enrol(run, name)
    client.force_login(manager)
    html = page(client, run)
    assert "Auf die Warteliste setzen" in html

    response = client.post(
        reverse("staff:roster_enrol", args=[run.pk]),
        {"full_name": "Gerda Gast", "email": "gerda@example.org"},
        follow=True,
    )
    assert statuses(run)["Gerda Gast"] == S.WAITLISTED
    assert "steht jetzt auf der Warteliste, auf Platz 2" in response.content.decode()


def test_a_phone_in_with_a_bad_address_comes_back_with_the_reason(client, run, manager):
    client.force_login(manager)
    response = client.post(
        reverse("staff:roster_enrol", args=[run.pk]), {"full_name": "Gerda Gast", "email": "gerda@"}
    )

    assert response.status_code == 200
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in response.content.decode()
    assert 'value="Gerda Gast"' in response.content.decode()
    assert not User.objects.filter(full_name="Gerda Gast").exists()
    assert not Enrolment.objects.filter(run=run).exists()


def test_a_phone_in_of_someone_already_enrolled_is_refused_with_the_services_message(client, run, manager):
    enrol(run, "Anna Alt")
    client.force_login(manager)
    response = client.post(
        reverse("staff:roster_enrol", args=[run.pk]),
        {"full_name": "Anna Alt", "email": "anna@example.org"},
        follow=True,
    )

    assert "Diese Person ist für diesen Kurs bereits angemeldet." in response.content.decode()
    assert Enrolment.objects.filter(run=run).count() == 1
    assert owed(notifications.ENROLMENT_CONFIRMATION) == list(
        Enrolment.objects.filter(run=run).values_list("pk", flat=True)
    )


@pytest.fixture
def full_run(run):
    run.capacity = 1
    run.save()
    enrol(run, "Anna Alt")
    enrol(run, "Bert Bauer")
    return run


def test_moving_someone_up_in_a_full_course_asks_for_one_seat_more(client, full_run, manager):
    waiting = Enrolment.objects.get(run=full_run, user__full_name="Bert Bauer")
    client.force_login(manager)
    html = page(client, full_run)
    assert "Einen Platz mehr freigeben (dann 2 Plätze)" in section(html, "warteliste")

    response = client.post(reverse("staff:roster_waitlist_move", args=[full_run.pk, waiting.pk]), follow=True)

    assert "Der Kurs ist voll. Geben Sie einen Platz mehr frei" in response.content.decode()
    full_run.refresh_from_db()
    assert full_run.capacity == 1
    assert statuses(full_run)["Bert Bauer"] == S.WAITLISTED
    assert owed(notifications.WAITLIST_PROMOTION) == []


def test_one_seat_more_moves_the_waiting_person_up(client, full_run, manager):
    waiting = Enrolment.objects.get(run=full_run, user__full_name="Bert Bauer")
    client.force_login(manager)
    response = client.post(
        reverse("staff:roster_waitlist_move", args=[full_run.pk, waiting.pk]), {"add_seat": "on"}, follow=True
    )

    full_run.refresh_from_db()
    assert full_run.capacity == 2
    assert statuses(full_run) == {"Anna Alt": S.CONFIRMED, "Bert Bauer": S.CONFIRMED}
    assert owed(notifications.WAITLIST_PROMOTION) == [waiting.pk]
    html = response.content.decode()
    assert "Bert Bauer hat jetzt einen Platz und bekommt eine E-Mail. Der Kurs hat jetzt 2 Plätze." in html
    assert "Bert Bauer" in section(html, "teilnehmende")


def test_an_open_offer_becomes_a_seat_at_once(client, clock, busy_run, manager):
    offered = Enrolment.objects.get(run=busy_run, status=S.OFFERED)
    client.force_login(manager)
    response = client.post(reverse("staff:roster_waitlist_move", args=[busy_run.pk, offered.pk]), follow=True)

    offered.refresh_from_db()
    assert offered.status == S.CONFIRMED
    assert "Clara Conrad hat jetzt einen Platz" in response.content.decode()
    busy_run.refresh_from_db()
    assert busy_run.capacity == 4


def test_removing_asks_for_a_reason_and_then_tells_the_person(client, full_run, manager):
    anna = Enrolment.objects.get(run=full_run, user__full_name="Anna Alt")
    url = reverse("staff:roster_remove", args=[full_run.pk, anna.pk])
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert "Anna Alt aus dem Kurs nehmen" in html and 'name="reason"' in html

    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert "Bitte geben Sie einen Grund an; die Person erfährt ihn." in response.content.decode()
    assert statuses(full_run)["Anna Alt"] == S.CONFIRMED

    response = client.post(url, {"reason": "Der Kurs ist für Vereine."}, follow=True)
    anna.refresh_from_db()
    assert (anna.status, anna.cancel_cause, anna.cancel_reason) == (
        S.CANCELLED,
        Enrolment.Cause.REMOVED,
        "Der Kurs ist für Vereine.",
    )
    assert owed(notifications.ENROLMENT_CANCELLED) == [anna.pk]
    assert statuses(full_run)["Bert Bauer"] == S.CONFIRMED  # the seat went to the waiting list
    assert "Anna Alt ist abgemeldet und bekommt eine E-Mail mit dem Grund." in response.content.decode()


def test_removing_after_the_course_is_refused_with_the_services_message(client, clock, lab, manager):
    run = CourseRunFactory(course=make_course(lab), starts_in=-timedelta(days=15))
    anna = EnrolmentFactory(run=run, user=person("Anna Alt"))
    url = reverse("staff:roster_remove", args=[run.pk, anna.pk])
    client.force_login(manager)

    assert "Der Kurs hat schon stattgefunden." in client.get(url).content.decode()
    assert reverse("staff:roster_remove", args=[run.pk, anna.pk]) not in page(client, run)
    response = client.post(url, {"reason": "Nie gekommen."}, follow=True)
    assert "Der Kurs hat schon stattgefunden." in response.content.decode()
    anna.refresh_from_db()
    assert anna.status == S.CONFIRMED


def test_a_place_of_another_run_is_not_found_through_this_one(client, run, manager, lab):
    other = enrolment_create(run=CourseRunFactory(course=make_course(lab)), user=person("Olga Other"))
    client.force_login(manager)
    response = client.post(reverse("staff:roster_remove", args=[run.pk, other.pk]), {"reason": "Weg."})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == S.CONFIRMED


def test_cancelling_the_run_says_who_is_told_and_needs_a_message(client, busy_run, manager):
    url = reverse("staff:run_cancel", args=[busy_run.pk])
    client.force_login(manager)
    html = client.get(url).content.decode()
    # Anna, Erna (invited), Clara (offered), Dora and Fritz (waiting); the unnamed seat is the booking's.
    assert "5 Personen bekommen Ihre Nachricht per E-Mail." in html
    assert "Die Gruppenbuchung einer Organisation wird storniert" in html

    response = client.post(url, {"message": ""})
    assert response.status_code == 200
    assert "Bitte schreiben Sie eine kurze Nachricht" in response.content.decode()
    busy_run.refresh_from_db()
    assert busy_run.status == CourseRun.Status.SCHEDULED

    response = client.post(url, {"message": "Die Kursleiterin ist krank."}, follow=True)
    busy_run.refresh_from_db()
    assert busy_run.status == CourseRun.Status.CANCELLED
    assert busy_run.cancellation_message == "Die Kursleiterin ist krank."
    assert not Enrolment.objects.filter(run=busy_run, status__in=Enrolment.ACTIVE).exists()
    assert len(owed(notifications.ENROLMENT_CANCELLED)) == 2 + 5  # Bert and Emil before, then the five
    html = response.content.decode()
    assert "Der Kurs ist abgesagt. 5 Personen bekommen Ihre Nachricht." in html
    assert "Die Kursleiterin ist krank." in html
    assert reverse("staff:run_cancel", args=[busy_run.pk]) not in html


def test_cancelling_a_cancelled_run_again_is_refused_and_changes_nothing(client, run, manager):
    client.force_login(manager)
    url = reverse("staff:run_cancel", args=[run.pk])
    client.post(url, {"message": "Fällt aus."})
    run.refresh_from_db()
    cancelled_at = run.cancelled_at

    assert "Dieser Kurs wurde abgesagt." in client.get(url).content.decode()
    response = client.post(url, {"message": "Noch einmal."}, follow=True)
    assert "Dieser Kurs wurde abgesagt." in response.content.decode()
    run.refresh_from_db()
    assert (run.cancellation_message, run.cancelled_at) == ("Fällt aus.", cancelled_at)


# Export


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_opens_in_german_excel_with_every_group(client, busy_run, manager):
    client.force_login(manager)
    response = client.get(reverse("staff:roster_csv", args=[busy_run.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="teilnehmerliste-fotos-vom-handy-2026-12-08.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    header = rows[0]
    assert header[:5] == ["Gruppe", "Name", "E-Mail-Adresse", "Organisation", "Stand"]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:] if row[1]}
    assert by_name["Anna Alt"]["Gruppe"] == "Teilnehmende"
    assert by_name["Anna Alt"]["E-Mail-Adresse"] == "anna@example.org"
    assert by_name["Erna Ehrenamt"]["Organisation"] == "Heimatverein Fischbeck e. V."
    assert by_name["Clara Conrad"]["Angebot gilt bis"] == "02.12.2026 10:25"
    assert by_name["Dora Dietz"]["Platz auf der Warteliste"] == "1"
    assert by_name["Fritz Fuchs"]["Platz auf der Warteliste"] == "2"
    assert by_name["Emil Engel"]["Grund"] == "vom Labor entfernt"
    assert by_name["Emil Engel"]["Begründung"] == "Zweimal angemeldet"
    reserved = [row for row in rows[1:] if row[0] == "Reserviert"]
    assert [(row[3], row[5]) for row in reserved] == [("Heimatverein Fischbeck e. V.", "1")]
    assert [row[0] for row in rows[1:]] == [
        "Teilnehmende",
        "Eingeladen",
        "Reserviert",
        "Platz angeboten",
        "Warteliste",
        "Warteliste",
        "Nicht mehr dabei",
        "Nicht mehr dabei",
    ]


def test_csv_cells_never_run_as_formulas(client, run, manager):
    for name in ('=HYPERLINK("http://x")', "+49 5151 1234", "-Minus", "@SUM(A1)"):
        enrolment_create(run=run, user=UserFactory(full_name=name))
    client.force_login(manager)
    rows = csv_rows(client.get(reverse("staff:roster_csv", args=[run.pk])))

    names = sorted(row[1] for row in rows[1:])
    assert names == sorted(['\'=HYPERLINK("http://x")', "'+49 5151 1234", "'-Minus", "'@SUM(A1)"])
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@"))


def test_trainers_may_export_the_list_they_read(client, run, trainer):
    enrol(run, "Anna Alt")
    client.force_login(trainer)
    assert "Anna Alt" in client.get(reverse("staff:roster_csv", args=[run.pk])).content.decode()
    assert client.get(reverse("staff:roster_pdf", args=[run.pk])).status_code == 200


def test_the_pdf_is_a_printable_list_with_the_names_in_their_groups(client, busy_run, manager, tmp_path):
    client.force_login(manager)
    response = client.get(reverse("staff:roster_pdf", args=[busy_run.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="teilnehmerliste-fotos-vom-handy-2026-12-08.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "liste.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    text = " ".join(text.decode().split())
    order = [
        "Teilnehmende (1)",
        "Anna Alt",
        "Eingeladen, noch nicht zugesagt (1)",
        "Erna Ehrenamt",
        "Reserviert, noch ohne Namen (1 Platz)",
        "Platz angeboten (1)",
        "Clara Conrad",
        "Warteliste (2)",
        "Dora Dietz",
        "Fritz Fuchs",
        "Nicht mehr dabei (2)",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "vom Labor entfernt: Zweimal angemeldet" in text
    assert "Dienstag, 8. Dezember 2026, 18:00 bis 20:00 Uhr" in text


# Fixed number of queries


def fill(run, lab, n: int) -> None:
    """n people in each group: taking part, invited and reserved (a booking), offered, waiting, ended."""
    run.capacity = 4 * n
    run.seat_release = SeatRelease.OFFER
    run.save()
    organisation = OrganisationFactory()
    contact = make_contact(organisation)
    booking = booking_create(run=run, organisation=organisation, by=contact, seats=2 * n)
    for i in range(n):
        booking_member_add(booking=booking, by=contact, name=f"Mitglied {i}", email=f"m{i}@example.org")
    people = [enrolment_create(run=run, user=UserFactory()) for _ in range(4 * n)]
    for enrolment in people[:n]:
        enrolment_cancel(enrolment=enrolment, by=enrolment.user)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["staff:run_roster", "staff:roster_csv"])
def test_the_list_takes_the_same_queries_for_3_and_30_people_per_group(client, clock, lab, manager, name):
    small = CourseRunFactory(course=make_course(lab))
    large = CourseRunFactory(course=make_course(lab))
    fill(small, lab, 3)
    fill(large, lab, 30)
    assert Enrolment.objects.filter(run=large, status=S.OFFERED).count() == 30
    client.force_login(manager)
    count_queries(client, reverse(name, args=[small.pk]))  # session and caches warm

    assert count_queries(client, reverse(name, args=[large.pk])) == count_queries(
        client, reverse(name, args=[small.pk])
    )


# Links to the list


def test_the_admins_run_list_and_edit_view_lead_to_the_list(client, run, manager):
    client.force_login(manager)
    index = client.get(reverse("kurstermine:index")).content.decode()
    edit = client.get(reverse("kurstermine:edit", args=[run.pk])).content.decode()
    assert roster_url(run) in index
    assert roster_url(run) in edit


def test_the_trainers_run_page_leads_to_the_list(client, run, trainer):
    client.force_login(trainer)
    html = client.get(reverse("trainer:run_detail", args=[run.pk])).content.decode()
    assert roster_url(run) in html
