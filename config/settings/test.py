"""Settings for the test suite: the database comes from DATABASE_URL (SQLite by default)."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
AUDIT_HMAC_KEY = "test:audit-chain-key-for-tests-only-not-secret"  # noqa: S105
AUDIT_HMAC_KEYS = ""
AUDIT_DIGEST_DIR = VAR_DIR / "test-audit-digests"  # tests that publish digests point it at tmp_path
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# On SQLite the test database is in memory (one per process, so parallel runs never collide).

# WhiteNoise serves static files straight from the apps and the Bootstrap package (no collectstatic
# needed outside production); it only needs STATIC_ROOT to exist.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The suite registers and objects many times from 127.0.0.1 in one process (one local-memory cache): the
# throttle tests set these low themselves.
THROTTLE_REGISTRATIONS_PER_HOUR = 100_000
THROTTLE_OBJECTIONS_PER_HOUR = 100_000
