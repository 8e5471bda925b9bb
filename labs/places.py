"""The district's places as people type them: postcodes, towns and villages (labs/data/district-places.json).

`place_find("Groß Berkel")` gives the place with its coordinates; a village without its own coordinates stands
at its municipality's centre. Names match in any case, with umlauts, with ae/oe/ue/ss or with plain vowels,
with hyphens or spaces ("Gross-Berkel", "grossberkel").
"""

import difflib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.text import slugify

DATA = Path(__file__).resolve().parent / "data" / "district-places.json"

# Parts of Hameln's town districts too general to be read as a place in a search ("Kurs Mitte Januar").
TOO_GENERAL = {"west", "ost", "mitte", "nord", "sued"}
POSTCODE = re.compile(r"^\d{5}$")
MAX_WORDS_IN_A_NAME = 4


@dataclass(frozen=True)
class Place:
    """A place of the district that a search can start from."""

    name: str
    municipality: str  # the municipality's name, as in labs.Municipality.name
    ags: str  # the municipality's key, as in labs.Municipality.ags
    latitude: float
    longitude: float
    postcode: str = ""

    @property
    def label(self) -> str:
        """How the place is named back to the person: "31855 Aerzen", "Groß Berkel (Aerzen)", "Hameln"."""
        if self.postcode and self.name == self.postcode:
            return f"{self.postcode} {self.municipality}"
        if self.name != self.municipality:
            return f"{self.name} ({self.municipality})"
        return self.name

    def distance_km(self, latitude: float, longitude: float) -> float:
        """Great-circle distance in kilometres."""
        lat1, lon1, lat2, lon2 = map(math.radians, (self.latitude, self.longitude, latitude, longitude))
        half = math.sin((lat2 - lat1) / 2) ** 2
        half += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 6371.0 * 2 * math.asin(math.sqrt(half))


def normal_forms(text: str) -> set[str]:
    """The ways a name may be typed, reduced to compare: "Groß-Berkel" -> {"gross berkel", "grossberkel"…}."""
    text = text.casefold().replace("ß", "ss")
    words = re.sub(r"[^\w]+", " ", text).split()
    spaced = " ".join(words)
    forms = set()
    for variant in (_umlauts_spelt(spaced), _umlauts_dropped(spaced)):
        forms.add(variant)
        forms.add(variant.replace(" ", ""))
    return {form for form in forms if form}


def _umlauts_spelt(text: str) -> str:
    return text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")


def _umlauts_dropped(text: str) -> str:
    return text.replace("ä", "a").replace("ö", "o").replace("ü", "u")


def _names(raw: str) -> list[str]:
    """The names one entry of the data stands for.

    "Halvestorf (besteht aus den Ortsteilen Halvestorf, Bannensiek, Weidehohl und Hope)" names four villages,
    "Klein Berkel/Wangelist" two, "Löwensen mit Friedensthal" two, "Aerzen (Kernort)" one.
    """
    main, _, remark = raw.partition(" (")
    remark = remark.rstrip(")")
    names = [name.strip() for name in re.split(r"/| mit ", main) if name.strip()]
    if remark.startswith("besteht aus den Ortsteilen"):
        parts = remark.removeprefix("besteht aus den Ortsteilen").replace(" und ", ", ").split(",")
        parts = [part.strip() for part in parts if part.strip()]
        if parts and parts[0] in ("Groß", "Klein"):  # "Groß und Klein Hilligsfeld"
            last = parts[-1].split(" ", 1)[-1]
            parts = [f"{part} {last}" if " " not in part else part for part in parts]
        names += parts
    return list(dict.fromkeys(names))


def _municipality_aliases(name: str) -> list[str]:
    """Shorter names people use: "Bad Münder am Deister" is "Bad Münder" and "Münder"."""
    aliases = [name]
    short = name.removesuffix(" am Deister")
    aliases.append(short)
    if short.startswith("Bad "):
        aliases.append(short.removeprefix("Bad "))
    return list(dict.fromkeys(aliases))


@dataclass(frozen=True)
class _Index:
    by_form: dict[str, Place]
    labels: dict[str, str]  # a typed form -> the name to suggest


@lru_cache(maxsize=1)
def _index() -> _Index:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    by_form: dict[str, Place] = {}
    labels: dict[str, str] = {}

    def add(name: str, place: Place, *, strong: bool) -> None:
        for form in normal_forms(name):
            if form in TOO_GENERAL:
                continue
            # A municipality's own name wins over a village of the same name elsewhere; the first village wins
            # over a later one (Welsede lies in Emmerthal and in Hessisch Oldendorf).
            if strong or form not in by_form:
                by_form[form] = place
                labels[form] = name

    for item in data["municipalities"]:
        centre = Place(
            name=item["name"],
            municipality=item["name"],
            ags=item["ags"],
            latitude=item["lat"],
            longitude=item["lon"],
        )
        for entry in item["places"]:
            for name in _names(entry["name"]):
                place = Place(
                    name=name,
                    municipality=centre.name,
                    ags=centre.ags,
                    latitude=entry["lat"] if entry["lat"] is not None else centre.latitude,
                    longitude=entry["lon"] if entry["lon"] is not None else centre.longitude,
                )
                add(name, place, strong=False)
        for postcode in item["postcodes"]:
            by_form[postcode] = Place(
                name=postcode,
                municipality=centre.name,
                ags=centre.ags,
                latitude=centre.latitude,
                longitude=centre.longitude,
                postcode=postcode,
            )
            labels[postcode] = postcode
        for alias in _municipality_aliases(item["name"]):
            add(alias, centre, strong=True)
    return _Index(by_form=by_form, labels=labels)


def place_find(text: str) -> Place | None:
    """The place `text` names, or None."""
    text = text.strip()
    if POSTCODE.match(text):
        return _index().by_form.get(text)
    for form in normal_forms(text):
        place = _index().by_form.get(form)
        if place is not None:
            return place
    return None


def place_split(text: str) -> tuple[Place | None, str]:
    """A place named anywhere in a search text, and the text without it.

    "Handy Kurs Groß Berkel" -> (Groß Berkel, "Handy Kurs"). The longest name wins ("Hessisch Oldendorf"
    before "Oldendorf"); only the first place counts.
    """
    words = text.split()
    for size in range(min(MAX_WORDS_IN_A_NAME, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            place = place_find(" ".join(words[start : start + size]))
            if place is not None:
                rest = words[:start] + words[start + size :]
                return place, " ".join(rest)
    return None, text


def place_suggestions(text: str, limit: int = 3) -> list[str]:
    """Names of the district's places that look like `text`, for "Meinten Sie …?"."""
    index = _index()
    found: dict[Place, str] = {}
    for form in sorted(normal_forms(text), key=len, reverse=True):
        for match in difflib.get_close_matches(form, index.labels.keys(), n=limit * 2, cutoff=0.7):
            place, label = index.by_form[match], index.labels[match]
            if not POSTCODE.match(label):
                found.setdefault(place, label)
    return list(found.values())[:limit]


def municipality_slug(name: str) -> str:
    """The slug labs.Municipality carries for the municipality of that name (as migration 0002 made it)."""
    return slugify(name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))


def municipality_choices() -> list[tuple[str, str]]:
    """(slug, name) of the district's municipalities, by name, from the shipped data (no database)."""
    return [(municipality_slug(name), name) for name in municipality_names()]


def municipality_names() -> list[str]:
    """The district's towns and municipalities, by name."""
    return sorted({place.municipality for place in _index().by_form.values()})
