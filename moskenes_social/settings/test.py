"""Tests: SQLite and the filesystem broker unless DATABASE_URL/CELERY_BROKER_URL name servers."""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import derived_fernet_key

SECRET_KEY = "test-only-not-secret"  # noqa: S105
PLATFORM_TOKEN_KEYS = [derived_fernet_key(SECRET_KEY)]
DEBUG = False
DEMO_DATA_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = VAR_DIR / "test-staticfiles"

# A file, not memory, for SQLite: the live server and a Celery worker process share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
# Whitenoise warns about a missing STATIC_ROOT on every request; the live server serves
# static files through the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

# No test reaches Meta: a test that acts on a platform points this at the stand-in
# (tests/standins); anything else gets "connection refused" at once.
META_GRAPH_URL = "http://127.0.0.1:9/v25.0"
INSTAGRAM_GRAPH_URL = "http://127.0.0.1:9/v25.0"
META_GRAPH_TIMEOUT = 5
