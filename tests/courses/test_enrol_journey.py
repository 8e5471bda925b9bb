"""From the home page to a seat in four page loads, and form errors the GOV.UK way.

The browser test (tests/e2e/test_enrol_journey.py) walks the journey on a phone; these tests pin the pieces
that make it short: the search before the introduction, filters folded after a search, a course card that
leads a single-date course straight to its enrolment, the enrolment form on the course page, and the error
summary with its "Fehler:" title on every form.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.forms import formset_factory
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.forms import LoginForm, SignupForm
from accounts.models import User
from cms.models import CatalogPage
from courses.models import Enrolment
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, home_page, make_course, make_lab

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return home_page().add_child(instance=CatalogPage(title="Kurse", slug="kurse"))


@pytest.fixture
def workshops():
    return home_page().add_child(
        instance=CatalogPage(title="Innovationsworkshops", slug="innovationsworkshops", audience="businesses")
    )


@pytest.fixture
def course():
    return make_course(
        make_lab("Regionallabor Hameln"),
        title="Smartphone-Grundlagen",
        body="<p>Wir zeigen Ihnen alles in Ruhe.</p>",
    )


def _signup(**overrides):
    data = {
        "full_name": "Erika Muster",
        "email": "erika@example.org",
        "password": "sonnen-blume-7",
        "consent": "on",
    }
    data.update(overrides)
    return data


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


# The way there


def test_home_page_puts_the_search_before_the_introduction(client, catalogue):
    home = home_page()
    home.intro = "Digital lernen, ganz in der Nähe."
    home.save()
    html = client.get("/").content.decode()
    assert 'name="q"' in html and 'name="near"' in html
    main = html[html.index("<main") :]
    assert main.index('class="finder') < main.index("Digital lernen, ganz in der Nähe.")


def test_catalogue_shows_the_whole_form_before_a_search(client, catalogue):
    html = client.get("/kurse/").content.decode()
    assert "filters-fold" not in html
    assert 'name="q"' in html


def test_catalogue_folds_the_form_after_a_search_and_names_what_was_searched(client, catalogue, course):
    CourseRunFactory(course=course)
    html = client.get("/kurse/", {"q": "Smartphone", "topic": "basics"}).content.decode()
    fold = re.search(r'<details class="filters-fold"([^>]*)>(.*?)</summary>', html, re.S)
    assert fold and "open" not in fold.group(1)
    assert "„Smartphone“" in fold.group(2)
    assert "Thema: Erste Schritte" in fold.group(2)
    assert "Suche ändern" in fold.group(2)
    # The results follow the folded form; the introduction is left out.
    assert html.index("filters-fold") < html.index('id="results-title"')
    assert "Alle Kurse der Regionallabore" not in html


def test_catalogue_opens_the_form_again_when_a_filter_is_wrong(client, catalogue):
    html = client.get("/kurse/", {"level": "99"}).content.decode()
    assert re.search(r'<details class="filters-fold" open>', html)
    assert "Es gibt ein Problem" in html
    assert 'href="#id_level"' in html
    assert _title(html).startswith("Fehler: ")


def test_card_of_a_single_date_course_leads_straight_to_its_enrolment(client, catalogue, course):
    run = CourseRunFactory(course=course)
    html = client.get("/kurse/").content.decode()
    assert (
        f'href="/termine/{run.pk}/anmelden/">Anmelden<span class="visually-hidden">: Smartphone-Grundlagen'
        in html
    )


def test_card_of_a_full_single_date_course_leads_to_the_waiting_list(client, catalogue, course):
    run = CourseRunFactory(course=course, capacity=1)
    EnrolmentFactory(run=run)
    html = client.get("/kurse/").content.decode()
    assert f'href="/termine/{run.pk}/anmelden/">Auf die Warteliste<span' in html


def test_card_of_a_course_with_several_dates_leads_to_its_dates(client, catalogue, course):
    CourseRunFactory(course=course)
    CourseRunFactory(course=course, starts_in=timedelta(days=21))
    html = client.get("/kurse/").content.decode()
    assert f'href="{course.url}#termine">Alle 2 Termine ansehen' in html
    assert "/anmelden/" not in html


@pytest.mark.parametrize(
    ("distance", "text"),
    [(3.4, "ca. 3 km entfernt"), (12.6, "ca. 13 km entfernt"), (0.4, "weniger als 1 km entfernt")],
)
def test_card_says_how_far_the_course_is_from_the_place_searched_for(rf, course, distance, text):
    from django.template.loader import render_to_string

    from courses.catalogue.selectors import courses_with_next_run

    [card_course] = courses_with_next_run(courses=[course])
    card_course.distance_km = distance
    html = render_to_string("includes/course_card.html", {"course": card_course}, request=rf.get("/"))
    assert text in html


def test_card_without_a_place_searched_for_says_no_distance(client, catalogue, course):
    CourseRunFactory(course=course)
    assert "entfernt" not in client.get("/kurse/").content.decode()


def test_workshop_catalogue_speaks_of_workshops_and_offers_the_request(client, workshops):
    lab = make_lab("Regionallabor Aerzen", municipality="aerzen")
    CourseRunFactory(course=make_course(lab, title="KI im Handwerk", audience="businesses"))
    html = client.get("/innovationsworkshops/").content.decode()
    assert "1 Workshop gefunden" in html
    assert "Workshops anzeigen" in html and "Workshops suchen" in html
    assert "Kurse anzeigen" not in html and "Kurs gefunden" not in html
    assert "workshop-teaser" in html
    html = client.get("/innovationsworkshops/", {"q": "Datenbank"}).content.decode()
    assert "Keine Workshops gefunden" in html
    assert "keinen Workshop" in html


def test_catalogue_query_count_does_not_grow_with_results(client, catalogue):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/kurse/", {"q": "Kurs"}).status_code == 200
        return len(captured)

    CourseRunFactory(course=make_course(make_lab(), title="Kurs eins"))
    client.get("/kurse/", {"q": "Kurs"})
    one = queries()
    for i in range(6):
        course = make_course(make_lab(), title=f"Kurs Nummer {i}")
        CourseRunFactory(course=course)
        if i % 2:
            CourseRunFactory(course=course, starts_in=timedelta(days=20))
    assert queries() == one


# The course page


def test_course_page_puts_the_dates_before_the_description(client, course):
    CourseRunFactory(course=course)
    html = client.get(course.url).content.decode()
    assert html.index('id="termine"') < html.index("Wir zeigen Ihnen alles in Ruhe.")
    assert html.index('id="termine"') < html.index('id="course-facts"')


def test_course_page_of_a_single_date_course_carries_the_enrolment_form(client, course):
    run = CourseRunFactory(course=course)
    html = client.get(course.url).content.decode()
    form = re.search(r'<form method="post" action="/termine/(\d+)/anmelden/".*?</form>', html, re.S)
    assert form and form.group(1) == str(run.pk)
    names = set(re.findall(r'name="([a-z_]+)"', form.group(0)))
    assert names == {"csrfmiddlewaretoken", "full_name", "email", "password", "consent"}
    assert "Verbindlich anmelden" in form.group(0)
    assert 'href="#anmeldung">Jetzt anmelden</a>' in html
    assert f"{reverse('accounts:login')}?next=/termine/{run.pk}/anmelden/" in html


def test_the_course_page_form_enrols_a_new_person_in_one_post(client, course):
    run = CourseRunFactory(course=course)
    response = client.post(reverse("courses:enrol", args=[run.pk]), _signup())
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:enrol", args=[run.pk])
    enrolment = Enrolment.objects.get()
    assert (enrolment.user.email, enrolment.status) == ("erika@example.org", Enrolment.Status.CONFIRMED)
    assert "Sie sind angemeldet" in client.get(response["Location"]).content.decode()


def test_logged_in_visitor_of_a_single_date_course_gets_the_button_not_the_form(client, course):
    run = CourseRunFactory(course=course)
    client.force_login(UserFactory())
    html = client.get(course.url).content.decode()
    assert f'href="/termine/{run.pk}/anmelden/">Jetzt anmelden</a>' in html
    assert 'name="password"' not in html


def test_course_with_several_dates_links_each_date_to_its_enrolment_page(client, course):
    first = CourseRunFactory(course=course)
    second = CourseRunFactory(course=course, starts_in=timedelta(days=21))
    html = client.get(course.url).content.decode()
    assert 'name="password"' not in html
    for run in (first, second):
        assert f'href="/termine/{run.pk}/anmelden/">Jetzt anmelden</a>' in html


def test_course_page_with_the_form_keeps_a_fixed_number_of_queries(client, course):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(course.url).status_code == 200
        return len(captured)

    CourseRunFactory(course=course, sessions=1)
    client.get(course.url)
    one = queries()
    CourseRunFactory(course=course, sessions=6, starts_in=timedelta(days=30))
    assert queries() == one


# The enrolment page


def test_enrol_page_shows_the_run_in_short_before_the_form_and_the_details_after(client, course):
    run = CourseRunFactory(course=course, sessions=3)
    html = client.get(reverse("courses:enrol", args=[run.pk])).content.decode()
    summary = html.index('class="enrol-summary"')
    first_field = html.index('name="full_name"')
    details = html.index('class="card section enrol-details"')
    assert summary < first_field < details
    assert "3 Treffen" in html[summary:first_field]
    assert html[details:].count(" Uhr</li>") + html[details:].count(" Uhr<br>") == 3


def test_confirmation_puts_the_calendar_button_before_the_details(client, course):
    run = CourseRunFactory(course=course)
    client.post(reverse("courses:enrol", args=[run.pk]), _signup())
    html = client.get(reverse("courses:enrol", args=[run.pk])).content.decode()
    assert html.index(reverse("calendar:run", args=[run.pk])) < html.index('class="sessions"')


def test_a_new_person_fills_four_fields_for_account_and_seat():
    assert list(SignupForm().fields) == ["full_name", "email", "password", "consent"]


# Errors the GOV.UK way


def test_failed_enrolment_shows_a_summary_linking_each_field_and_changes_nothing(client, course):
    run = CourseRunFactory(course=course)
    data = _signup(email="erika-at-example", password="")
    del data["consent"]
    response = client.post(reverse("courses:enrol", args=[run.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    summary = re.search(r'<div class="error-summary"[^>]*>.*?</ul>', html, re.S).group(0)
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary and 'role="alert"' in summary
    assert "Es gibt ein Problem" in summary
    assert re.findall(r'href="#(id_[a-z_]+)"', summary) == ["id_email", "id_password", "id_consent"]
    assert "Bitte wählen Sie ein Passwort." in summary
    assert "Bitte bestätigen Sie, dass Sie einverstanden sind." in summary
    # The summary stands first in the form; each message also stands beside its field.
    assert html.index("error-summary") < html.index('name="full_name"')
    assert 'id="id_email_error"' in html and 'id="id_password_error"' in html
    assert _title(html).startswith("Fehler: ")
    assert 'src="/static/js/error-summary.js"' in html
    assert not User.objects.exists() and not Enrolment.objects.exists()


def test_pages_without_errors_have_no_error_title_or_summary(client, course):
    run = CourseRunFactory(course=course)
    html = client.get(reverse("courses:enrol", args=[run.pk])).content.decode()
    assert not _title(html).startswith("Fehler")
    assert "error-summary" not in html.replace("error-summary.js", "")


def test_wrong_login_has_error_title_and_summary(client):
    UserFactory(email="anna@example.org")
    html = client.post(
        reverse("accounts:login"), {"email": "anna@example.org", "password": "falsch-falsch"}
    ).content.decode()
    assert _title(html).startswith("Fehler: ")
    assert "Es gibt ein Problem" in html and "E-Mail-Adresse oder Passwort stimmen nicht." in html


def test_login_without_password_asks_for_it_in_plain_words(client):
    html = client.post(reverse("accounts:login"), {"email": "anna@example.org"}).content.decode()
    assert '<a href="#id_password">Bitte geben Sie Ihr Passwort an.</a>' in html


def test_signup_page_has_error_title_and_summary(client):
    html = client.post(reverse("accounts:signup"), _signup(full_name="")).content.decode()
    assert _title(html).startswith("Fehler: ")
    assert '<a href="#id_full_name">Bitte geben Sie Ihren Namen an.</a>' in html


def test_password_reset_form_has_error_title_and_summary(client):
    html = client.post(reverse("accounts:password_reset"), {"email": ""}).content.decode()
    assert _title(html).startswith("Fehler: ")
    assert 'href="#id_email"' in html


def test_existing_email_is_told_to_log_in_with_it(client, course):
    UserFactory(email="erika@example.org")
    run = CourseRunFactory(course=course)
    html = client.post(reverse("courses:enrol", args=[run.pk]), _signup()).content.decode()
    assert "Bitte loggen Sie sich damit ein." in html
    assert "Mit dieser E-Mail-Adresse einloggen" in html


def test_error_title_counts_forms_and_formsets_of_any_name():
    template = Template("{% load form_errors %}{% error_title_prefix %}")
    login = LoginForm(data={"email": "x"})
    assert template.render(Context({"login_form": login})) == "Fehler: "
    assert template.render(Context({"form": LoginForm()})) == ""
    formset = formset_factory(LoginForm)(
        data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-email": "x"}
    )
    assert template.render(Context({"rows": formset})) == "Fehler: "


def test_builtin_email_message_is_polite_german(client):
    """Django's own message for a wrong email address says "Sie" (our catalogue, core/django_messages.py)."""
    with translation.override("de"):
        html = client.post(reverse("accounts:password_reset"), {"email": "erika-at-example"}).content.decode()
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    assert "Gib " not in html
