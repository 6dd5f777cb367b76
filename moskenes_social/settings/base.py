"""Settings shared by every environment; local, production and test extend this.

Every value that differs between installations comes from an environment variable,
parsed strictly by ``settings.env``. The README's configuration table lists them all.
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_positive_int,
    env_str,
    ipware_settings,
    mailers,
)

# Lets admin classes and querysets be subscripted for the type checker at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# The one place the municipality is named: everything shown to users reads this.
MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Moskenes kommune")
# The address users reach the app at, for links in e-mails. Unset, the address `make run`
# serves (ADDRESS, host:port, which the Makefile exports), so that the demo's e-mails link
# to the running app whatever port it was given.
SITE_URL = env_str("SITE_URL", "") or f"http://{env_str('ADDRESS', '127.0.0.1:8000')}"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "moskenes_social.people",
    "moskenes_social.audit",
    "moskenes_social.notifications",
    "policy",
    "accounts",
    "approvals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside SessionMiddleware, so the session it refreshes is saved on the way out.
    "moskenes_social.people.middleware.SessionIdleMiddleware",
    # After CsrfViewMiddleware: a forged request is refused before it is counted.
    "moskenes_social.people.middleware.PasswordResetLimitMiddleware",
    # Only views marked with @login_not_required are public.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "moskenes_social.urls"
WSGI_APPLICATION = "moskenes_social.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "moskenes_social.context_processors.shell",
                "accounts.crisis.context_processors.crisis",
                "accounts.context_processors.menu",
                "approvals.context_processors.menu",
            ],
            # The project's own tag libraries (the project package is not an app).
            "libraries": {
                "fields": "moskenes_social.templatetags.fields",
                "jinja": "moskenes_social.templatetags.jinja",
                "links": "moskenes_social.templatetags.links",
            },
            # Choice labels and dates, used by (nearly) every page.
            "builtins": ["moskenes_social.templatetags.formats"],
        },
    },
    # The rows of the long lists (``moskenes_social/jinja.py`` says why). Autoescaping is
    # on, as the backend sets it. https://docs.djangoproject.com/en/6.1/topics/templates/#django.template.backends.jinja2.Jinja2
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "moskenes_social.jinja.environment",
            "extensions": ["jinja2.ext.i18n"],
        },
    },
]

# https://docs.djangoproject.com/en/6.1/ref/settings/#databases
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'moskenes_social.sqlite3'}")
    )
}
# The default cache holds the public register's entries and the password-reset counters.
# Empty CACHE_URL: each process's own memory (development, tests). Production names Redis,
# so that every worker sees the same counts and the same register version.
# https://docs.djangoproject.com/en/6.1/topics/cache/#redis
CACHES = cache_from_url(env_str("CACHE_URL", ""))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index that carries a column for PostgreSQL (``posts_open_by_due_account``) is a plain
# index on SQLite (``make run``, tests without a server), which says so on every check.
SILENCED_SYSTEM_CHECKS = (
    ["models.W040"] if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else []
)

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out username first.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures a username is locked
# from that address only, not the whole address (a town hall sits behind one address).
# The rådmann lifts a lock at /innlogging/sperrer/; an operator with `manage.py axes_reset`.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=3, maximum=100)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The lockout page (registration/locked_out.html) says how long a lock lasts from this.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1, maximum=1440))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# A username longer than django-axes' 255-character columns would be a 500 when the
# failure is recorded; no user's name is that long, so the rest is never compared.
AXES_USERNAME_CALLABLE = "moskenes_social.people.auth.axes_username"
# The client's address, which locks count by, behind TRUSTED_PROXY_COUNT reverse proxies
# (0 = none: the connection's address, X-Forwarded-For unread). What a client wrote into
# X-Forwarded-For itself, left of what the proxies added, is never believed
# (``env.ipware_settings``). Lenient parsing (IPWARE_STRICT off) skips a malformed entry
# a client forged instead of dropping the whole header, which would count every such
# client under the proxy's address again.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html#configuring-reverse-proxies
# https://github.com/un33k/django-ipware#advanced-users
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
AXES_IPWARE_PROXY_COUNT, AXES_IPWARE_META_PRECEDENCE_ORDER = ipware_settings(TRUSTED_PROXY_COUNT)
IPWARE_STRICT = False

# A session ends after this many minutes without a request (default: a working day);
# ``people.middleware.SessionIdleMiddleware`` moves the end on as the user works.
# https://docs.djangoproject.com/en/6.1/ref/settings/#session-cookie-age
SESSION_COOKIE_AGE = 60 * env_int("SESSION_IDLE_MINUTES", 8 * 60, minimum=5, maximum=7 * 24 * 60)

# Password-reset e-mails: at most so many requests an hour from one address and for one
# e-mail address; beyond that the page says what it always says and sends nothing.
# Counted in the default cache (CACHE_URL: Redis in production, so all workers share it).
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env_int(
    "PASSWORD_RESET_PER_ADDRESS_PER_HOUR", 20, minimum=1, maximum=1000
)
PASSWORD_RESET_PER_EMAIL_PER_HOUR = env_int(
    "PASSWORD_RESET_PER_EMAIL_PER_HOUR", 3, minimum=1, maximum=100
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Django 6's built-in Content Security Policy: our own files only, no inline scripts.
# https://docs.djangoproject.com/en/6.1/ref/csp/
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# E-mail: development writes to the console; production defaults to SMTP.
# https://docs.djangoproject.com/en/6.1/topics/email/#configuring-email
MAILERS = mailers(default_backend="django.core.mail.backends.console.EmailBackend", var_dir=VAR_DIR)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sosiale-medier@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds after which a notification e-mail still claimed ("sending") is taken to be lost
# with its worker: the beat sweep gives it back to pending. Longer than any SMTP exchange,
# so a live send is never taken over; 60 to 86400 (the app refuses to start otherwise).
# docs/operations.md, "How the pieces fit"
NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT = env_positive_int("NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT", 15 * 60)

# --- Celery -------------------------------------------------------------------------------
# Default broker: Celery's filesystem transport under var/, so a first run needs no server.
# Production and CI name Redis in CELERY_BROKER_URL.
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    # The transport needs its folder before the first message; create it on start.
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task taken by a worker that dies comes back to the queue once the visibility
    # timeout has passed; kombu looks for such unacked tasks every
    # interval x throttle seconds (default 10 x 10), shortened here to 10 x 1.
    # https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.redis.html
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A killed worker must not drop work: acknowledge after the task ran, and requeue a task
# whose worker process was lost; take one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The database is the source of truth; this sweep sends what a lost message left behind.
    "notifications-sweep": {
        "task": "moskenes_social.notifications.tasks.notifications_deliver_pending",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Accounts not followed up within their interval: remind responders, then the owner.
    "accounts-follow-up-reminders": {
        "task": "accounts.tasks.follow_up_reminders_send",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    # Posts not answered by their deadline: remind responders, then the owner.
    "posts-reminders": {
        "task": "accounts.posts.tasks.post_reminders_send",
        "schedule": crontab(minute="*/2"),
        "options": {"expires": 100},
    },
    # Platform actions whose message was lost, that wait (throttling, backoff), or whose
    # worker died mid-send: deliver or reconcile them.
    "posts-outbox-sweep": {
        "task": "accounts.posts.tasks.platform_outbox_sweep_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "instagram-tokens-refresh": {
        "task": "accounts.posts.tasks.instagram_tokens_refresh_task",
        "schedule": crontab(minute=17, hour="*/6"),
        "options": {"expires": 3600},
    },
    "crisis-lockout-sweep": {
        "task": "accounts.posts.tasks.crisis_lockout_sweep_task",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
}

# --- Posts coming in: the ingest API and the Facebook Page webhook -------------------------
# The app secret signs each webhook delivery (X-Hub-Signature-256); empty = the webhook
# refuses every delivery (403). The verify token is what you type into the app dashboard
# when subscribing; empty = the subscription handshake is refused.
# https://developers.facebook.com/docs/graph-api/webhooks/getting-started
FACEBOOK_APP_SECRET = env_str("FACEBOOK_APP_SECRET", "")
FACEBOOK_VERIFY_TOKEN = env_str("FACEBOOK_VERIFY_TOKEN", "")
# Instagram comments come to a webhook of their own, signed with the Instagram app's secret
# (Instagram Login: App Dashboard -> Instagram -> API setup with Instagram login).
# https://developers.facebook.com/docs/instagram-platform/webhooks
INSTAGRAM_APP_SECRET = env_str("INSTAGRAM_APP_SECRET", "")
INSTAGRAM_VERIFY_TOKEN = env_str("INSTAGRAM_VERIFY_TOKEN", "")
# Larger request bodies to the ingest API and the webhook are refused with 413.
INGEST_MAX_BODY_BYTES = env_positive_int("INGEST_MAX_BODY_BYTES", 256 * 1024)

# --- Acting on the platforms: the Graph API and the outbox ----------------------------------
# The Graph API's address with its version; tests and `make run` point it at the project's
# stand-in (standins/meta_graph.py). https://developers.facebook.com/docs/graph-api/guides/versioning
META_GRAPH_URL = env_str("META_GRAPH_URL", "https://graph.facebook.com/v25.0").rstrip("/")
# Instagram Login's Graph API (graph.instagram.com), same paths and errors as above.
# https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login
INSTAGRAM_GRAPH_URL = env_str("INSTAGRAM_GRAPH_URL", "https://graph.instagram.com/v25.0").rstrip(
    "/"
)
# An Instagram token (60 days) is refreshed by beat once fewer days than this are left.
INSTAGRAM_TOKEN_REFRESH_DAYS = env_int("INSTAGRAM_TOKEN_REFRESH_DAYS", 30, minimum=1, maximum=59)
# Seconds one Graph API call may take (connect and read) before it counts as a transient error.
META_GRAPH_TIMEOUT = env_int("META_GRAPH_TIMEOUT", 15, minimum=1, maximum=120)
# Fernet keys (comma-separated, newest first) that encrypt Page access tokens at rest;
# older keys still decrypt, and `manage.py platform_tokens_rotate` re-encrypts with the
# newest. Empty: connecting a Page is refused. https://cryptography.io/en/latest/fernet/
PLATFORM_TOKEN_KEYS = env_list("PLATFORM_TOKEN_KEYS", [])
# An outbox row in "sending" for longer than this (seconds: a worker killed mid-send) is
# reconciled with the platform by the sweep before it is sent again.
PLATFORM_OUTBOX_CLAIM_TIMEOUT = env_int(
    "PLATFORM_OUTBOX_CLAIM_TIMEOUT", 300, minimum=30, maximum=86_400
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
