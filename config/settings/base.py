"""Settings shared by every environment. Values that differ per deployment come from the environment."""

import os
from pathlib import Path

import bootstrap as _bootstrap_assets  # the PyPI package that ships Bootstrap's css/js (no CDN)
import dj_database_url
from celery.schedules import crontab as _crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("IPCITY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "ipcity.accounts.apps.IpcityAdminConfig",  # django.contrib.admin, read-only, admin role only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "ipcity.core",
    "ipcity.accounts",
    "ipcity.orgs",
    "ipcity.plan",
    "ipcity.reporting",
    "ipcity.incentives",
    "ipcity.grants",
    "ipcity.protection",
    "ipcity.patents",
    "ipcity.portal",
    "ipcity.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ipcity.core.middleware.RequestIdMiddleware",
    "ipcity.core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ipcity.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ipcity" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ipcity.core.context_processors.navigation",
            ],
        },
    },
]

# The embedded default is SQLite in WAL mode: no server needed. Production sets DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ipcity.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ipcity.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "ipcity.accounts.validators.UsernameValidator"},
    {"NAME": "ipcity.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling (docs/adr/0004): 5 failures for one username from one address lock that pair, and 50
# failures from one address over all usernames lock the address, for 30 minutes. Only failures within the
# cool-off window count; a successful login does not erase them (they stay in the audit trail as well).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_HANDLER = "ipcity.accounts.axes_handler.PairAndAddressHandler"
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address: X-Forwarded-For is believed only through TRUSTED_PROXY_COUNT reverse proxies (0: the
# socket's address), optionally only from TRUSTED_PROXIES (ipcity/accounts/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "ipcity.accounts.client_ip.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "ipcity" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [("bootstrap", Path(next(iter(_bootstrap_assets.__path__))))]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# Uploaded evidence and import files: checked for type and size by ipcity.core.uploads.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded spreadsheets and CSV files (ipcity.core.spreadsheets, docs/operations.md): per import kind, any
# of max_rows, max_columns, max_cell_chars, max_line_chars, max_uncompressed_bytes, max_ratio,
# ratio_floor_bytes, max_members overrides the defaults in ipcity/core/spreadsheets.py (KIND_DEFAULTS).
IMPORT_LIMITS = {
    "entities": {"max_rows": int(os.environ.get("IMPORT_MAX_ROWS_ENTITIES", "20000"))},
    "reports": {"max_rows": int(os.environ.get("IMPORT_MAX_ROWS_REPORTS", "2000"))},
    "patents": {"max_rows": int(os.environ.get("IMPORT_MAX_ROWS_PATENTS", "5000000"))},
    "simulation": {"max_rows": int(os.environ.get("IMPORT_MAX_ROWS_SIMULATION", "200000"))},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ipcity <noreply@ipcity.local>")

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Where people reach the platform: the links in notification mails (ipcity.core.mail.site_url).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Embedded default: tasks run eagerly in-process; production sets CELERY_TASK_ALWAYS_EAGER=false.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "plan-report-reminders": {"task": "ipcity.plan.tasks.send_report_reminders", "schedule": 24 * 3600},
    # Sign and publish yesterday's audit digest, then verify chain, digests and ledgers (docs/adr/0009).
    "audit-daily-digest-and-verify": {
        "task": "ipcity.core.tasks.audit_daily",
        "schedule": _crontab(hour=0, minute=30),
    },
}

# The audit chain (docs/adr/0009): new rows are sealed with AUDIT_HMAC_KEY ("id:secret", a secret of
# 32+ characters the database never holds); AUDIT_HMAC_KEYS ("id1:secret1,id2:secret2") lists the old
# keys verification still knows after a rotation. Production refuses to start without the key; the
# embedded default (local.py) keeps one in a file under var/ created on first run.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
AUDIT_HMAC_KEYS = os.environ.get("AUDIT_HMAC_KEYS", "")
AUDIT_HMAC_KEY_FILE: Path | str = ""
# Signed daily digests of the chain's head are published here, outside the database.
AUDIT_DIGEST_DIR = Path(os.environ.get("AUDIT_DIGEST_DIR", str(VAR_DIR / "audit-digests")))
# `audit verify` also compares the business ledgers with their latest audited figures.
AUDIT_LEDGER_CHECKS = ["ipcity.grants.selectors.ledger_audit_problems"]

SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after SESSION_IDLE_TIMEOUT_MINUTES without a request, and in any case
# SESSION_MAX_AGE_HOURS after the login (ipcity.accounts.middleware.SessionTimeoutMiddleware, ADR 0004).
SESSION_IDLE_TIMEOUT_MINUTES = int(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", "30"))
SESSION_MAX_AGE_HOURS = float(os.environ.get("SESSION_MAX_AGE_HOURS", "8"))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE_HOURS * 3600)
# Personal API tokens expire this many days after they are created (ADR 0004).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "90"))
# Anonymous forms, per client address per hour (ipcity.core.throttle; address as django-axes sees it).
# The counters live in the default cache: production should point CACHES at Redis so that every worker
# shares them (a per-process cache multiplies the limit by the number of workers).
THROTTLE_REGISTRATIONS_PER_HOUR = int(os.environ.get("THROTTLE_REGISTRATIONS_PER_HOUR", "10"))
THROTTLE_OBJECTIONS_PER_HOUR = int(os.environ.get("THROTTLE_OBJECTIONS_PER_HOUR", "10"))
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

POLICY_ROOT = BASE_DIR / "policies"
DEFAULT_POLICY = "yantai-2022-2024"
# Reference data sets, vendored from ../shared/data so a fresh checkout needs nothing beside it
# (data/cn-patent-ipc: MIT compilation of CNIPA's SEI↔IPC concordance; see its SOURCE.md).
SHARED_DATA_DIR = Path(os.environ.get("IPCITY_SHARED_DATA", BASE_DIR / "data"))

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SITE_NAME = _("ipcity")

# --- Uploaded files, response headers, API docs (security review, issue 8; docs/adr/0008) -------------
# Uploaded files have no public URL: each is downloaded through a view that checks the user's right to
# its object, then either streamed by Django ("django") or handed to the proxy to send from an internal
# location ("x-accel" for nginx's X-Accel-Redirect, "x-sendfile" for Apache/lighttpd). See
# docs/operations.md for the nginx `internal` location MEDIA_INTERNAL_PREFIX must point at.
MEDIA_SERVE_MODE = os.environ.get("MEDIA_SERVE_MODE", "django")
MEDIA_INTERNAL_PREFIX = os.environ.get("MEDIA_INTERNAL_PREFIX", "/protected-media/")
if MEDIA_SERVE_MODE not in ("django", "x-accel", "x-sendfile"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MEDIA_SERVE_MODE must be django, x-accel or x-sendfile.")

# Response headers Django has no setting for: ipcity.core.middleware.SecurityHeadersMiddleware, right after
# SecurityMiddleware. Scripts from our own origin only (no inline script: behaviour lives in static files);
# inline style attributes stay allowed (Bootstrap progress bars, pygal's SVG charts).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "ipcity.core.middleware.SecurityHeadersMiddleware",
)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)
# The API docs (/api/docs) use django-ninja's own copy of Swagger UI (its static files), not a CDN.
INSTALLED_APPS += ["ninja"]
