from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from tests.conftest import Persona
from tests.factories import make_unit, make_user

RunOnCommit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def run_on_commit(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> RunOnCommit:
    """Run on-commit hooks (the register's cache version) inside a test transaction,
    without putting notification e-mail tasks on the broker."""
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)
    return lambda: django_capture_on_commit_callbacks(execute=True)


def persona_user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


@pytest.fixture
def radmann_user(personas: dict[str, Persona]) -> User:
    return persona_user(personas, "radmann")


@pytest.fixture
def leader(personas: dict[str, Persona]) -> User:
    """The leader of the ``unit`` fixture (Reine skole)."""
    return persona_user(personas, "leder")


@pytest.fixture
def other_unit(db: None) -> Unit:
    return make_unit(name="Helse og omsorg", slug="helse-og-omsorg")


@pytest.fixture
def other_leader(other_unit: Unit) -> User:
    """A leader, but of another unit."""
    user = make_user(username="annenleder", unit=other_unit, roles=[Role.LEADER])
    other_unit.leaders.add(user)
    return user


@pytest.fixture
def staff(unit: Unit) -> list[User]:
    """Three ordinary members of Reine skole."""
    return [make_user(username=f"laerer{i}", unit=unit) for i in range(1, 4)]


@pytest.fixture
def other_leader_client(other_leader: User) -> Iterator[Any]:
    from django.test import Client

    client = Client()
    client.force_login(other_leader)
    yield client
