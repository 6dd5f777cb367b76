"""Login throttling: a username is locked from one address, not the whole town hall."""

import importlib

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from moskenes_social.audit.models import Event
from tests.conftest import Persona
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> int:
    return client.post("/logg-inn/", {"username": username, "password": password}).status_code


def test_repeated_failures_lock_the_username_from_that_address_only(
    personas: dict[str, Persona],
) -> None:
    town_hall = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(town_hall, "leder", "feil") == 200
    # The failure that reaches the limit locks.
    assert _login(town_hall, "leder", "feil") == 429
    locked = town_hall.post("/logg-inn/", {"username": "leder", "password": PASSWORD})
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger" in locked.content.decode()
    # A colleague behind the same address logs in as usual.
    assert _login(Client(REMOTE_ADDR="10.1.1.1"), "radmann", PASSWORD) == 302
    # The same user from another address is not locked either.
    assert _login(Client(REMOTE_ADDR="10.2.2.2"), "leder", PASSWORD) == 302


def test_the_radmann_lifts_a_lock(personas: dict[str, Persona]) -> None:
    town_hall = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(town_hall, "leder", "feil")
    radmann = personas["radmann"].client
    page = radmann.get("/innlogging/sperrer/").content.decode()
    assert "leder" in page and "10.1.1.1" in page
    attempt = AccessAttempt.objects.get(username="leder")
    assert radmann.post(f"/innlogging/sperrer/{attempt.pk}/opphev/").status_code == 302
    assert not AccessAttempt.objects.filter(username="leder").exists()
    assert Event.objects.filter(action="people.login_lock_lifted").exists()
    assert _login(town_hall, "leder", PASSWORD) == 302


def test_production_cookies_are_secure_and_http_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    production = importlib.import_module("moskenes_social.settings.production")
    assert production.SESSION_COOKIE_SECURE and production.SESSION_COOKIE_HTTPONLY
    assert production.CSRF_COOKIE_SECURE and production.CSRF_COOKIE_HTTPONLY
