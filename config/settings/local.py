"""The embedded default used by `make run`: SQLite, eager tasks, console mail, DEBUG off unless asked."""

from .base import *

# DEBUG only when the environment asks for it (DEBUG=1): its error pages show settings and code.
DEBUG = env_bool("DEBUG", False)
# A local-only key; production refuses to start without SECRET_KEY in the environment.
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-development-only-not-secret"  # noqa: S105

# The audit chain's key, when AUDIT_HMAC_KEY is not set: created on first run in a file under var/ (never
# in the database). Keep it with the backups, apart from the database dump (docs/operations.md).
AUDIT_HMAC_KEY_FILE = VAR_DIR / "audit-hmac.key"

# Mail from the embedded default goes to files under var/mail/ (one file per message), so a demo
# never sends real mail and the terminal stays readable. Set EMAIL_BACKEND to send for real.
if "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# WhiteNoise serves static files straight from the apps and the Bootstrap package (no collectstatic
# needed outside production); it only needs STATIC_ROOT to exist.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# runserver starts a thread per connection, so persistent database connections are never reused and
# pile up until PostgreSQL refuses new clients (Django's docs: don't enable them in development).
if "DATABASE_CONN_MAX_AGE" not in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
