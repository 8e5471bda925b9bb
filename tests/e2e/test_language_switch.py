"""The language switch in a real browser: from a page to its English counterpart and back, without JavaScript
needed, and an English page nobody has translated yet says so."""

import pytest
from wagtail.models import Locale

from cms.services import site_structure_ensure
from cms.translations import page_translation_publish
from tests.factories import CourseRunFactory, make_course, make_lab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def course():
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln")
    course = make_course(lab, title="Smartphone-Grundlagen")
    CourseRunFactory(course=course)
    return course


def test_the_switch_leads_to_the_translation_and_back(phone, course):
    translated = page_translation_publish(
        course, {"Smartphone-Grundlagen": "Smartphone basics", "smartphone-grundlagen": "smartphone-basics"}
    )
    phone.goto(course.url)
    phone.get_by_role("button", name="English").click()
    phone.wait_for_url(f"**{translated.url}")
    assert phone.locator("h1").inner_text() == "Smartphone basics"
    assert phone.locator("html").get_attribute("lang") == "en"
    phone.get_by_role("button", name="Deutsch").click()
    phone.wait_for_url(f"**{course.url}")
    assert phone.locator("h1").inner_text() == "Smartphone-Grundlagen"


def test_an_untranslated_page_says_so_and_marks_its_german_text(desktop, course):
    english = course.get_translation(Locale.objects.get(language_code="en"))
    desktop.goto(course.url)
    desktop.get_by_role("button", name="English").click()
    desktop.wait_for_url(f"**{english.url}")
    assert desktop.locator(".translation-note").is_visible()
    assert desktop.locator("main [lang=de] h1").inner_text() == "Smartphone-Grundlagen"
    assert desktop.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
