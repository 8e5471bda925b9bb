"""Settings of the platform, read from the environment (see README for the variables)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The default is for development and tests only; `check --deploy` flags it in production.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-development-only-key-set-SECRET_KEY-in-production"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "core",
    "outbox",
    "accounts",
    "labs",
    "courses",
    "certificates",
    "reports",
    "cms",
    # Editors translate pages in the CMS; the English page tree follows the German one (see cms.translations).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "knox",
    "drf_standardized_errors",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: every log line of the request, and the answer's X-Request-ID header, carry one id.
    "log_request_id.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # People with staff duties reach staff pages only with their second factor (MFA_REQUIRED).
    "accounts.mfa.middleware.StaffVerificationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the answer of every login view and can turn a lockout into our own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the database lock when the transaction begins, so two enrolments cannot both
    # read the last free seat (PostgreSQL uses a row lock on the run instead).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes refuses a locked account or address before any password is checked (see AXES_* below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:landing"
LOGOUT_REDIRECT_URL = "/"
# At least 10 characters for everyone, 12 for people with staff duties; not common, not only digits, not like
# the person's name or email address.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.mfa.passwords.StaffMinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Certificates are personal data: stored apart from public media and served only through a view.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that hangs fails the delivery within this many seconds; the outbox retries it later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Regionallabore <kurse@regionallabore.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker every task runs inline, in the web process, after the commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it is done, and one whose worker process died is handed out again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint's native libraries keep a little memory per document; a worker process is replaced after this
# many tasks, so rendering thousands of certificates cannot grow it without bound.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=500)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A broker that is down answers within about a second: the work is recorded, and the sweep queues it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker logs through LOGGING (one JSON line per event) instead of replacing the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# /healthz reports the worker as down when the heartbeat task (every minute) has not run for this long.
HEALTH_HEARTBEAT_MAX_AGE = env.int("HEALTH_HEARTBEAT_MAX_AGE", default=5 * 60)
# Owed mails (outbox) and certificates are queued again by the sweep, on `celery -A config beat`.
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)
# Fresh items are left to the delivery queued with them; a claimed item is its worker's until the lease ends.
OUTBOX_GRACE_SECONDS = env.float("OUTBOX_GRACE_SECONDS", default=60)
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=300)
# An item that failed this many times is no longer queued by the sweep (a mail that crashes its worker
# every time); it stays owed and counted in the admin, for a person to look at.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=20)
CELERY_BEAT_SCHEDULE = {
    "core-heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60},
    "outbox-sweep": {"task": "outbox.tasks.sweep", "schedule": OUTBOX_SWEEP_SECONDS},
    "certificates-sweep": {"task": "certificates.tasks.sweep", "schedule": OUTBOX_SWEEP_SECONDS},
    # Offers run out to the minute that matters to the next person waiting.
    "courses-expire-offers": {"task": "courses.tasks.expire_offers", "schedule": 5 * 60},
    "courses-remind-sessions": {"task": "courses.tasks.remind_sessions", "schedule": 15 * 60},
    "courses-remind-unnamed-seats": {"task": "courses.tasks.remind_unnamed_seats", "schedule": 60 * 60},
    "courses-release-unnamed-seats": {"task": "courses.tasks.release_unnamed_seats", "schedule": 15 * 60},
    "accounts-prune-api-tokens": {"task": "accounts.tasks.prune_api_tokens", "schedule": 24 * 60 * 60},
    # Retention rules (accounts.privacy): each deletes or anonymises what is due, once a day.
    **{
        f"privacy-retention-{rule}": {
            "task": "accounts.tasks.apply_retention_rule",
            "schedule": 24 * 60 * 60,
            "args": (rule,),
        }
        for rule in ("unconfirmed_accounts", "walk_in_contacts", "workshop_requests", "mail_log")
    },
}

WAGTAIL_SITE_NAME = "Regionallabore"
WAGTAILADMIN_BASE_URL = SITE_URL
# Pages exist in German (the default locale, which every run, room and role points to) and in English: a
# translation, or an alias of the German page until someone translates it. German at /…, English at /en/….
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# German stemming on PostgreSQL ("Smartphones" finds "Smartphone"); SQLite ignores the setting.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "german"}
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "txt"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILEMBEDS_FINDERS = []
# The admin's dashboard would ask releases.wagtail.org for the latest version from every editor's browser.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from an outside host in the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

REST_FRAMEWORK = {
    # The token first: a request without credentials then answers 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Documents the error answers of every operation as well (drf-standardized-errors).
    "DEFAULT_SCHEMA_CLASS": "config.api_errors.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    # Anonymous clients (the municipalities' websites read the offer without a token) per address; enrolment
    # and token requests have their own, stricter scopes. Each answers 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/minute"),
        "enrol": env.str("API_ENROL_RATE", default="30/hour"),
        "token": env.str("API_TOKEN_RATE", default="20/hour"),
    },
    # Throttles read the client's address as the login limiter does (`accounts.lockout.client_ip`).
    "NUM_PROXIES": env.int("RATE_LIMIT_PROXY_COUNT", default=0),
    "DATETIME_FORMAT": "iso-8601",
}
# One error shape for the whole API (config.api_errors), documented on every operation.
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "config.api_errors.ExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "config.api_errors.ExceptionFormatter",
    "ERROR_SCHEMAS": dict.fromkeys(
        ("400", "401", "403", "404", "405", "406", "409", "415", "429", "500"),
        "core.api.ErrorSerializer",
    ),
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "415", "429", "500"],
}

# API tokens (django-rest-knox): stored as hashes, sent as "Authorization: Token <token>", valid for
# API_TOKEN_DAYS days; a person holds at most API_TOKEN_LIMIT at once and lists and revokes them.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its token table although accounts.ApiToken replaces it; an empty table
# that references every person stops TRUNCATE (test isolation) and helps nobody.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=90)),
    "TOKEN_LIMIT_PER_USER": env.int("API_TOKEN_LIMIT", default=10),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Regionallabore API",
    "DESCRIPTION": "Kursangebote, Termine, Anmeldungen, Anwesenheit, Zertifikate und Badges.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["config.api.schema_api_paths_only"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from this site, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Login and enrolment throttling (attempts per window, per client address and account).
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=10)
LOGIN_RATE_WINDOW = env.int("LOGIN_RATE_WINDOW", default=900)
ENROL_RATE_LIMIT = env.int("ENROL_RATE_LIMIT", default=30)
ENROL_RATE_WINDOW = env.int("ENROL_RATE_WINDOW", default=3600)
# How many proxies stand in front of the web processes; their X-Forwarded-For entries are skipped
# to find the client's address for rate limits.
RATE_LIMIT_PROXY_COUNT = env.int("RATE_LIMIT_PROXY_COUNT", default=0)

# One login limiter for every login path (site, /cms/, /django-admin/, API token), django-axes:
# LOGIN_RATE_LIMIT failures lock the account, and separately the address, for LOGIN_RATE_WINDOW seconds
# after the last failure. Attempts during a lock are not counted, so nobody can stretch it for good.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Both read LOGIN_RATE_LIMIT and LOGIN_RATE_WINDOW when asked, so these two stay the only knobs.
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success clears the account's failures only (accounts.apps); axes' own reset would also clear the
# address's, which lets someone with one account of their own guess others' passwords without end.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "accounts.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Keep no log of successful logins (privacy); failed attempts are deleted once their cool-off is over.
AXES_DISABLE_ACCESS_LOG = True

# Under /api/ a refused CSRF check answers in the API's JSON error shape.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Wagtail's page preview shows the page in a frame of the admin, on the same origin.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [
    "security.W019",  # X_FRAME_OPTIONS is SAMEORIGIN for the preview frame (above)
    "security.W021",  # HSTS preload binds the whole domain; its owner opts in with SECURE_HSTS_PRELOAD
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Monitoring asks /healthz over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp): the site runs only its own script files and the inline JSON-LD that
# carries the request's nonce; styles only from its own style sheet; nothing from any other host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# The CMS, the Django admin and the API docs (Swagger UI) are built by others and use inline scripts and
# styles; they get this looser policy instead (core.security), still without any other host. The CMS shows
# its page preview in a frame of itself.
CONTENT_SECURITY_POLICY_STAFF_TOOLS = {
    "PATH_PREFIXES": ["/cms/", "/django-admin/", "/api/docs/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
    },
}
# Browser features the site never uses are off for it and anything it might frame (only features Chromium
# knows: it reports the others as errors); sharing a badge may copy its link (the share sheet stays allowed).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "clipboard-write": ["self"],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "interest-cohort": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Two-factor login (django-otp): everyone with staff duties (admins, lab managers, editors, trainers) confirms
# a code from an authenticator app, or a recovery code, before any staff page. Off only for tests of other
# things (tests/environment.py).
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Regionallabore"
# Each wrong (or reused) code doubles the wait before the next one is checked: 1, 2, 4, 8 ... seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Besides, a person gets MFA_RATE_LIMIT wrong codes per MFA_RATE_WINDOW seconds.
MFA_RATE_LIMIT = env.int("MFA_RATE_LIMIT", default=10)
MFA_RATE_WINDOW = env.int("MFA_RATE_WINDOW", default=900)

# One JSON line per event on standard output (readable text with DEBUG), each with the request's id: taken
# from the proxy's X-Request-ID header or made here, returned in the answer and carried into Celery tasks.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
NO_REQUEST_ID = "-"
# One line per request with method, path and status (never the query string, which may hold personal data).
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
        # Requests are logged once, by log_request_id; Django's own request logger would repeat 4xx answers.
        "django.request": {"level": "ERROR"},
    },
}
