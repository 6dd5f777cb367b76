"""Production: refuses to start without SECRET_KEY; HTTPS, SMTP, PostgreSQL and Redis."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_bool, env_int, env_str, mailers

SECRET_KEY = env_str("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production"
    )
DEBUG = False
DEMO_DATA_ALLOWED = False

MAILERS = mailers(default_backend="django.core.mail.backends.smtp.EmailBackend", var_dir=VAR_DIR)

# https://docs.djangoproject.com/en/6.1/howto/deployment/checklist/
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
