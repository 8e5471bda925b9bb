"""Loaded by pytest before Django (see `addopts` in pyproject.toml): the test server speaks plain HTTP."""

import os

for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(name, "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
