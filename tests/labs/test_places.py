"""The district's places as people type them (labs/places.py): no database needed."""

import pytest

from labs.places import place_find, place_split, place_suggestions


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Aerzen", "Aerzen"),
        ("aerzen", "Aerzen"),
        ("  AERZEN ", "Aerzen"),
        ("31855", "31855 Aerzen"),
        ("Groß Berkel", "Groß Berkel (Aerzen)"),
        ("Gross-Berkel", "Groß Berkel (Aerzen)"),
        ("grossberkel", "Groß Berkel (Aerzen)"),
        ("Bad Münder", "Bad Münder am Deister"),
        ("Muender", "Bad Münder am Deister"),
        ("Munder", "Bad Münder am Deister"),
        ("Hämelschenburg", "Hämelschenburg (Emmerthal)"),
        ("Haemelschenburg", "Hämelschenburg (Emmerthal)"),
        ("Hope", "Hope (Hameln)"),  # one of the villages that make up Halvestorf
        ("Klein Hilligsfeld", "Klein Hilligsfeld (Hameln)"),
        ("Friedensthal", "Friedensthal (Bad Pyrmont)"),  # "Löwensen mit Friedensthal"
        ("Hessisch Oldendorf", "Hessisch Oldendorf"),
    ],
)
def test_places_are_found_however_they_are_typed(typed, label):
    assert place_find(typed).label == label


def test_a_village_without_coordinates_stands_at_its_municipality_centre():
    village, town = place_find("Multhöpen"), place_find("Aerzen")
    assert (village.latitude, village.longitude) == (town.latitude, town.longitude)


def test_a_village_with_coordinates_keeps_them():
    village, town = place_find("Groß Berkel"), place_find("Aerzen")
    assert (village.latitude, village.longitude) != (town.latitude, town.longitude)
    assert 2 < village.distance_km(town.latitude, town.longitude) < 10


@pytest.mark.parametrize("typed", ["Atlantis", "12345", "Mitte", "", "Hannover"])
def test_unknown_or_too_general_names_are_no_place(typed):
    assert place_find(typed) is None


def test_the_longest_name_in_a_search_text_is_the_place():
    place, rest = place_split("Smartphone Kurs in Hessisch Oldendorf")
    assert place.name == "Hessisch Oldendorf"
    assert rest == "Smartphone Kurs in"


def test_a_search_text_without_a_place_stays_whole():
    assert place_split("Online-Banking sicher") == (None, "Online-Banking sicher")


def test_look_alikes_are_suggested_once_per_place():
    assert place_suggestions("Aerzn") == ["Aerzen"]
    assert place_suggestions("Bad Pyrmond") == ["Bad Pyrmont"]
    assert place_suggestions("Atlantis") == []


def test_distances_are_plausible_kilometres():
    hameln, pyrmont = place_find("Hameln"), place_find("Bad Pyrmont")
    assert 13 < hameln.distance_km(pyrmont.latitude, pyrmont.longitude) < 17
