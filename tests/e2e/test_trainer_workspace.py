"""The trainer's workspace on a small phone: a group of twelve recorded in a few taps, the save bar never
hiding a name, a walk-in added on the spot."""

from datetime import timedelta

import pytest

from cms.services import site_structure_ensure
from courses.models import Attendance, Enrolment
from courses.services import run_close, walk_in_add
from tests.e2e.test_accessibility import PASSWORD, serious_violations
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAMES = [
    "Anna Albers",
    "Bernd Brandt",
    "Carla Cordes",
    "Dieter Dreyer",
    "Elke Ebeling",
    "Frieda Fricke",
    "Gerd Gehrke",
    "Hanna Hoppe",
    "Ingo Iwersen",
    "Jutta Jäger",
    "Klaus Kruse",
    "Lotte Lüdeke",
]


@pytest.fixture
def group():
    """A run whose first session meets tonight (so its sheet is open), twelve people, two seats left."""
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln")
    trainer = UserFactory(email="kursleitung@example.org", full_name="Tina Trainer")
    trainer.set_password(PASSWORD)
    trainer.save()
    run = CourseRunFactory(
        course=make_course(lab, title="Smartphone-Grundlagen"),
        trainers=[trainer],
        capacity=14,
        sessions=2,
        starts_in=timedelta(days=0),
    )
    enrolments = {name: EnrolmentFactory(run=run, user=UserFactory(full_name=name)) for name in NAMES}
    session = run.sessions.order_by("start").first()
    return {"run": run, "session": session, "enrolments": enrolments}


def log_in(page):
    page.goto("/konto/einloggen/")
    page.get_by_label("E-Mail-Adresse").fill("kursleitung@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def small_phone(browser, live_server, group):
    """The trainer, logged in on a small phone."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 667}, locale="de-DE"
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    log_in(page)
    yield page
    context.close()


class Taps:
    """Counts the taps a trainer makes."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        locator.click()
        self.count += 1


def recorded(session) -> dict[str, str]:
    rows = Attendance.objects.filter(session=session).select_related("enrolment__user")
    return {row.enrolment.user.full_name: row.status for row in rows}


def test_all_present_then_two_corrections_records_twelve_in_few_taps(small_phone, group):
    page, tap = small_phone, Taps()
    page.goto(f"/kursleitung/treffen/{group['session'].pk}/anwesenheit/")

    tap(page.get_by_role("button", name="Alle anwesend", exact=True))
    page.get_by_text("Anwesend: 12 von 12 Personen.").wait_for()
    for name in ("Carla Cordes", "Klaus Kruse"):
        tap(page.get_by_role("group", name=name).get_by_text("abwesend", exact=True))
    tap(page.get_by_role("button", name="Speichern"))
    page.get_by_text("Anwesend: 10 von 12 Personen.").wait_for()

    assert tap.count <= 14
    expected = dict.fromkeys(NAMES, "present") | {"Carla Cordes": "absent", "Klaus Kruse": "absent"}
    assert recorded(group["session"]) == expected


def test_marking_who_is_missing_then_all_others_present_takes_three_taps(small_phone, group):
    page, tap = small_phone, Taps()
    page.goto(f"/kursleitung/treffen/{group['session'].pk}/anwesenheit/")

    tap(page.get_by_role("group", name="Bernd Brandt").get_by_text("abwesend", exact=True))
    tap(page.get_by_role("group", name="Lotte Lüdeke").get_by_text("entschuldigt", exact=True))
    # Once someone is marked, the button says that it records the others.
    tap(page.get_by_role("button", name="Alle übrigen anwesend", exact=True))
    page.get_by_text("Anwesend: 10 von 12 Personen.").wait_for()

    assert tap.count == 3
    expected = dict.fromkeys(NAMES, "present") | {"Bernd Brandt": "absent", "Lotte Lüdeke": "excused"}
    assert recorded(group["session"]) == expected


def test_saving_with_people_unmarked_offers_to_finish(small_phone, group):
    page = small_phone
    page.goto(f"/kursleitung/treffen/{group['session'].pk}/anwesenheit/")
    page.get_by_role("group", name="Anna Albers").get_by_text("anwesend", exact=True).click()
    page.get_by_role("button", name="Speichern").click()

    page.get_by_text("Bei 11 Personen ist noch nichts eingetragen.").wait_for()
    page.get_by_role("button", name="Übrige als anwesend eintragen").click()

    page.get_by_text("Anwesend: 12 von 12 Personen.").wait_for()
    assert set(recorded(group["session"]).values()) == {"present"}


def test_save_bar_never_covers_a_name(small_phone, group):
    page = small_phone
    page.goto(f"/kursleitung/treffen/{group['session'].pk}/anwesenheit/")
    legends = page.locator("fieldset.attendance-person legend")
    assert legends.count() == 12
    covered = page.evaluate(
        """() => {
            const covered = [];
            for (const legend of document.querySelectorAll("fieldset.attendance-person legend")) {
                legend.scrollIntoView({block: "end"});
                const box = legend.getBoundingClientRect();
                const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
                const bottomHit = document.elementFromPoint(box.left + 4, box.bottom - 2);
                if (!legend.contains(hit) || !legend.contains(bottomHit)) {
                    covered.push(legend.textContent.trim());
                }
            }
            return covered;
        }"""
    )
    assert covered == []


def test_walk_in_added_on_the_phone_is_on_the_sheet_marked_present(small_phone, group):
    page = small_phone
    page.goto(f"/kursleitung/treffen/{group['session'].pk}/anwesenheit/")
    assert "Noch 2 Plätze frei." in page.locator("main").inner_text()

    page.get_by_label("Vor- und Nachname").fill("Grete Gast")
    page.get_by_role("button", name="Person eintragen").click()

    page.get_by_text("Grete Gast ist eingetragen und als anwesend markiert.").wait_for()
    assert page.get_by_role("group", name="Grete Gast").get_by_label("anwesend").is_checked()
    assert "Noch 1 Platz frei." in page.locator("main").inner_text()
    walk_in = Enrolment.objects.get(run=group["run"], walk_in=True)
    assert (walk_in.member_name, walk_in.user) == ("Grete Gast", None)


def test_walk_in_with_a_malformed_email_shows_the_error_beside_the_field(small_phone, group):
    page = small_phone
    page.goto(f"/kursleitung/treffen/{group['session'].pk}/anwesenheit/")

    page.get_by_label("Vor- und Nachname").fill("Grete Gast")
    page.get_by_label("E-Mail-Adresse").fill("grete@@example")
    page.get_by_role("button", name="Person eintragen").click()

    email = page.get_by_label("E-Mail-Adresse")
    assert email.get_attribute("aria-invalid") == "true"
    assert "gültige E-Mail-Adresse" in page.locator("#id_email_error").inner_text()
    assert not Enrolment.objects.filter(walk_in=True).exists()


def test_workspace_pages_have_no_serious_accessibility_violations(browser, live_server, group):
    session, run = group["session"], group["run"]
    Attendance.objects.create(
        session=session, enrolment=group["enrolments"]["Anna Albers"], status=Attendance.Status.PRESENT
    )
    later = run.sessions.order_by("start").last()
    trainer = run.trainers.get()
    finished = CourseRunFactory(
        course=run.course, trainers=[trainer], sessions=1, starts_in=timedelta(days=-7), capacity=4
    )
    walk_in_add(session=finished.sessions.get(), by=trainer, name="Grete Gast")
    run_close(run=finished, by=trainer)
    paths = {
        "dashboard": "/kursleitung/",
        "attendance_partly_filled": f"/kursleitung/treffen/{session.pk}/anwesenheit/",
        "attendance_too_early": f"/kursleitung/treffen/{later.pk}/anwesenheit/",
        "walk_in": f"/kursleitung/treffen/{session.pk}/ohne-anmeldung/",
        "run": f"/kursleitung/termine/{run.pk}/",
        "closed_run_outcome": f"/kursleitung/termine/{finished.pk}/abschliessen/",
    }
    assert serious_violations(browser, live_server.url, paths, "kursleitung@example.org") == []
