"""Soft hyphens for long words in the menu and the site's name (core.templatetags.typography)."""

from django.template import Context, Template
from django.utils import translation

SHY = "\u00ad"


def render(text: str, language: str = "de") -> str:
    with translation.override(language):
        return Template("{% load typography %}{{ text|hyphenate }}").render(Context({"text": text}))


def test_long_german_word_gets_soft_hyphens_at_its_hyphenation_points():
    assert render("Innovationsworkshops") == f"Inno{SHY}va{SHY}ti{SHY}ons{SHY}work{SHY}shops"


def test_short_words_stay_whole():
    assert render("Meine Kurse") == "Meine Kurse"


def test_no_break_closer_than_four_letters_to_either_end():
    hyphenated = render("Kursleitung")

    assert hyphenated.replace(SHY, "") == "Kursleitung"
    assert all(len(part) >= 4 for part in (hyphenated.split(SHY)[0], hyphenated.split(SHY)[-1]))


def test_text_is_escaped_before_hyphens_go_in():
    assert render("<b>Datenschutzgrundverordnung</b>").startswith("&lt;b&gt;Daten")


def test_english_words_break_by_the_english_dictionary():
    assert render("Innovation workshops", language="en").replace(SHY, "") == "Innovation workshops"
