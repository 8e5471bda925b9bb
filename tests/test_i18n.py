"""English is complete: every catalogue entry is translated, and the main pages render in English."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from cms.services import site_structure_ensure
from tests.factories import CourseRunFactory, EnrolmentFactory, UserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def _po_entries(path: Path) -> list[dict]:
    """The entries of a .po file (header and obsolete entries left out), each a dict with
    msgctxt, msgid, msgid_plural, msgstr (a list: one item, or one per plural form) and flags."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry["msgid"]:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if entry is not None and entry.get("msgid") is not None:
                finish()
                entry = None
            entry = entry or _new_entry()
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += ast.literal_eval(line)
            else:
                entry[field] += ast.literal_eval(line)
            continue
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.get("msgid") is not None:
            finish()
            entry = None
        entry = entry or _new_entry()
        if keyword.startswith("msgstr"):
            entry["msgstr"].append(ast.literal_eval(rest))
            field = "msgstr"
        else:
            entry[keyword] = ast.literal_eval(rest)
            field = keyword
    finish()
    return entries


def _new_entry() -> dict:
    return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": [], "flags": set()}


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture
def en_entries():
    return _po_entries(EN_PO)


def test_english_catalogue_has_entries(en_entries):
    assert len(en_entries) > 300


def test_every_english_entry_is_translated(en_entries):
    untranslated = [e["msgid"] for e in en_entries if not e["msgstr"] or not all(e["msgstr"])]
    assert untranslated == []


def test_every_plural_entry_has_both_english_forms(en_entries):
    plurals = [e for e in en_entries if e["msgid_plural"]]
    assert plurals
    assert [e["msgid"] for e in plurals if len(e["msgstr"]) != 2] == []


def test_no_english_entry_is_fuzzy(en_entries):
    assert [e["msgid"] for e in en_entries if "fuzzy" in e["flags"]] == []


def test_english_translations_keep_the_placeholders(en_entries):
    broken = []
    for e in en_entries:
        expected = _placeholders(e["msgid_plural"] or e["msgid"])
        for form in e["msgstr"][-1:]:
            if "python-format" in e["flags"] and _placeholders(form) != expected:
                broken.append(e["msgid"])
    assert broken == []


def test_compiled_english_catalogue_matches_the_po_file(en_entries):
    with EN_MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for e in en_entries:
        key = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if e["msgid_plural"]:
            got = [catalogue.ngettext(key, e["msgid_plural"], n) for n in (1, 2)]
            if e["msgctxt"] is not None:
                got = [catalogue.npgettext(e["msgctxt"], e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
        else:
            got = [catalogue.pgettext(e["msgctxt"], e["msgid"]) if e["msgctxt"] else catalogue.gettext(key)]
        if got != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == []


@pytest.fixture
def site(db, settings):
    settings.SECURE_SSL_REDIRECT = False
    cache.clear()
    site_structure_ensure()
    yield
    cache.clear()
    translation.deactivate()


@pytest.fixture
def english(client, site):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


def english_url(name: str, *args) -> str:
    """English pages live under /en/."""
    with translation.override("en"):
        return reverse(name, args=args)


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_enrol_page_renders_in_english(english):
    run = CourseRunFactory(capacity=8, sessions=2)
    html = _html(english, english_url("courses:enrol", run.pk))
    for text in ("Enrolment", "2 sessions", "8 places left", "Your details", "I already have an account"):
        assert text in html
    start = timezone.localtime(run.sessions.order_by("start").first().start)
    assert f"{start:%A}, {start.day} {start:%B} {start.year}, 18:00 to 20:00" in html
    for text in ("Anmeldung", "Treffen", "Plätze frei", "Ihre Angaben", "Ich habe schon ein Konto", " Uhr"):
        assert text not in html


def test_login_page_renders_in_english(english):
    html = _html(english, english_url("accounts:login"))
    for text in (
        "Log in",
        "Forgotten your password?",
        "No account yet?",
        "Create an account",
        "Skip to content",
    ):
        assert text in html
    for text in (
        "Anmelden",
        "Passwort vergessen?",
        "Noch kein Konto?",
        "Konto anlegen",
        "Zum Inhalt springen",
    ):
        assert text not in html


def test_my_courses_renders_in_english(english):
    user = UserFactory(full_name="Erika Muster")
    EnrolmentFactory(user=user, run=CourseRunFactory())
    english.force_login(user)
    html = _html(english, english_url("courses:my_courses"))
    for text in (
        "My courses",
        "Logged in as Erika Muster.",
        "Upcoming courses",
        "Place confirmed",
        "Log out",
    ):
        assert text in html
    for text in ("Meine Kurse", "Angemeldet als", "Kommende Kurse", "Platz sicher", "Abmelden"):
        assert text not in html


def test_english_pages_are_english_whatever_the_browser_asks(client, site):
    html = _html(client.__class__(headers={"accept-language": "de"}), english_url("accounts:login"))
    assert "Forgotten your password?" in html
    assert "Passwort vergessen?" not in html


def test_german_pages_are_german_whatever_the_browser_asks(client, site):
    html = _html(client.__class__(headers={"accept-language": "en"}), reverse("accounts:login"))
    assert "Passwort vergessen?" in html
    assert "Forgotten your password?" not in html


def test_german_stays_the_default_language(client, site):
    html = _html(client, reverse("accounts:login"))
    assert "Passwort vergessen?" in html
    assert "Forgotten your password?" not in html
