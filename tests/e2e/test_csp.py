"""The Content-Security-Policy in a real browser: the key pages load without a single violation, and no page
asks another host for anything."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from cms.services import site_structure_ensure
from courses.badges.services import badge_award, badge_class_for_course
from courses.models import Enrolment
from tests.e2e.test_accessibility import PASSWORD
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab, moment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Collects what the browser refuses, before any script of the page runs (init scripts are not under the CSP).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def pages():
    site_structure_ensure()
    lab = make_lab("Regionallabor Hameln")
    course = make_course(lab, title="Smartphone für Einsteiger", body="<p>In Ruhe erklärt.</p>")
    trainer = UserFactory(email="kursleitung@example.org")
    holder = UserFactory(email="teilnahme@example.org", full_name="Erika Mustermann")
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    for person in (trainer, holder, admin):
        person.set_password(PASSWORD)
        person.save()
    run = CourseRunFactory(course=course, capacity=8, sessions=1, starts_in=timedelta(0), trainers=[trainer])
    EnrolmentFactory(run=run)
    past = CourseRunFactory(course=course, sessions=2, starts_in=-timedelta(days=20))
    enrolment = EnrolmentFactory(
        run=past, user=holder, status=Enrolment.Status.COMPLETED, completed_at=moment()
    )
    assertion = badge_award(enrolment=enrolment, badge_class=badge_class_for_course(course=course))
    return {
        None: {
            "home": "/",
            "catalogue": "/kurse/",
            "course": course.url,
            "verify": "/verify/",
            "cms login": "/cms/login/",
            "api docs": "/api/docs/",
        },
        "teilnahme@example.org": {
            "enrol": f"/termine/{run.pk}/anmelden/",
            "badge assertion": f"/badges/assertions/{assertion.uuid}/",
        },
        "kursleitung@example.org": {
            "attendance": f"/kursleitung/treffen/{run.sessions.get().pk}/anwesenheit/",
        },
        "admin@example.org": {
            "cms dashboard": "/cms/",
            "cms course page": f"/cms/pages/{course.pk}/edit/",
            "django admin": "/django-admin/",
        },
    }


def visit(browser, base_url: str, paths: dict[str, str], login: str | None) -> tuple[list[str], set[str]]:
    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 740}, locale="de-DE")
    context.add_init_script(LISTEN)
    page = context.new_page()
    own_host = urlsplit(base_url).netloc
    messages, hosts = [], set()
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    if login:
        page.goto("/konto/einloggen/")
        page.get_by_label("E-Mail-Adresse").fill(login)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    for name, path in paths.items():
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response.ok, f"{name}: {response.status}"
        for violation in page.evaluate("window.__cspViolations"):
            messages.append(f"{name}: {violation}")
    context.close()
    hosts.discard(own_host)
    return messages, {host for host in hosts if host}


@pytest.mark.parametrize(
    "login", [None, "teilnahme@example.org", "kursleitung@example.org", "admin@example.org"]
)
def test_key_pages_break_no_rule_of_the_policy_and_ask_no_other_host(browser, live_server, pages, login):
    violations, other_hosts = visit(browser, live_server.url, pages[login], login)
    assert violations == []
    assert other_hosts == set()
