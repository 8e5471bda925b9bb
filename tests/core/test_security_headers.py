"""Security headers: a strict Content-Security-Policy on the site, a looser one without other hosts on the
staff tools, Permissions-Policy, no sniffing, referrer, frames, and HSTS in production."""

import re

import pytest

from tests.factories import make_course

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def no_other_host(directives: dict[str, list[str]]) -> bool:
    allowed = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}
    return all(s in allowed or s.startswith("'nonce-") for sources in directives.values() for s in sources)


@pytest.fixture
def course(lab):
    return make_course(lab, title="Sicher im Netz")


def test_public_page_has_strict_policy(client, course):
    response = client.get(course.url)
    directives = policy(response)
    assert response.status_code == 200
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert no_other_host(directives)


def test_every_script_of_a_page_carries_the_nonce_of_its_header(client, course):
    response = client.get(course.url)
    html = response.content.decode()
    (nonce,) = [s[len("'nonce-") : -1] for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert any("application/ld+json" in tag for tag in scripts)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_nonce_differs_per_response(client, course):
    first = policy(client.get(course.url))["script-src"]
    second = policy(client.get(course.url))["script-src"]
    assert first != second


def test_page_has_no_inline_style_or_event_handler(client, course):
    html = client.get(course.url).content.decode()
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.parametrize("path", ["/django-admin/login/", "/cms/login/", "/api/docs/"])
def test_staff_tools_have_their_own_policy_without_other_hosts(client, path):
    response = client.get(path)
    directives = policy(response)
    assert response.status_code == 200
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert no_other_host(directives)


def test_api_answers_carry_the_headers(client):
    response = client.get("/api/v1/courses/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


@pytest.mark.parametrize("path", ["/", "/api/v1/courses/", "/django-admin/login/"])
def test_common_headers(client, lab, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] in {"DENY", "SAMEORIGIN"}


def test_permissions_policy_turns_off_features_the_site_never_uses(client, lab):
    header = client.get("/")["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert features[feature] == "()"
    assert features["clipboard-write"] == "(self)"


def test_hsts_under_production_settings(client, settings, lab):
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
