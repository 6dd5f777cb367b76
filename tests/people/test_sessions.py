"""A session ends after an idle time (a working day by default), not 14 days after login."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from moskenes_social.people.middleware import session_refresh_seconds
from tests.conftest import Persona
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


def _logged_in_client() -> Client:
    client = Client()
    response = client.post("/logg-inn/", {"username": "leder", "password": PASSWORD})
    assert response.status_code == 302
    return client


def _is_logged_in(client: Client) -> bool:
    status = client.get("/").status_code
    assert status in {200, 302}
    return status == 200


def _session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return sum(
        1 for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')
    )


def test_the_default_idle_time_is_a_working_day() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_a_session_left_alone_for_the_idle_time_ends(personas: dict[str, Persona]) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in_client()
        clock.shift(timedelta(hours=8, minutes=1))
        assert not _is_logged_in(client)


def test_a_session_in_use_lasts_beyond_the_idle_time(personas: dict[str, Persona]) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in_client()
        # A request every seven hours keeps the session for three working days.
        for _ in range(10):
            clock.shift(timedelta(hours=7))
            assert _is_logged_in(client)
        # Then a break longer than the idle time ends it.
        clock.shift(timedelta(hours=8, minutes=1))
        assert not _is_logged_in(client)


def test_the_idle_time_follows_its_setting(
    personas: dict[str, Persona], settings: Settings
) -> None:
    settings.SESSION_COOKIE_AGE = 30 * 60
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in_client()
        clock.shift(timedelta(minutes=25))
        assert _is_logged_in(client)
        clock.shift(timedelta(minutes=29))
        assert _is_logged_in(client)
        clock.shift(timedelta(minutes=31))
        assert not _is_logged_in(client)


def test_the_session_is_written_only_when_its_end_is_moved_on(
    personas: dict[str, Persona],
) -> None:
    """Pages keep their query counts: no write of the session on every request."""
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in_client()
        assert _session_writes(client) == 0
        clock.shift(timedelta(seconds=session_refresh_seconds() - 1))
        assert _session_writes(client) == 0
        clock.shift(timedelta(seconds=1))
        assert _session_writes(client) == 1
        assert _session_writes(client) == 0


def test_a_public_page_does_not_touch_the_session(personas: dict[str, Persona]) -> None:
    with time_machine.travel(START, tick=False) as clock:
        client = _logged_in_client()
        clock.shift(timedelta(hours=1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/healthz/").status_code == 200
        assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
