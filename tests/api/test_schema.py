import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.settings import patched_settings

pytestmark = pytest.mark.django_db

# Leaves out the CMS's internal API (Wagtail's admin endpoints), which is not this site's API.
API_ONLY = {"PREPROCESSING_HOOKS": ["config.api.schema_api_paths_only"]}


def test_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    with patched_settings(API_ONLY):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    paths = yaml.safe_load(target.read_text())["paths"]
    assert {
        "/api/v1/labs/",
        "/api/v1/labs/{slug}/",
        "/api/v1/courses/",
        "/api/v1/courses/{slug}/",
        "/api/v1/runs/",
        "/api/v1/runs/{id}/",
        "/api/v1/runs/{id}/sessions/",
        "/api/v1/runs/{id}/enrol/",
        "/api/v1/runs/{id}/complete/",
        "/api/v1/sessions/{id}/",
        "/api/v1/sessions/{id}/attendance/",
        "/api/v1/enrolments/{id}/cancel/",
        "/api/v1/me/enrolments/",
        "/api/v1/me/certificates/",
        "/api/v1/me/badges/",
        "/api/v1/certificates/verify/{code}/",
        "/api/v1/auth/token/",
    } <= set(paths)
    assert set(paths["/api/v1/courses/"]) == {"get", "post"}
    assert set(paths["/api/v1/runs/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/sessions/{id}/attendance/"]) == {"get", "put"}


def test_schema_view_answers(api):
    with patched_settings(API_ONLY):
        response = api.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/runs/{id}/enrol/" in response.content
