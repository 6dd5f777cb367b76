"""Two crisis leaders start crisis mode at the same moment: one crisis, the other refused.

Real concurrent transactions need PostgreSQL (CI runs there); SQLite serialises writers.
"""

import threading
from collections.abc import Iterator

import pytest
from django.db import connection

from accounts.crisis.services import CrisisError, crisis_start
from accounts.models import CrisisPeriod
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from tests.conftest import skip_or_fail
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if connection.vendor != "postgresql":
        skip_or_fail("concurrent transactions are tested on PostgreSQL only")
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)
    yield


def _race(users: list[User]) -> list[str]:
    """Start crisis mode from one thread per user, all released at once."""
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def start(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            crisis_start(actor=user, reason=f"Flom ({user})", message_text="Veien er stengt.")
            outcomes.append("started")
        except CrisisError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _leaders(n: int) -> list[User]:
    return [
        make_user(username=f"kriseleder{i}", roles=[Role.CRISIS_LEADER if i % 2 else Role.MAYOR])
        for i in range(n)
    ]


def test_concurrent_starts_give_one_crisis(postgresql: None) -> None:
    outcomes = _race(_leaders(4))
    assert outcomes.count("started") == 1
    refused = [o for o in outcomes if o != "started"]
    assert len(refused) == 3
    assert all(o.startswith("Krisemodus er allerede aktiv") for o in refused)
    assert CrisisPeriod.objects.count() == 1
    assert CrisisPeriod.objects.get().messages.count() == 1


def test_the_database_constraint_decides_when_the_check_sees_nothing(
    postgresql: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both requests pass the "is one active?" read, as they can under READ COMMITTED; the
    # partial unique index then refuses the second insert.
    monkeypatch.setattr("accounts.crisis.services.crisis_active", lambda: None)
    outcomes = _race(_leaders(2))
    assert sorted(outcomes) == ["Krisemodus er allerede aktiv.", "started"]
    assert CrisisPeriod.objects.count() == 1
