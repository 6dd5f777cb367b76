"""Access decisions: helpers, and the discovery of every app's table.

Each app's tests declare ``ACCESS: dict[str, Access]`` in ``tests/<app>/access.py``; the
matrix test (``tests/moskenes_social/test_access_matrix.py``) merges every such table, so
apps add URLs without touching one shared file.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from tests.conftest import PERSONA_NAMES, Persona
from tests.factories import make_unit, make_user

LOGGED_IN = [name for name in PERSONA_NAMES if name != "anonymous"]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONA_NAMES, status)


def members(status: int, anonymous: int = 302) -> dict[str, int]:
    """Any logged-in member gets ``status``; the anonymous visitor goes to the login page."""
    return {**dict.fromkeys(LOGGED_IN, status), "anonymous": anonymous}


def only(allowed: list[str], status: int, others: int = 403) -> dict[str, int]:
    return {**dict.fromkeys(LOGGED_IN, others), **dict.fromkeys(allowed, status), "anonymous": 302}


KwargsMaker = Callable[[dict[str, Persona]], dict[str, object]]


@dataclass(frozen=True)
class Access:
    expected: dict[str, int]
    method: str = "get"
    kwargs: KwargsMaker = field(default=lambda personas: {})


def case_url_name(key: str) -> str:
    """The URL name of an object-level case key, ``"<url name> [<case>]"``."""
    return key.split(" [", 1)[0]


def another_unit() -> tuple[Unit, User, User]:
    """Helse og omsorg, a unit none of the personas belongs to or leads: (unit, its leader,
    a member of it). Idempotent, so several kwargs makers in one test share it."""
    unit = make_unit(name="Helse og omsorg", slug="helse-og-omsorg")
    leader = make_user(username="annen_leder", unit=unit, roles=[Role.LEADER])
    unit.leaders.add(leader)
    member = make_user(username="annen_ansatt", unit=unit, roles=[Role.COMMUNICATION_STAFF])
    return unit, leader, member


def all_object_access_tables() -> dict[str, Access]:
    """Merge ``OBJECT_ACCESS`` of every ``tests/<app>/access.py``: further cases for URLs
    already in ``ACCESS``, on objects a persona is an outsider to (another unit's account,
    another person's request or post). Keys are ``"<url name> [<case>]"``."""
    merged: dict[str, Access] = {}
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/access.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.access")
        table: dict[str, Access] = getattr(module, "OBJECT_ACCESS", {})
        clash = set(table) & set(merged)
        assert not clash, f"cases declared in two access tables: {clash}"
        merged.update(table)
    return merged


def all_access_tables() -> dict[str, Access]:
    """Merge ``ACCESS`` of every ``tests/<app>/access.py``; a URL named twice is an error."""
    merged: dict[str, Access] = {}
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/access.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.access")
        table: dict[str, Access] = module.ACCESS
        clash = set(table) & set(merged)
        assert not clash, f"URL names declared in two access tables: {clash}"
        merged.update(table)
    return merged
