import pytest

from cms.models import CatalogPage
from tests.factories import home_page


@pytest.fixture
def catalogue(db) -> CatalogPage:
    return home_page().add_child(instance=CatalogPage(title="Kurse", slug="kurse"))


@pytest.fixture
def workshops(db) -> CatalogPage:
    return home_page().add_child(
        instance=CatalogPage(title="Innovationsworkshops", slug="innovationsworkshops", audience="businesses")
    )
