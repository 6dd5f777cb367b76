"""Access decisions: helpers, and the discovery of every app's table.

Each app's tests declare ``ACCESS: dict[str, Access]`` in ``tests/<app>/access.py``; the
matrix test (``tests/moskenes_social/test_access_matrix.py``) merges every such table, so
apps add URLs without touching one shared file.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import PERSONA_NAMES, Persona

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
