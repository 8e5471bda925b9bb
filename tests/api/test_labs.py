import pytest

from tests.factories import make_lab

pytestmark = pytest.mark.django_db


def test_labs_list_shows_published_labs_paginated(api):
    make_lab("Regionallabor Hameln")
    make_lab("Regionallabor Bad Pyrmont", municipality="bad-pyrmont")

    response = api.get("/api/v1/labs/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert [lab["title"] for lab in body["results"]] == ["Regionallabor Bad Pyrmont", "Regionallabor Hameln"]


def test_lab_detail_by_slug_has_address_and_public_url(api):
    lab = make_lab("Regionallabor Hameln")

    response = api.get(f"/api/v1/labs/{lab.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "regionallabor-hameln"
    assert body["municipality"] == "hameln"
    assert body["address"] == "Am Markt 1, 31785 Hameln"
    assert body["url"].startswith("http") and body["url"].endswith(f"/{lab.slug}/")


def test_unpublished_lab_is_not_listed(api):
    lab = make_lab("Regionallabor Entwurf")
    lab.unpublish()

    assert api.get("/api/v1/labs/").json()["count"] == 0
    assert api.get(f"/api/v1/labs/{lab.slug}/").status_code == 404


def test_unknown_lab_is_404(api):
    assert api.get("/api/v1/labs/gibt-es-nicht/").status_code == 404
