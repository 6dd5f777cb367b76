"""Page access tokens encrypted at rest.

``PLATFORM_TOKEN_KEYS`` lists Fernet keys, newest first: the newest encrypts, every key
decrypts, so a key is rotated by putting a new one in front, running
``manage.py platform_tokens_rotate`` and then dropping the old one
(https://cryptography.io/en/latest/fernet/#cryptography.fernet.MultiFernet).
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class TokenKeysMissing(ImproperlyConfigured):
    """No key is configured: tokens can be neither stored nor read."""


def _fernet() -> MultiFernet:
    keys: list[str] = list(settings.PLATFORM_TOKEN_KEYS)
    if not keys:
        raise TokenKeysMissing("PLATFORM_TOKEN_KEYS is empty")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "PLATFORM_TOKEN_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)"
        ) from exc


def keys_configured() -> bool:
    return bool(settings.PLATFORM_TOKEN_KEYS)


def token_encrypt(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def token_decrypt(stored: str) -> str | None:
    """The token, or None if no configured key opens it (a key dropped too early)."""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        return None


def token_rotate(stored: str) -> str:
    """The token encrypted again under the newest key (``InvalidToken`` if none opens it)."""
    return _fernet().rotate(stored.encode()).decode()
