"""`manage.py check --deploy` passes with the settings production runs with."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# Test-wide relaxations (tests/environment.py) that production never has.
TEST_ONLY = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "PASSWORD_HASHERS",
    "MFA_REQUIRED",
    "DEBUG",
    "SECRET_KEY",
)


def production_env(**overrides) -> dict:
    env = {name: value for name, value in os.environ.items() if name not in TEST_ONLY}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="kurse.regionallabore.example",
        SITE_URL="https://kurse.regionallabore.example",
        # Production shares its cache across processes in Redis; the check connects to nothing.
        CACHE_URL="redis://127.0.0.1:6379/5",
    )
    env.update(overrides)
    return env


def deploy_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = deploy_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_the_development_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = deploy_check(env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
