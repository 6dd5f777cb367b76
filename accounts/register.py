"""The public register's data, cached, and its invalidation.

The register is read by anyone, often, and changes seldom. Its entries are cached under a key
that contains a version; every service that changes what the register shows calls
``register_invalidate()``, which sets a new version once the transaction has committed, so the
next reader builds the entries afresh. A cached hit costs no database query.

With Django's default LocMemCache each process has its own cache: the new version reaches only
the process that made the change, and others follow within ``REGISTER_CACHE_SECONDS``. A
shared cache (Redis, named in ``CACHES``) makes every process follow at once.
"""

import gzip
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from moskenes_social.worktime import OSLO

from .models import Account, Platform
from .selectors import accounts_public_register

VERSION_KEY = "accounts:register:version"
REGISTER_CACHE_SECONDS = 60
# Entries per page of the register's HTML page.
REGISTER_PAGE_SIZE = 50


@dataclass(frozen=True)
class RegisterEntry:
    """What the public may know about an official account: nothing internal."""

    platform: str
    name: str
    handle: str
    url: str
    unit: str
    contact_instance: str
    contact_person: str
    contact_title: str
    contact_email: str
    homepage: str
    official_since: datetime


def _entry(account: Account) -> RegisterEntry:
    return RegisterEntry(
        platform=account.platform,
        name=account.name,
        handle=account.handle,
        url=account.url,
        unit=account.unit.name,
        contact_instance=account.contact_instance,
        contact_person=account.contact_person,
        contact_title=account.contact_title,
        contact_email=account.contact_email,
        homepage=account.homepage,
        official_since=account.official_since,
    )


def _version() -> str:
    version: str | None = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or ""
    return version


def register_entries() -> list[RegisterEntry]:
    """Every active account as a register entry; from the cache when it is current."""
    key = f"accounts:register:entries:{_version()}"
    entries: list[RegisterEntry] | None = cache.get(key)
    if entries is None:
        entries = [_entry(account) for account in accounts_public_register()]
        cache.set(key, entries, timeout=REGISTER_CACHE_SECONDS)
    return entries


def register_page_entries(*, number: int) -> list[RegisterEntry]:
    """One page of the register (``REGISTER_PAGE_SIZE`` entries), cached on its own: a
    national register has 9,000 entries, and reading them all from the cache for every
    page view cost more than rendering the page (``make bench``)."""
    key = f"accounts:register:page:{_version()}:{number}"
    entries: list[RegisterEntry] | None = cache.get(key)
    if entries is None:
        start = (number - 1) * REGISTER_PAGE_SIZE
        entries = register_entries()[start : start + REGISTER_PAGE_SIZE]
        cache.set(key, entries, timeout=REGISTER_CACHE_SECONDS)
    return entries


def register_count() -> int:
    """How many entries the register has; cached with them."""
    key = f"accounts:register:count:{_version()}"
    count: int | None = cache.get(key)
    if count is None:
        count = len(register_entries())
        cache.set(key, count, timeout=REGISTER_CACHE_SECONDS)
    return count


def _json_entry(entry: RegisterEntry) -> dict[str, object]:
    return {
        "platform": entry.platform,
        "platform_name": str(Platform(entry.platform).label),
        "name": entry.name,
        "handle": entry.handle,
        "url": entry.url,
        "unit": entry.unit,
        "contact": {
            "instance": entry.contact_instance,
            "person": entry.contact_person,
            "title": entry.contact_title,
            "email": entry.contact_email,
            "homepage": entry.homepage,
        },
        "official_since": entry.official_since.astimezone(OSLO).isoformat(),
    }


def register_json_body(*, compressed: bool = False) -> bytes:
    """The register as a JSON document, encoded (and gzip-compressed, for clients that
    accept it) once per version of the register: at national scale it is 4 MB, which took
    80 ms to build per request, and 300 kB compressed (``make bench``)."""
    version = _version()
    key = f"accounts:register:json:{version}:{'gzip' if compressed else 'plain'}"
    body: bytes | None = cache.get(key)
    if body is None:
        document = {
            "municipality": settings.MUNICIPALITY_NAME,
            "accounts": [_json_entry(entry) for entry in register_entries()],
        }
        body = json.dumps(document, ensure_ascii=False).encode()
        if compressed:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        cache.set(key, body, timeout=REGISTER_CACHE_SECONDS)
    return body


def _bump() -> None:
    # A fresh random version, not a counter: an evicted counter could return to a value
    # whose stale entries are still cached.
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def register_invalidate() -> None:
    """Make the next reader rebuild the register, once the current transaction commits
    (a reader before the commit would otherwise cache what is about to change)."""
    transaction.on_commit(_bump)
