"""Mein Kompetenzpass: the DigComp 2.2 competences a person reached through completed courses, and the next
courses that would close the gaps."""

import io
import re
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from courses.models import Competence, CourseRun, Enrolment
from tests.factories import BERLIN, CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab

pytestmark = pytest.mark.django_db

URL = reverse("competences:passport")
PDF_URL = reverse("competences:passport_pdf")
COMPLETED_AT = datetime(2026, 11, 17, 20, 0, tzinfo=BERLIN)


def _course(title: str, codes: list[str], level: int = 1, lab=None):
    course = make_course(lab, title=title, level=level)
    course.competences.set(Competence.objects.filter(code__in=codes))
    course.save()
    return course


def _complete(user, course, completed_at=COMPLETED_AT):
    run = CourseRunFactory(course=course, starts_in=-timedelta(days=30))
    return EnrolmentFactory(run=run, user=user, status=Enrolment.Status.COMPLETED, completed_at=completed_at)


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """The page as read: tags gone, white space folded."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r" ([,.;:)])", r"\1", text)


def _next_steps(html: str) -> str:
    return _text(html.split('id="naechste-schritte"', 1)[1])


@pytest.fixture
def person(clock):
    return UserFactory(full_name="Hannelore Schmidt")


# The page


def test_passport_needs_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_passport_shows_every_area_and_competence_even_when_none_is_reached(client, person):
    html = _page(client, person)
    text = _text(html)
    assert html.count('class="section passport-area"') == 5
    for area in ("1 Umgang mit Informationen und Daten", "4 Sicherheit", "5 Problemlösung"):
        assert area in text
    assert html.count("noch offen") == 21
    assert "4.2 Personenbezogene Daten und Privatsphäre schützen" in text


def test_completed_course_reaches_its_competences_at_its_level_with_course_and_date(client, person):
    _complete(person, _course("Sicher online bezahlen", ["4.2"], level=2))
    text = _text(_page(client, person))
    item = text.split("4.2 Personenbezogene Daten und Privatsphäre schützen", 1)[1][:200]
    assert "erreicht: Stufe 2 (Grundlagen)" in item
    assert "Sicher online bezahlen abgeschlossen am Dienstag, 17. November 2026" in item


def test_highest_level_counts_and_names_the_course_that_gave_it(client, person):
    _complete(person, _course("Erste Schritte im Netz", ["4.2"], level=1))
    _complete(person, _course("Datenschutz für Fortgeschrittene", ["4.2"], level=3))
    text = _text(_page(client, person))
    item = text.split("4.2 Personenbezogene Daten und Privatsphäre schützen", 1)[1].split("4.3", 1)[0]
    assert "erreicht: Stufe 3 (Mittelstufe)" in item
    assert "Datenschutz für Fortgeschrittene" in item
    assert "Erste Schritte im Netz" not in item


def test_courses_of_the_same_highest_level_are_both_named(client, person):
    _complete(person, _course("Passwörter im Griff", ["4.1"], level=2))
    _complete(person, _course("Das Smartphone schützen", ["4.1"], level=2))
    item = _text(_page(client, person)).split("4.1 Geräte schützen", 1)[1].split("4.2", 1)[0]
    assert "Passwörter im Griff" in item
    assert "Das Smartphone schützen" in item


@pytest.mark.parametrize(
    "status",
    [Enrolment.Status.CONFIRMED, Enrolment.Status.NOT_COMPLETED, Enrolment.Status.CANCELLED],
)
def test_only_a_completed_course_reaches_a_competence(client, person, status):
    run = CourseRunFactory(course=_course("Sicher online bezahlen", ["4.2"]), starts_in=-timedelta(days=30))
    EnrolmentFactory(run=run, user=person, status=status)
    assert _page(client, person).count("noch offen") == 21


def test_another_persons_completed_course_does_not_count(client, person):
    _complete(UserFactory(), _course("Sicher online bezahlen", ["4.2"]))
    assert _page(client, person).count("noch offen") == 21


def test_summary_counts_the_competences_reached(client, person):
    _complete(person, _course("Sicher online bezahlen", ["4.1", "4.2"]))
    _complete(person, _course("Videotelefonie", ["2.1", "4.2"]))
    text = _text(_page(client, person))
    assert "Sie haben 3 von 21 Kompetenzen erreicht." in text
    assert "2 von 4 erreicht" in text  # Sicherheit


def test_level_is_said_in_words_beside_the_bar(client, person):
    _complete(person, _course("Sicher online bezahlen", ["4.2"], level=2))
    html = _page(client, person)
    assert '<span class="level-bar" aria-hidden="true">' in html
    assert html.count("level-bar__step--on") == 2


def test_person_without_completed_course_is_encouraged_and_offered_next_steps(client, person):
    _course("Sicher online bezahlen", ["4.2"])
    run = CourseRunFactory(course=_course("Passwörter im Griff", ["4.1"]), starts_in=timedelta(days=5))
    html = _page(client, person)
    text = _text(html)
    assert "Sie haben noch keinen Kurs abgeschlossen." in text
    assert "Passwörter im Griff" in _next_steps(html)
    assert run.course.url in html
    assert PDF_URL not in html


def test_page_offers_the_pdf_once_something_is_reached(client, person):
    _complete(person, _course("Sicher online bezahlen", ["4.2"]))
    html = _page(client, person)
    assert f'href="{PDF_URL}"' in html
    assert "Als PDF herunterladen" in html


def test_menu_links_to_the_passport(client, person):
    client.force_login(person)
    html = client.get(reverse("courses:my_courses")).content.decode()
    assert f'href="{URL}"' in html


def test_passport_in_english(client, person):
    _complete(person, _course("Sicher online bezahlen", ["4.2"], level=2))
    client.force_login(person)
    text = _text(client.get("/en" + URL).content.decode())  # English pages live under /en/
    assert "4 Safety" in text
    assert "4.2 Protecting personal data and privacy" in text
    assert "Foundation" in text


# Next steps


def test_suggests_an_upcoming_course_with_a_missing_competence(client, person):
    _complete(person, _course("Passwörter im Griff", ["4.1"]))
    CourseRunFactory(course=_course("Sicher online bezahlen", ["4.2"]), starts_in=timedelta(days=5))
    steps = _next_steps(_page(client, person))
    assert "Sicher online bezahlen" in steps
    assert "Schließt diese Lücken 4.2 Personenbezogene Daten und Privatsphäre schützen" in steps


def test_suggests_a_course_that_raises_a_reached_level(client, person):
    _complete(person, _course("Erste Schritte im Netz", ["4.2"], level=1))
    CourseRunFactory(course=_course("Datenschutz vertieft", ["4.2"], level=3), starts_in=timedelta(days=5))
    steps = _next_steps(_page(client, person))
    assert "Datenschutz vertieft" in steps
    assert "(bisher Stufe 1)" in steps


def test_does_not_suggest_a_course_at_a_level_already_reached(client, person):
    _complete(person, _course("Datenschutz vertieft", ["4.2"], level=3))
    CourseRunFactory(course=_course("Erste Schritte im Netz", ["4.2"], level=2), starts_in=timedelta(days=5))
    assert "Erste Schritte im Netz" not in _next_steps(_page(client, person))


def test_does_not_suggest_a_course_without_competences(client, person):
    CourseRunFactory(course=_course("Offener Werkstattabend", []), starts_in=timedelta(days=5))
    assert "Offener Werkstattabend" not in _next_steps(_page(client, person))


@pytest.mark.parametrize(
    "status",
    [Enrolment.Status.CONFIRMED, Enrolment.Status.WAITLISTED, Enrolment.Status.OFFERED],
)
def test_does_not_suggest_a_course_the_person_holds_a_place_in(client, person, status):
    course = _course("Sicher online bezahlen", ["4.2"])
    CourseRunFactory(course=course, starts_in=timedelta(days=5))
    EnrolmentFactory(
        run=CourseRunFactory(course=course, starts_in=timedelta(days=12)), user=person, status=status
    )
    assert "Sicher online bezahlen" not in _next_steps(_page(client, person))


def test_does_not_suggest_a_course_the_person_completed(client, person):
    course = _course("Sicher online bezahlen", ["4.2"])
    _complete(person, course)
    CourseRunFactory(course=course, starts_in=timedelta(days=5))
    assert "Sicher online bezahlen" not in _next_steps(_page(client, person))


def test_does_not_suggest_an_unpublished_course(client, person):
    course = _course("Sicher online bezahlen", ["4.2"])
    CourseRunFactory(course=course, starts_in=timedelta(days=5))
    course.unpublish()
    assert "Sicher online bezahlen" not in _next_steps(_page(client, person))


def test_does_not_suggest_a_run_whose_enrolment_has_closed(client, person):
    run = CourseRunFactory(course=_course("Sicher online bezahlen", ["4.2"]), starts_in=timedelta(days=5))
    run.enrolment_closes_at = datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)  # an hour before the clock
    run.save()
    assert "Sicher online bezahlen" not in _next_steps(_page(client, person))


def test_does_not_suggest_a_run_that_has_begun_or_was_cancelled(client, person):
    CourseRunFactory(course=_course("Sicher online bezahlen", ["4.2"]), starts_in=timedelta(days=-1))
    cancelled = CourseRunFactory(course=_course("Passwörter im Griff", ["4.1"]), starts_in=timedelta(days=5))
    CourseRun.objects.filter(pk=cancelled.pk).update(status=CourseRun.Status.CANCELLED)
    steps = _next_steps(_page(client, person))
    assert "Sicher online bezahlen" not in steps
    assert "Passwörter im Griff" not in steps


def test_suggestions_close_most_gaps_first_then_start_soonest(client, person):
    CourseRunFactory(course=_course("Later single", ["1.1"]), starts_in=timedelta(days=20))
    CourseRunFactory(course=_course("Soon single", ["1.2"]), starts_in=timedelta(days=3))
    CourseRunFactory(course=_course("Late double", ["2.1", "2.2"]), starts_in=timedelta(days=30))
    steps = _next_steps(_page(client, person))
    assert steps.index("Late double") < steps.index("Soon single") < steps.index("Later single")


def test_at_most_five_suggestions(client, person):
    for i in range(7):
        CourseRunFactory(course=_course(f"Angebot {i}", ["3.1"]), starts_in=timedelta(days=3 + i))
    html = _page(client, person)
    assert html.count('class="card passport-suggestion"') == 5
    assert "Angebot 5" not in _next_steps(html)


def test_a_course_is_suggested_once_with_its_soonest_open_run(client, person):
    course = _course("Sicher online bezahlen", ["4.2"])
    CourseRunFactory(course=course, starts_in=timedelta(days=14))
    CourseRunFactory(course=course, starts_in=timedelta(days=7))
    html = _page(client, person)
    assert html.count('class="card passport-suggestion"') == 1
    assert "Dienstag, 8. Dezember 2026, 18:00 Uhr" in _next_steps(html)


def test_nothing_to_suggest_says_so(client, person):
    assert "Zurzeit gibt es keine Termine" in _next_steps(_page(client, person))


def _count_queries(client) -> int:
    # Wagtail caches the site's root paths; each count starts cold so both pay for them once.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_page_takes_the_same_number_of_queries_for_few_and_many_courses(client, person):
    labs = [make_lab(), make_lab(municipality="aerzen")]
    codes = [c.code for c in Competence.objects.all()]

    def add(completed: int, upcoming: int, offset: int):
        for i in range(completed):
            _complete(person, _course(f"Abgeschlossen {offset + i}", [codes[i % 21]], lab=labs[i % 2]))
        for i in range(upcoming):
            course = _course(
                f"Kommend {offset + i}", codes[i % 21 : i % 21 + 2], level=1 + i % 4, lab=labs[i % 2]
            )
            CourseRunFactory(course=course, starts_in=timedelta(days=3 + i), sessions=3)

    client.force_login(person)
    client.get(URL)  # the first page of a new site stores its settings
    add(1, 3, 0)
    few = _count_queries(client)
    add(9, 27, 100)
    many = _count_queries(client)
    assert many == few
    assert few <= 20


# The PDF


def test_pdf_needs_login(client):
    response = client.get(PDF_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_pdf_is_a_download_named_kompetenzpass(client, person):
    client.force_login(person)
    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Kompetenzpass.pdf"'


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_pdf_names_the_person_and_the_competences_reached(client, person):
    _complete(person, _course("Sicher online bezahlen", ["4.2"], level=2))
    client.force_login(person)
    text = _pdf_text(client.get(PDF_URL))
    assert "Hannelore Schmidt" in text
    assert "Personenbezogene Daten und Privatsphäre schützen" in text
    assert "Stufe 2 (Grundlagen)" in text
    assert "Sicher online bezahlen" in text
    assert "Stand: 1. Dezember 2026" in text


def test_pdf_in_english(client, person):
    _complete(person, _course("Sicher online bezahlen", ["4.2"], level=2))
    client.force_login(person)
    text = _pdf_text(client.get("/en" + PDF_URL))
    assert "Protecting personal data and privacy" in text
    assert "Safety" in text
