from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from moskenes_social.people.models import User
from tests.conftest import Persona

RunOnCommit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The notification ids each commit would put on the broker (nothing is put there)."""
    calls: list[list[int]] = []
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", calls.append)
    return calls


@pytest.fixture
def run_on_commit(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
    enqueued: list[list[int]],
) -> RunOnCommit:
    """Run on-commit hooks inside a test transaction (recorded in ``enqueued``)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def persona_user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


@pytest.fixture
def kriseleder(personas: dict[str, Persona]) -> User:
    return persona_user(personas, "kriseleder")


@pytest.fixture
def ordforer(personas: dict[str, Persona]) -> User:
    return persona_user(personas, "ordforer")
