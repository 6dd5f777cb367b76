"""Strict parsing of environment variables for settings.

A value that cannot be parsed raises ImproperlyConfigured at start-up, rather than
silently falling back to a default (healthchecks ``envbool``).
"""

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0/yes/no), got {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """An integer; with ``minimum``/``maximum``, one in that range (the default too)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        value = default
    else:
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(
            f"{name} must be an integer from {minimum} to {maximum}, got {value!r}"
        )
    return value


def env_positive_int(name: str, default: int) -> int:
    value = env_int(name, default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive integer, got {value!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``postgres://user:pw@host:port/name`` or ``sqlite:///path`` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured("DATABASE_URL for sqlite must name a file")
        # `make run`'s web server, worker and beat write at once (a webhook's echo arrives
        # while the worker settles the same reply): writers queue for the lock at BEGIN
        # instead of failing at once, and readers do not wait for writers (WAL).
        # https://docs.djangoproject.com/en/6.1/ref/databases/#sqlite-transaction-behavior
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        name = parts.path.lstrip("/")
        if not name:
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL must name a database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(name),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # No JIT compilation: this app's queries are short, and PostgreSQL's cost
            # threshold let JIT spend 217 ms compiling the inbox's 440 ms count at national
            # scale (``make bench``). https://www.postgresql.org/docs/15/jit-decision.html
            "OPTIONS": {"options": "-c jit=off"},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported (use postgres:// or sqlite:///)"
    )


def mailers(*, default_backend: str, var_dir: Path) -> dict[str, dict[str, object]]:
    """MAILERS from EMAIL_BACKEND and, for SMTP, EMAIL_HOST/PORT/HOST_USER/HOST_PASSWORD/
    USE_TLS/TIMEOUT."""
    backend = env_str("EMAIL_BACKEND", default_backend)
    options: dict[str, object] = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            # A hung SMTP server must not hold a worker for ever; the e-mail claim's
            # timeout (NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT, 900 s by default) is longer.
            "timeout": env_int("EMAIL_TIMEOUT", 60, minimum=5, maximum=600),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": str(var_dir / "mail")}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


def cache_from_url(url: str) -> dict[str, dict[str, object]]:
    """CACHES from ``redis://host:port/db`` (or ``rediss://``); empty = each process's memory."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if urlsplit(url).scheme in {"redis", "rediss"}:
        return {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    raise ImproperlyConfigured("CACHE_URL must be empty or a redis:// or rediss:// URL")


def ipware_settings(trusted_proxy_count: int) -> tuple[int | None, tuple[str, ...]]:
    """django-axes' AXES_IPWARE_PROXY_COUNT and AXES_IPWARE_META_PRECEDENCE_ORDER for a
    client behind ``trusted_proxy_count`` reverse proxies.

    Each proxy appends the address it was reached from to X-Forwarded-For, and the last
    proxy is the connection itself (REMOTE_ADDR), so the client is the entry that many
    minus one from the right; ipware counts that many proxies after it in the header.
    No proxy: the connection's address, and the header is not read at all.
    """
    if trusted_proxy_count == 0:
        return None, ("REMOTE_ADDR",)
    return trusted_proxy_count - 1, ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def derived_fernet_key(secret: str) -> str:
    """A Fernet key derived from a development or test secret (never production's: there
    PLATFORM_TOKEN_KEYS is set on its own, so rotating SECRET_KEY loses no token)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode()
