"""Reflow: no page scrolls sideways on a small phone, nor with the text at 200 %; long words wrap readably.

Three ways of looking, each in headless Chromium:

- 320 CSS px at 100 %: WCAG 1.4.10 (Reflow), the width of 1280 px at 400 % zoom.
- A 360 px phone with the browser's font size doubled (32 px instead of 16 px), set through the DevTools
  protocol's `Page.setFontSizes`: what the font size settings of Chrome and Firefox do, and how Android's
  system font size reaches pages that size their text in rem and em, as this site does. rem, em and em-based
  media queries all follow it; nothing is injected into the page. WCAG 1.4.4 (Resize text).
- A 360 px phone zoomed to 200 %: a 180 CSS px viewport at device scale factor 2, what Chrome's page zoom
  (which newer Android versions set from the system font size) makes of the same phone.

On each page the document must not be wider than the window, and no element may stick out on either side
(visually hidden ones and the contents of a box that scrolls on its own, such as a wide table, excepted).
"""

from datetime import timedelta

import pytest

from cms.services import site_structure_ensure
from courses.models import Audience
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory, make_course, make_lab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Umbruch-am-Handy-2026"
SOFT_HYPHEN = "\u00ad"

# Every element whose box sticks out of the window on the left or right, as "tag.class text (left..right)".
ELEMENTS_OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const hiddenOrScrolled = (element) => {
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") return true;
      if (node !== element && ["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) return true;
    }
    return false;
  };
  const outside = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right <= width + 0.5 && box.left >= -0.5) continue;
    if (hiddenOrScrolled(element)) continue;
    const text = (element.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 50);
    const name = `${element.tagName.toLowerCase()}.${element.className}`;
    outside.push(`${name} "${text}" (${box.left}..${box.right})`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, outside};
}"""

# The menu item's text, line by line: each visible letter's line, and where each break falls.
MENU_ITEM_LINES = """(link) => {
  const text = link.firstChild && link.firstChild.nodeType === Node.TEXT_NODE ? link.firstChild : null;
  if (!text) return null;
  const range = document.createRange();
  const letters = [];
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    // A range that starts at a line's end also covers the end of the line before: take its last box.
    const boxes = range.getClientRects();
    const box = boxes[boxes.length - 1];
    if (box && box.width > 0) {
      letters.push({index: i, top: Math.round(box.top), left: box.left, right: box.right});
    }
  }
  const link_box = link.getBoundingClientRect();
  return {text: text.data, letters, link: {left: link_box.left, right: link_box.right},
          width: document.documentElement.clientWidth};
}"""


@pytest.fixture
def site():
    """The site with long German words where they are hardest to place: course and lab names, a trainer's
    attendance sheet with long names."""
    site_structure_ensure()
    lab = make_lab(
        "Regionallabor Salzhemmendorf",
        municipality="salzhemmendorf",
        intro="Werkstatt für Digitalisierungsfragen im Dorfgemeinschaftshaus.",
        opening_hours="Dienstag und Donnerstag 10:00 bis 18:00 Uhr",
        accessibility="Stufenloser Eingang, Behindertentoilette im Erdgeschoss.",
        contact_email="salzhemmendorf.regionallabor@landkreis-hameln-pyrmont.example.org",
        contact_phone="05153 9999 1234",
    )
    course = make_course(
        lab,
        title="Datenschutz-Grundverordnungsschulung für Vereinsvorstände",
        body="<p>Datenschutzgrundverordnungskonforme Mitgliederverwaltung: Auftragsverarbeitungsverträge,"
        " Einwilligungserklärungen und Löschfristen.</p>",
    )
    make_course(lab, title="Smartphone-Grundlagen für Einsteigerinnen und Einsteiger")
    make_course(
        lab,
        title="Innovationsworkshops: Digitalisierungsstrategie für Handwerksbetriebe",
        audience=Audience.BUSINESSES,
    )
    trainer = UserFactory(email="kursleitung@example.org", full_name="Friederike Brunnenberg-Schlüter")
    trainer.set_password(PASSWORD)
    trainer.save()
    run = CourseRunFactory(course=course, capacity=12, sessions=3, trainers=[trainer])
    past_run = CourseRunFactory(course=course, sessions=2, starts_in=timedelta(days=-7), trainers=[trainer])
    for name in ("Hildegard Schmidt-Rumpelstilzchen", "Bartholomäus Meyerhoff-Wiedenbrück", "Ute Ek"):
        EnrolmentFactory(run=past_run, user=UserFactory(full_name=name))
    first_session = past_run.sessions.order_by("start").first()
    return {
        "public": {
            "home": "/",
            "catalogue": "/kurse/",
            "catalogue search": "/kurse/?q=Smartphone",
            "course": course.url,
            "lab": lab.url,
            "labs": "/labore/",
            "workshops": "/innovationsworkshops/",
            "enrol": f"/termine/{run.pk}/anmelden/",
            "login": "/konto/einloggen/",
            "signup": "/konto/registrieren/",
            "site search": "/suche/?q=x",
            "certificate check": "/verify/",
            "not found": "/gibt-es-diese-seite-wirklich-nicht/",
        },
        "trainer": {
            "attendance": f"/kursleitung/treffen/{first_session.pk}/anwesenheit/",
        },
    }


def _context(browser, live_server, *, width: int, text_zoom: int = 100, page_zoom: int = 100):
    """A German phone of `width` px; its font size setting or its page zoom at the given percentage."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width * 100 // page_zoom, "height": 740 * 100 // page_zoom},
        device_scale_factor=page_zoom / 100,
        locale="de-DE",
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    if text_zoom != 100:
        devtools = context.new_cdp_session(page)
        devtools.send("Page.enable")
        devtools.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * text_zoom // 100, "fixed": 13}})
    return page


def _log_in(page, email: str) -> None:
    page.goto("/konto/einloggen/")
    page.locator("main form input[type=email]").fill(email)
    page.locator("main form input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _overflows(page, paths: dict[str, str]) -> list[str]:
    found = []
    for name, path in paths.items():
        response = page.goto(path)
        expected = 404 if name == "not found" else 200
        assert response.status == expected, f"{name}: {response.status} at {page.url}"
        result = page.evaluate(ELEMENTS_OUTSIDE)
        if result["scrollWidth"] > result["innerWidth"]:
            found.append(f"{name}: the page is {result['scrollWidth']} px wide in {result['innerWidth']} px")
        found.extend(f"{name}: {element}" for element in result["outside"][:5])
    return found


@pytest.mark.parametrize(
    ("width", "text_zoom", "page_zoom"),
    [(320, 100, 100), (360, 200, 100), (360, 100, 200)],
    ids=["320px", "360px-text-200", "360px-zoom-200"],
)
def test_no_page_scrolls_sideways(browser, live_server, site, width, text_zoom, page_zoom):
    page = _context(browser, live_server, width=width, text_zoom=text_zoom, page_zoom=page_zoom)
    if text_zoom != 100:
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") in ("", "32px")

    found = _overflows(page, site["public"])
    _log_in(page, "kursleitung@example.org")
    found += _overflows(page, site["trainer"])
    page.context.close()

    assert found == []


@pytest.mark.parametrize("text_zoom", [100, 200], ids=["text-100", "text-200"])
@pytest.mark.parametrize("width", [375, 320])
def test_innovationsworkshops_in_the_menu_wraps_whole_or_at_a_hyphenation_point(
    browser, live_server, site, width, text_zoom
):
    page = _context(browser, live_server, width=width, text_zoom=text_zoom)
    page.goto("/")
    link = page.locator(".site-nav a[href$='/innovationsworkshops/']")
    lines = link.evaluate(MENU_ITEM_LINES)
    page.context.close()

    assert lines["text"].replace(SOFT_HYPHEN, "") == "Innovationsworkshops"
    letters = lines["letters"]
    for before, after in zip(letters, letters[1:], strict=False):
        if after["top"] != before["top"]:
            # The break's own characters: a soft hyphen (shown as "-" at the line's end) or a space.
            between = lines["text"][before["index"] : after["index"]]
            assert SOFT_HYPHEN in between or " " in between, (
                f"breaks after {lines['text'][: before['index'] + 1]!r}, not at a hyphenation point"
            )
    link_box = lines["link"]
    for letter in letters:
        assert letter["left"] >= 0 and letter["right"] <= lines["width"], "cut off at the window's edge"
        assert link_box["left"] <= letter["left"] and letter["right"] <= link_box["right"], "outside its item"
    if text_zoom == 200:
        assert len({letter["top"] for letter in letters}) == 2, "too wide for one line, it breaks once"
