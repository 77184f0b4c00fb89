"""Settings for xero-bridge.

Every value comes from the environment (see .env.example). The defaults are safe for
production: DEBUG off, HTTPS only, and no SECRET_KEY or FERNET_KEYS at all, so a
deployment that forgets one refuses to start instead of signing and encrypting with a
key that is in this repository. A developer's machine says DEBUG=True (scripts/bootstrap
writes a .env saying so), which brings the laptop defaults: SQLite in the project folder,
a development key, plain HTTP, the sandbox Xero's client credentials.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def proxy_ssl_header(value: list[str]) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from "HEADER,value" (e.g. HTTP_X_FORWARDED_PROTO,https)."""
    if not value:
        return None
    if len(value) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER is a header and its value, e.g. HTTP_X_FORWARDED_PROTO,https."
        )
    return (value[0], value[1])


env = environ.Env()
# Values already in the environment win over the file. ENV_FILE names another file
# (/dev/null for none: the settings tests read only what they pass).
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "Set SECRET_KEY: there is no default with DEBUG=False, and the development key "
        "refuses to run."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_q",
    "outlets",
    "mappings",
    "xero_integration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.api_errors.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xero_integration.api.recent_answers.NewDataVersionAfterWrites",
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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Seconds a process keeps its database connection. The web process keeps it a minute
# (config/gunicorn.py): opening one (a new PostgreSQL backend) cost more than a whole API
# request (issue 12); each request first checks that it still answers, so a restarted
# database or a terminated session costs a reconnect, not an error. The workers open one
# per task, as the fault suite proved them under.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Workers and the web process share one SQLite file. IMMEDIATE transactions take the
    # write lock at BEGIN, so two writers queue (up to `timeout` seconds) instead of one
    # failing with "database is locked" when it upgrades a read to a write. That is what
    # serialises token refreshes and rate-limit slots where select_for_update is a no-op.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # An on-disk test database, so tests with threads lock like production does; one
    # per process, so two test runs on one machine do not share it.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        BASE_DIR / f"test-db-{os.getpid()}.sqlite3"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # MariaDB or MySQL through PyMySQL, a pure-Python driver (no client headers to build).
    # Django 5.2 asks the MySQLdb module for mysqlclient >= 2.2.1; PyMySQL stands in for
    # it and answers with its own version, so it is told to claim the one Django checks.
    import pymysql  # type: ignore[import-untyped]  # used only here; no stubs installed

    pymysql.version_info = (2, 2, 1, "final", 0)
    pymysql.install_as_MySQLdb()
    # utf8mb4 for every character a POS may send. Ids ('A' and 'a' are two sales) get a
    # binary collation column by column (xero_integration migration 0013), so searches of
    # names still ignore case.
    DATABASES["default"].setdefault("OPTIONS", {})["charset"] = "utf8mb4"
    DATABASES["default"].setdefault("TEST", {})["CHARSET"] = "utf8mb4"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache every process shares (django-q2 keeps its cluster's statistics there): a
# table in the database by default (`manage.py createcachetable` makes it; the release
# step and scripts/run do), Redis when CACHE_URL says redis://.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://xero_bridge_cache")}
# Seconds a web process keeps a status or logs answer for the key that asked
# (xero_integration/api/recent_answers.py); a write of the key ends them at once. 0 computes
# every answer afresh.
READ_ANSWER_SECONDS = env.int("READ_ANSWER_SECONDS", default=5)
# In each process's memory: for what must not depend on the database, such as the health
# check's answer of a second or two ago (it reports whether the database answers), and
# for the read endpoints' answers of the last few seconds.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-au"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The largest request body read (bytes): larger API bodies answer 413 before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# Messages live in the session (server side), not a cookie: the admin shows a new API
# key once as a message, and a cookie would carry it readable to the browser.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Tokens are encrypted at rest with these keys: the first encrypts, all decrypt, so a
# new key can be put first and old ones kept until every row has been rewritten. Only a
# development machine falls back to its (development) SECRET_KEY.
FERNET_KEYS = env.list("FERNET_KEYS", default=[SECRET_KEY] if DEBUG else [])
if not DEBUG and (not FERNET_KEYS or DEV_SECRET_KEY in FERNET_KEYS):
    raise ImproperlyConfigured(
        "Set FERNET_KEYS: tokens are encrypted with them, and there is no default with DEBUG=False."
    )

# HTTPS only, unless DEBUG: redirect plain HTTP, tell browsers to stay on HTTPS (HSTS),
# and send cookies only over HTTPS. Each can be set; behind a proxy that ends TLS, set
# SECURE_PROXY_SSL_HEADER (e.g. HTTP_X_FORWARDED_PROTO,https) so the redirect knows.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env.list("SECURE_PROXY_SSL_HEADER", default=[]))
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Asks browsers' preload lists to take the host: only once you mean it (hstspreload.org).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["outlets.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["outlets.authentication.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_THROTTLE_RATE", default="600/minute")},
    "DEFAULT_RENDERER_CLASSES": ["xero_integration.api.json_format.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["xero_integration.api.json_format.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xero_integration.api.exception_handler.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "xero-bridge API",
    "DESCRIPTION": (
        "POS to Xero: register sales, read connection status, mappings and sync logs.\n\n"
        "Every endpoint needs `Authorization: Bearer <api key>`; a key sees only the "
        "merchants in its scope (any other answers 404, like an unknown one). Errors are "
        'JSON `{"error", "detail", "fields"}`. Amounts are decimal strings. The '
        'README\'s section "The API" explains mappings, the sale format, grouping, '
        "exactly-once export and what to do when an export fails."
    ),
    "VERSION": "0.1.0",
    # The schema and docs views are public and not part of the integration.
    "SERVE_INCLUDE_SCHEMA": False,
    "TAGS": [
        {"name": "merchants", "description": "Merchants and their outlets."},
        {"name": "connection", "description": "Connecting Xero, and whether an outlet can export."},
        {
            "name": "reference data",
            "description": "Xero accounts, tax rates, tracking and contacts.",
        },
        {
            "name": "mappings",
            "description": "What POS categories, payments and taxes become in Xero.",
        },
        {"name": "sales", "description": "Sales and refunds in."},
        {"name": "exports", "description": "Export now, sync history and export settings."},
        {
            "name": "reconciliation",
            "description": "Each day's POS totals beside what Xero holds, read back from "
            "Xero; backfill of days missing in Xero.",
        },
    ],
    # Names for enums shared by several fields (otherwise derived from field names).
    "ENUM_NAME_OVERRIDES": {
        "MappingTypeEnum": "mappings.models.MappingType",
        "ReferenceKindEnum": "xero_integration.models.ReferenceKind",
        "ConnectionStatusEnum": "xero_integration.models.ConnectionStatus",
        "DocumentKindEnum": "xero_integration.models.DocumentKind",
        "ExportStatusEnum": "xero_integration.models.ExportStatus",
        "XeroChangeDecisionEnum": "xero_integration.models.XeroChangeDecision",
        "DecisionEnum": "xero_integration.reconciliation.decisions.DECISIONS",
        "ErrorSourceEnum": "xero_integration.models.ErrorSource",
    },
}

Q_CLUSTER = {
    # The queue's name: on a Redis shared with other deployments (or test runs), each
    # needs its own.
    "name": env.str("Q_CLUSTER_NAME", default="xero-bridge"),
    "orm": "default",
    "workers": env.int("Q_WORKERS", default=2),
    # A task is redelivered after `retry` seconds, so `timeout` stays below it.
    "timeout": env.int("Q_TIMEOUT", default=240),
    "retry": env.int("Q_RETRY", default=300),
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
}
# The task queue: the database by default (nothing more to run), or Redis
# (Q_BROKER=redis, REDIS_URL) when web and workers run on several machines and the
# queue should not poll the database. Results and schedules stay in the database either way.
Q_BROKER = env.str("Q_BROKER", default="orm")
if Q_BROKER == "redis":
    del Q_CLUSTER["orm"]
    Q_CLUSTER["redis"] = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
elif Q_BROKER != "orm":
    raise ImproperlyConfigured(f"Q_BROKER must be 'orm' or 'redis', not {Q_BROKER!r}.")

# Xero application and endpoints. The defaults are the sandbox's client credentials;
# the URLs default to Xero itself, and `scripts/run` points them at the sandbox.
XERO_CLIENT_ID = env.str("XERO_CLIENT_ID", default="sandbox-client-id")
XERO_CLIENT_SECRET = env.str("XERO_CLIENT_SECRET", default="sandbox-client-secret")
XERO_REDIRECT_URI = env.str("XERO_REDIRECT_URI", default="http://127.0.0.1:8000/xero/callback")
XERO_AUTHORIZE_URL = env.str(
    "XERO_AUTHORIZE_URL", default="https://login.xero.com/identity/connect/authorize"
)
XERO_TOKEN_URL = env.str("XERO_TOKEN_URL", default="https://identity.xero.com/connect/token")
XERO_REVOKE_URL = env.str("XERO_REVOKE_URL", default="https://identity.xero.com/connect/revocation")
XERO_CONNECTIONS_URL = env.str("XERO_CONNECTIONS_URL", default="https://api.xero.com/connections")
XERO_API_URL = env.str("XERO_API_URL", default="https://api.xero.com/api.xro/2.0")
# Granular scopes, required for Xero apps created on or after 2 March 2026. Older apps
# may set the broad ones instead (see README, "Connecting a real Xero app").
XERO_SCOPES = env.list(
    "XERO_SCOPES",
    default=[
        "offline_access",
        "openid",
        "profile",
        "email",
        "accounting.invoices",
        "accounting.payments",
        # The daily_journal grouping posts manual journals.
        "accounting.manualjournals",
        "accounting.settings.read",
        "accounting.contacts",
    ],
)
# Hosts a POS may ask the OAuth callback to send the merchant back to.
XERO_RETURN_URL_HOSTS = env.list("XERO_RETURN_URL_HOSTS", default=["localhost", "127.0.0.1"])
XERO_TIMEOUT_SECONDS = env.float("XERO_TIMEOUT_SECONDS", default=30.0)
XERO_MAX_RETRIES = env.int("XERO_MAX_RETRIES", default=5)
# After a write whose outcome is unknown (timeout, lost answer), how long to leave Xero to
# finish before sending the same batch again or looking it up.
XERO_UNKNOWN_OUTCOME_WAIT_SECONDS = env.int("XERO_UNKNOWN_OUTCOME_WAIT_SECONDS", default=60)
# Xero's per-organisation limits (developer.xero.com/documentation/oauth2/limits). Lower
# them for a Starter-tier app (1,000 a day) or to leave headroom for other integrations.
XERO_MINUTE_LIMIT = env.int("XERO_MINUTE_LIMIT", default=60)
XERO_CONCURRENT_LIMIT = env.int("XERO_CONCURRENT_LIMIT", default=5)
XERO_DAY_LIMIT = env.int("XERO_DAY_LIMIT", default=5000)
# An uncertified Xero app may connect at most 25 organisations (developer.xero.com app
# limits); a certified app or a higher tier raises it. The 26th connect is refused before
# the merchant is sent to Xero.
XERO_MAX_CONNECTIONS = env.int("XERO_MAX_CONNECTIONS", default=25)
# The signing key of the app's Xero webhook (developer.xero.com > app > Webhooks): events
# are accepted only with its HMAC-SHA256 signature. Empty: every event is refused (401).
XERO_WEBHOOK_KEY = env.str("XERO_WEBHOOK_KEY", default="")
# A reconciliation asked for over the API reads Xero at once for up to this many days;
# a longer range is read by the worker and the answer says so (202).
RECONCILIATION_INLINE_DAYS = env.int("RECONCILIATION_INLINE_DAYS", default=7)
# The length of Xero's "minute": 60. Only the benchmarks shorten it (with the sandbox's).
XERO_MINUTE_WINDOW_SECONDS = env.int("XERO_MINUTE_WINDOW_SECONDS", default=60)

SYNC_LOG_RETENTION_DAYS = env.int("SYNC_LOG_RETENTION_DAYS", default=90)
# An export run's claim on its Xero organisation lasts this long unless renewed (every
# quarter of it while the run is alive): a worker that dies frees its organisation
# within this many seconds.
EXPORT_CLAIM_LEASE_SECONDS = env.int("EXPORT_CLAIM_LEASE_SECONDS", default=20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# ---- Operations (operations/): health, landing page, dashboard, alerts, metrics, logs ------
# Kept in one block so it merges cleanly with other changes to this file.
import zoneinfo  # noqa: E402
from typing import cast  # noqa: E402

INSTALLED_APPS += [
    # Swagger UI and ReDoc as our own static files: /api/docs/ works without internet.
    "drf_spectacular_sidecar",
    "operations",
]
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)
SPECTACULAR_SETTINGS["TAGS"] = [
    *cast(list, SPECTACULAR_SETTINGS["TAGS"]),
    {"name": "alerts", "description": "Where a merchant's alerts go: emails and a webhook."},
    {"name": "service", "description": "The service's own health (no API key)."},
]
# Static files (the docs' and the admin's) come from the installed apps, so the service
# serves them with or without `collectstatic`.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

# Health: a worker process beats every WORKER_HEARTBEAT_SECONDS; none within
# WORKER_STALE_SECONDS, or a task queued longer than HEALTH_QUEUE_STALE_SECONDS, is degraded.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10.0)
WORKER_STALE_SECONDS = env.float("WORKER_STALE_SECONDS", default=60.0)
HEALTH_QUEUE_STALE_SECONDS = env.float("HEALTH_QUEUE_STALE_SECONDS", default=300.0)
HEALTH_CACHE_SECONDS = env.float("HEALTH_CACHE_SECONDS", default=2.0)
LANDING_POLL_SECONDS = env.float("LANDING_POLL_SECONDS", default=5.0)

# The operations dashboard (/admin/dashboard/).
DASHBOARD_REFRESH_SECONDS = env.int("DASHBOARD_REFRESH_SECONDS", default=30)
DASHBOARD_DAYS = env.int("DASHBOARD_DAYS", default=7)
DASHBOARD_FAILURES = env.int("DASHBOARD_FAILURES", default=20)
DASHBOARD_TIME_ZONE = env.str("DASHBOARD_TIME_ZONE", default=TIME_ZONE)

# Alerts: emails through Django's email backend (EMAIL_URL, e.g. smtp+tls://user:pass@host:587;
# default: printed to the console), and signed webhooks retried with exponential backoff.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
ALERT_FROM_EMAIL = env.str("ALERT_FROM_EMAIL", default="xero-bridge@localhost")
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_BACKOFF_SECONDS = env.float("WEBHOOK_BACKOFF_SECONDS", default=30.0)
WEBHOOK_BACKOFF_CAP_SECONDS = env.float("WEBHOOK_BACKOFF_CAP_SECONDS", default=3600.0)

# Staff in this group (and superusers) see django-q2's task, schedule and queue pages in the
# admin, as far as their permissions go; finance staff never see them.
OPERATIONS_GROUP = env.str("OPERATIONS_GROUP", default="Operations")

# Prometheus: /metrics answers 404 until a token is set, then wants it as a bearer token.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Logs: plain text, or one JSON object per line with the ids of what each event is about.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}.")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "operations.logs.JsonFormatter"}}
    LOGGING["handlers"] = {"console": {"class": "logging.StreamHandler", "formatter": "json"}}
if DASHBOARD_TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured("DASHBOARD_TIME_ZONE must be an IANA zone such as Australia/Sydney.")
