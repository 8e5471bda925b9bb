"""Loaded by pytest before Django (see `addopts` in pyproject.toml): the test server speaks plain HTTP and
passwords are hashed cheaply."""

import os

for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(name, "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# Two-factor login for staff is proven by its own tests (tests/accounts/test_mfa*.py), which turn it on.
os.environ.setdefault("MFA_REQUIRED", "0")
# A password hash that takes a microsecond, not a second: factories give every person a password.
os.environ.setdefault("PASSWORD_HASHERS", "django.contrib.auth.hashers.MD5PasswordHasher")

# Static files come from the finders in tests; an empty collected-files folder keeps WhiteNoise quiet.
if "STATIC_ROOT" not in os.environ:
    import tempfile

    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="regionallabore-static-")
# One log line per request is for production; tests show their own output.
os.environ.setdefault("LOG_REQUESTS", "0")
