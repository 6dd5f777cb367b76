from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from accounts.models import Account, Platform
from accounts.posts.instagram import instagram_connect
from moskenes_social.people.models import Unit, User
from standins.meta_graph import GraphStandIn
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import make_user


def persona_user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notifications are written; their e-mail tasks are not put on the broker."""
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


@pytest.fixture
def people(unit: Unit) -> dict[str, User]:
    """The people of one account: an owner, two responders, a backup; and an outsider."""
    return {
        name: make_user(username=name, unit=unit)
        for name in ["eier", "svarer1", "svarer2", "reserve", "utenforstaende"]
    }


@pytest.fixture
def account(people: dict[str, User], unit: Unit) -> Account:
    """An active Facebook account of Reine skole, with its people."""
    return make_account(
        unit=unit,
        name="Reine skole",
        handle="reineskole",
        owner=people["eier"],
        responders=[people["svarer1"], people["svarer2"]],
        backups=[people["reserve"]],
    )


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    """Wednesday 25 November 2026, 10:00 in Oslo, time standing still."""
    from datetime import datetime

    from moskenes_social.worktime import OSLO

    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=OSLO), tick=False) as traveller:
        yield traveller


IG_USER = "17841400000000042"
SHORT_TOKEN = "IGQVJshortlived42"  # noqa: S105 - the stand-in's, not a secret
SECRET = "instagram-app-secret-for-tests"  # noqa: S105


def instagram_connected(
    meta_graph: GraphStandIn, settings: Any, *, unit: Unit, owner: User, responders: list[User]
) -> Account:
    """Reine skole's Instagram account, connected to the stand-in through Instagram Login."""
    settings.INSTAGRAM_GRAPH_URL = meta_graph.url
    settings.INSTAGRAM_APP_SECRET = SECRET
    meta_graph.instagram_webhook_configure("", SECRET)
    meta_graph.instagram_account_add(IG_USER, "reineskole", SHORT_TOKEN)
    account = make_account(
        unit=unit,
        name="Reine skole på Instagram",
        handle="reineskole_ig",
        platform=Platform.INSTAGRAM,
        owner=owner,
        responders=responders,
    )
    instagram_connect(actor=owner, account=account, user_id=IG_USER, token=SHORT_TOKEN)
    return account


@pytest.fixture
def instagram(
    meta_graph: GraphStandIn, people: dict[str, User], unit: Unit, settings: Any
) -> Account:
    """Reine skole's Instagram account, connected."""
    return instagram_connected(
        meta_graph, settings, unit=unit, owner=people["eier"], responders=[people["svarer1"]]
    )
