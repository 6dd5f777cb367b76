"""Access decisions: helpers, and the discovery of every app's table.

Each app's tests declare ``ACCESS: dict[str, Access]`` in ``tests/<app>/access.py``; the
matrix test (``tests/moskenes_social/test_access_matrix.py``) merges every such table, so
apps add URLs without touching one shared file. The same module may declare
``OBJECT_ACCESS`` (the same URLs on objects of another unit or person, keyed
``"<url name> [<case>]"``) and ``NO_OBJECT_CASE`` (URLs that name an object which belongs
to no unit or person, each with the reason).
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

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
# What a POST sends, from the personas and the URL's kwargs (the objects just made).
DataMaker = Callable[[dict[str, Persona], dict[str, object]], dict[str, object]]
HeadersMaker = Callable[[dict[str, Persona], dict[str, object]], dict[str, str]]


def _no_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {}


def _no_data(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {}


def _no_headers(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Access:
    """The status each persona gets on GET and on POST.

    A method left out (``None``) is one the view does not take: 405 for everyone, except
    that LoginRequiredMiddleware sends the anonymous visitor to the login page first.

    ``data`` is what the POST sends: data the form accepts, so that a refusal is tried
    with a request that would otherwise change something. A refused POST (401, 403, 404,
    405, or the anonymous visitor's way to the login page) must change nothing in the
    database; so must the POST of each persona in ``changes_nothing``, whose 200 or 302
    is a refusal all the same (a message and a redirect, a form that does not offer the
    object, a link that is no longer valid).
    """

    get: dict[str, int] | None = None
    post: dict[str, int] | None = None
    kwargs: KwargsMaker = field(default=_no_kwargs)
    data: DataMaker = field(default=_no_data)
    headers: HeadersMaker = field(default=_no_headers)
    changes_nothing: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        assert self.get is not None or self.post is not None, "an entry decides some method"
        for expected in (self.get, self.post):
            assert expected is None or set(expected) == set(PERSONA_NAMES), expected


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


def _access_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"tests.{path.parent.name}.access")
        for path in sorted(Path(__file__).resolve().parents[1].glob("*/access.py"))
    ]


def _merged[T](name: str) -> dict[str, T]:
    merged: dict[str, T] = {}
    for module in _access_modules():
        table: dict[str, T] = getattr(module, name, {})
        clash = set(table) & set(merged)
        assert not clash, f"keys declared in two {name} tables: {clash}"
        merged.update(table)
    return merged


def all_access_tables() -> dict[str, Access]:
    """Merge ``ACCESS`` of every ``tests/<app>/access.py``; a URL named twice is an error."""
    return _merged("ACCESS")


def all_object_access_tables() -> dict[str, Access]:
    """Merge ``OBJECT_ACCESS`` of every ``tests/<app>/access.py``: further cases for URLs
    already in ``ACCESS``, on objects a persona is an outsider to (another unit's account,
    another person's request or post). Keys are ``"<url name> [<case>]"``."""
    return _merged("OBJECT_ACCESS")


def all_no_object_case_reasons() -> dict[str, str]:
    """Merge ``NO_OBJECT_CASE``: URL names that take an object's key but need no case of
    another unit or person, each with the reason."""
    return _merged("NO_OBJECT_CASE")
