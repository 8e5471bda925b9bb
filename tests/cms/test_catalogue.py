from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Competence
from tests.factories import CourseRunFactory, EnrolmentFactory, make_course, make_lab

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [course.title for course in response.context["results"].object_list]


def test_catalogue_lists_published_courses(client, catalogue):
    make_course(title="Smartphone für Einsteiger")
    draft = make_course(title="Noch geheim")
    draft.unpublish()
    response = client.get("/kurse/")
    assert response.status_code == 200
    assert titles(response) == ["Smartphone für Einsteiger"]


def test_card_shows_lab_municipality_next_date_seats_and_audience(client, catalogue):
    lab = make_lab("Regionallabor Bad Pyrmont", municipality="bad-pyrmont")
    run = CourseRunFactory(course=make_course(lab, title="Sicher im Internet"), capacity=5)
    EnrolmentFactory(run=run)
    EnrolmentFactory(run=run)
    start = timezone.localtime(run.sessions.first().start)
    html = client.get("/kurse/").content.decode()
    assert "Regionallabor Bad Pyrmont, Bad Pyrmont" in html
    assert f"{start.day}. " in html and f"{start:%H:%M} Uhr" in html
    assert "Noch 3 Plätze frei" in html
    assert "Bürgerinnen und Bürger" in html


def test_full_course_says_waitlist_possible(client, catalogue):
    run = CourseRunFactory(course=make_course(title="Voll"), capacity=1)
    EnrolmentFactory(run=run)
    assert "Ausgebucht – Warteliste möglich" in client.get("/kurse/").content.decode()


def test_course_without_dates_says_so(client, catalogue):
    make_course(title="Bald wieder")
    assert "Zurzeit kein Termin" in client.get("/kurse/").content.decode()


def test_soonest_course_comes_first(client, catalogue):
    later = make_course(title="Später")
    sooner = make_course(title="Früher")
    CourseRunFactory(course=later, starts_in=timedelta(days=20))
    CourseRunFactory(course=sooner, starts_in=timedelta(days=2))
    assert titles(client.get("/kurse/")) == ["Früher", "Später"]


def test_filter_by_words(client, catalogue):
    make_course(title="Online-Banking ohne Angst")
    make_course(title="3D-Druck ausprobieren")
    assert titles(client.get("/kurse/", {"q": "banking"})) == ["Online-Banking ohne Angst"]


def test_filter_by_municipality(client, catalogue):
    make_course(make_lab("Labor Emmerthal", municipality="emmerthal"), title="In Emmerthal")
    make_course(make_lab("Labor Hameln", municipality="hameln"), title="In Hameln")
    assert titles(client.get("/kurse/", {"municipality": "emmerthal"})) == ["In Emmerthal"]


def test_filter_by_audience_topic_level_and_format(client, catalogue):
    make_course(title="Treffer", audience="associations", topic="safety", level=3, format="online")
    make_course(title="Anderes Publikum", audience="citizens", topic="safety", level=3, format="online")
    make_course(title="Anderes Thema", audience="associations", topic="ai", level=3, format="online")
    make_course(title="Andere Stufe", audience="associations", topic="safety", level=1, format="online")
    make_course(title="Andere Form", audience="associations", topic="safety", level=3, format="in_person")
    query = {"audience": "associations", "topic": "safety", "level": "3", "format": "online"}
    assert titles(client.get("/kurse/", query)) == ["Treffer"]


def test_filter_by_competence(client, catalogue):
    competence = Competence.objects.get(code="4.2")
    course = make_course(title="Datenschutz")
    course.competences.add(competence)
    course.save()
    make_course(title="Anderes")
    assert titles(client.get("/kurse/", {"competence": "4.2"})) == ["Datenschutz"]


def test_audience_preset_is_honoured_and_not_offered_as_filter(client, workshops):
    make_course(title="Für Betriebe", audience="businesses")
    make_course(title="Für alle", audience="citizens")
    response = client.get("/innovationsworkshops/", {"audience": "citizens"})
    assert titles(response) == ["Für Betriebe"]
    assert "audience" not in response.context["form"].fields


def test_invalid_filter_shows_message_and_is_ignored(client, catalogue):
    make_course(title="Smartphone")
    response = client.get("/kurse/", {"level": "99", "municipality": "atlantis"})
    assert response.status_code == 200
    assert titles(response) == ["Smartphone"]
    assert response.context["form"].errors.keys() == {"level"}


def test_no_match_says_so(client, catalogue):
    make_course(title="Smartphone")
    html = client.get("/kurse/", {"q": "Raumfahrt"}).content.decode()
    assert "Keine Kurse gefunden" in html
    assert "Dazu haben wir gerade keinen Kurs." in html


def test_results_are_paginated_keeping_the_filters(client, catalogue):
    lab = make_lab()
    for i in range(12):
        make_course(lab, title=f"Kurs {i:02d}", topic="ai")
    first = client.get("/kurse/", {"topic": "ai"})
    assert len(titles(first)) == 10
    assert "topic=ai&amp;page=2" in first.content.decode()
    second = client.get("/kurse/", {"topic": "ai", "page": "2"})
    assert titles(second) == ["Kurs 10", "Kurs 11"]


def test_page_number_out_of_range_shows_last_page(client, catalogue):
    make_course(title="Einziger")
    response = client.get("/kurse/", {"page": "abc"})
    assert response.status_code == 200
    assert titles(client.get("/kurse/", {"page": "99"})) == ["Einziger"]


def add_courses(n: int, start: int = 0):
    labs = [make_lab(municipality=m) for m in ("hameln", "emmerthal", "bad-pyrmont")]
    for i in range(start, start + n):
        course = make_course(labs[i % 3], title=f"Kurs {i:02d}")
        course.competences.add(*Competence.objects.all()[:2])
        course.save()
        run = CourseRunFactory(course=course, sessions=3)
        EnrolmentFactory(run=run)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_catalogue_query_count_is_the_same_for_3_and_25_courses(client, catalogue):
    add_courses(3)
    client.get("/kurse/")  # a running server has the site's root paths cached
    with_three = queries_for(client, "/kurse/?topic=basics")
    add_courses(22, start=3)
    assert queries_for(client, "/kurse/?topic=basics") == with_three
    assert with_three <= 17  # the language of each card's text is read with the page
