"""A business asks for a workshop on a phone without JavaScript; axe and reflow on the form and its result."""

import pytest

from labs.models import WorkshopRequest
from tests.factories import make_lab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FORM = "/innovationsworkshops/anfrage/"


@pytest.fixture
def lab():
    return make_lab("Regionallabor Hameln", contact_email="hameln@example.org")


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def fill_in(page, lab) -> None:
    page.get_by_label("Firma oder Organisation").fill("Tischlerei Brandt GmbH")
    page.get_by_label("Ihr Name").fill("Jana Brandt")
    page.get_by_label("E-Mail-Adresse").fill("jana@brandt.example")
    page.get_by_label("Worum soll es gehen?").fill("KI im Büro")
    page.get_by_label("Wie viele Mitarbeitende nehmen teil?").fill("12")
    page.get_by_label("Wann passt es Ihnen?").fill("Dienstags vormittags im Januar")
    page.get_by_label("Wo soll der Workshop sein?").select_option(label=lab.title)
    page.get_by_label("Ich bin einverstanden").check()


def test_business_sends_a_request_on_a_phone_without_javascript(browser, live_server, lab):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 667},
        locale="de-DE",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(FORM)
    assert not page.get_by_label("Dieses Feld bitte leer lassen").is_visible()

    page.get_by_role("button", name="Anfrage senden").click()
    assert page.get_by_text("Bitte geben Sie den Namen Ihrer Firma oder Organisation an.").first.is_visible()

    fill_in(page, lab)
    page.get_by_role("button", name="Anfrage senden").click()

    assert page.url.endswith(FORM + "danke/")
    assert page.get_by_role("heading", level=1).inner_text() == "Vielen Dank! Ihre Anfrage ist angekommen."
    assert page.get_by_text("Tischlerei Brandt GmbH").is_visible()
    assert WorkshopRequest.objects.get().lab_id == lab.pk
    context.close()


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_pages_have_no_serious_violations_and_no_sideways_scrolling(browser, live_server, lab, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}, locale="de-DE"
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    found = []

    def check(name: str) -> None:
        found.extend(f"{name}: {violation}" for violation in serious(page))
        if overflow(page) > 0:
            found.append(f"{name}: {overflow(page)} px too wide")

    page.goto(FORM)
    check("form")
    page.get_by_label("Wie viele Mitarbeitende nehmen teil?").fill("500")
    page.get_by_role("button", name="Anfrage senden").click()
    assert page.get_by_text("Bitte geben Sie eine Zahl von 1 bis 200 ein.").first.is_visible()
    check("form with errors")
    fill_in(page, lab)
    page.get_by_label("Wie viele Mitarbeitende nehmen teil?").fill("12")
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_url("**/danke/")
    check("confirmation")
    assert found == []
    context.close()
