# The platform's commands. `make run` and `make test` work on a fresh Debian machine with Python 3.11.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
APT_PACKAGES := chromium poppler-utils zbar-tools gettext fonts-dejavu-core

.PHONY: run serve test test-clock test-clock-eve bench lint format messages sysdeps venv badge-validator clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

# Debian packages the tests use: Chromium for the browser tests, poppler and zbar to read PDFs and QR codes.
sysdeps:
	@missing=""; \
	for cmd in chromium pdftotext zbarimg msgfmt; do command -v $$cmd >/dev/null || missing=yes; done; \
	if [ -n "$$missing" ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

# The 1EdTech Open Badges 2.0 reference validator, in its own virtualenv (it pins old libraries).
# The badge tests use it; a machine without it only skips them.
badge-validator: .venv-openbadges/.installed

.venv-openbadges/.installed:
	$(PYTHON) -m venv .venv-openbadges
	.venv-openbadges/bin/pip install --quiet "openbadges==1.1.*"
	.venv-openbadges/bin/pip install --quiet --upgrade "pycryptodome>=3.20"
	touch $@

run: venv
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Production: against the configured PostgreSQL, Redis and mail server (README, "Betrieb"), the Procfile's web,
# worker and beat under honcho.
serve: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py check --deploy --fail-level WARNING
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/honcho start

test: venv sysdeps
	-@$(MAKE) --no-print-directory badge-validator
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n 2 -m "not e2e and not integration"
	$(PY) -m pytest -m "e2e or integration"
	$(MAKE) --no-print-directory test-clock-eve

# The unit tests at awkward wall-clock times. `make test` runs them once at 23:30 on the eve of the change to
# summer time: anything built from "now" runs past midnight, and sessions a week later lie after the change.
# `make test-clock` runs the two hazards apart: late on an ordinary evening, and just before the change.
TEST_CLOCK_EVE_OF_SUMMER_TIME := 2027-03-27T23:30:00+01:00

test-clock-eve: venv
	TEST_CLOCK=$(TEST_CLOCK_EVE_OF_SUMMER_TIME) $(PY) -m pytest -q -n 2 -m "not e2e and not integration"

test-clock: venv
	TEST_CLOCK=2026-11-29T23:30:00+01:00 $(PY) -m pytest -q -n 2 -m "not e2e and not integration"
	TEST_CLOCK=2027-03-28T01:30:00+01:00 $(PY) -m pytest -q -n 2 -m "not e2e and not integration"

bench: venv
	$(PY) -m bench
	$(PY) -m bench.catalogue
	$(PY) -m bench.api
	$(PY) -m bench.certificates
	$(PY) -m bench.reports

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: venv
	$(PY) manage.py makemessages -l de -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .venv-openbadges var db.sqlite3
