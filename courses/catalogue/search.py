"""What a person typed into the catalogue's search: a place of the district and words about a topic.

"Handy Groß Berkel" searches courses about "Handy" (and what the editors' synonyms say it means: Smartphone,
Mobiltelefon) near Groß Berkel. The words go through the full-text search (Wagtail search; German stemming on
PostgreSQL), the place sorts by distance.
"""

import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Lower
from wagtail.search.query import And, Or, PlainText, SearchQuery

from courses.models import CoursePage, SearchSynonym
from labs.places import POSTCODE, Place, municipality_names, place_find, place_split, place_suggestions

MAX_WORDS = 8
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class CatalogueQuery:
    """A search text taken apart."""

    words: str = ""  # the search text without the place
    place: Place | None = None
    unknown_place: str = ""  # a place the person gave that the district does not have
    suggestions: list[str] = field(default_factory=list)  # places that look like what they typed

    @property
    def near(self) -> str:
        """The place as `CatalogueFilters.near` takes it."""
        return self.place.name if self.place else ""

    @property
    def places_to_offer(self) -> list[str]:
        """What to offer after an unknown place: the look-alikes, else the district's municipalities."""
        return self.suggestions or municipality_names()


def catalogue_query_parse(*, q: str = "", near: str = "") -> CatalogueQuery:
    """Read the search box and the place box.

    A place in the search box counts as the place when the place box is empty. A place box naming no place of
    the district, or a five-digit postcode of elsewhere in the search box, gives `unknown_place` with
    suggestions.
    """
    q = " ".join(q.split())[:MAX_QUERY_LENGTH]
    near = " ".join(near.split())[:MAX_QUERY_LENGTH]
    found, words = place_split(q)
    if near:
        place = place_find(near)
        if place is None:
            return CatalogueQuery(words=words, unknown_place=near, suggestions=place_suggestions(near))
        return CatalogueQuery(words=words, place=place)
    if found is not None:
        return CatalogueQuery(words=words, place=found)
    postcodes = [word for word in words.split() if POSTCODE.match(word)]
    if postcodes:
        rest = " ".join(word for word in words.split() if word not in postcodes)
        return CatalogueQuery(words=rest, unknown_place=postcodes[0])
    return CatalogueQuery(words=words)


def word_suggestions(words: str) -> list[str]:
    """Places that look like a word of a search that found nothing ("Aerzn": Aerzen)."""
    found: list[str] = []
    for word in words.split()[:MAX_WORDS]:
        for name in place_suggestions(word, limit=2):
            if name not in found:
                found.append(name)
    return found[:3]


def search_query(words: str) -> SearchQuery | None:
    """The full-text query for the words: each word or one of its synonyms must occur."""
    words = [word for word in map(_searchable, words.split()) if word][:MAX_WORDS]
    if not words:
        return None
    synonyms: dict[str, list[str]] = {}
    for synonym in SearchSynonym.objects.annotate(term_lower=Lower("term")).filter(
        term_lower__in=[word.lower() for word in words]
    ):
        synonyms[synonym.term.lower()] = synonym.synonym_list
    parts = []
    for word in words:
        alternatives = [PlainText(word)] + [
            PlainText(alternative, operator="and") for alternative in synonyms.get(word.lower(), [])
        ]
        parts.append(Or(alternatives) if len(alternatives) > 1 else alternatives[0])
    return And(parts) if len(parts) > 1 else parts[0]


def _searchable(word: str) -> str:
    """The word without what full-text search cannot take (punctuation, control characters), or ""."""
    word = re.sub(r"[^\w\-]+", "", word).strip("-_")
    return word if re.search(r"[^\W_]", word) else ""


def courses_matching(courses: QuerySet[CoursePage], words: str) -> QuerySet[CoursePage]:
    """The courses whose title, summary, description, topic or competences match the words."""
    query = search_query(words)
    if query is None:
        return courses
    results = CoursePage.objects.all().search(query, order_by_relevance=False)
    # The database backends hand out the matching rows as a queryset: one query with the rest of the filters.
    if hasattr(results, "get_queryset"):
        matching = results.get_queryset().values("pk")
    else:
        matching = [course.pk for course in results]
    return courses.filter(pk__in=matching)
