"""Logging in: overlong usernames, the lockout page, and client addresses behind proxies."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from pytest_django import Settings

from moskenes_social.people.auth import AXES_USERNAME_MAX_LENGTH
from moskenes_social.settings.env import ipware_settings
from tests.conftest import Persona
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# The nb messages of Django's login forms (ours, the admin's) for a wrong name or password.
WRONG_LOGIN = {"/logg-inn/": "Vennligst oppgi korrekt", "/admin/login/": "Vennligst oppgi gyldig"}
PROXY = "172.18.0.2"


def _login(client: Client, username: str, password: str, *, forwarded_for: str = "") -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(
        "/logg-inn/", {"username": username, "password": password}, headers=headers
    )
    return response.status_code


@pytest.mark.parametrize("path", ["/logg-inn/", "/admin/login/"])
def test_an_overlong_username_is_a_wrong_login_that_keeps_what_was_typed(
    personas: dict[str, Persona], path: str
) -> None:
    typed = "radmann" + "x" * 300
    response = Client().post(path, {"username": typed, "password": "feil"})
    assert response.status_code == 200
    page = response.content.decode()
    assert WRONG_LOGIN[path] in page
    assert f'value="{typed}"' in page
    # Counted by django-axes under the part that fits its column.
    attempt = AccessAttempt.objects.get()
    assert attempt.username == typed[:AXES_USERNAME_MAX_LENGTH]


def test_an_overlong_username_is_locked_like_any_other(personas: dict[str, Persona]) -> None:
    client = Client(REMOTE_ADDR="10.1.1.1")
    typed = "y" * 1000
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, typed, "feil") == 200
    assert _login(client, typed, "feil") == 429
    # Another name from the same address is not locked.
    assert _login(client, "radmann", PASSWORD) == 302


def _locked_page(client: Client) -> str:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "leder", "feil")
    response = client.post("/logg-inn/", {"username": "leder", "password": PASSWORD})
    assert response.status_code == 429
    return response.content.decode()


def test_the_lockout_page_says_how_long_the_lock_lasts(
    personas: dict[str, Persona], settings: Settings
) -> None:
    page = _locked_page(Client(REMOTE_ADDR="10.1.1.1"))
    assert "Vent 30 minutter og prøv igjen" in page
    assert "halvtime" not in page
    settings.AXES_COOLOFF_TIME = timedelta(minutes=45)
    assert "Vent 45 minutter og prøv igjen" in _locked_page(Client(REMOTE_ADDR="10.2.2.2"))
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    assert "Vent 1 minutt og prøv igjen" in _locked_page(Client(REMOTE_ADDR="10.3.3.3"))


def _behind_proxies(settings: Settings, count: int) -> None:
    settings.AXES_IPWARE_PROXY_COUNT, settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ipware_settings(
        count
    )


def test_behind_a_proxy_a_guesser_locks_only_their_own_address(
    personas: dict[str, Persona], settings: Settings
) -> None:
    _behind_proxies(settings, 1)
    # Every request comes from the proxy, which names its client in X-Forwarded-For.
    via_proxy = Client(REMOTE_ADDR=PROXY)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(via_proxy, "radmann", "feil", forwarded_for="203.0.113.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert _login(via_proxy, "radmann", PASSWORD, forwarded_for="203.0.113.9") == 429
    # The rådmann, at another address behind the same proxy, logs in.
    assert _login(Client(REMOTE_ADDR=PROXY), "radmann", PASSWORD, forwarded_for="198.51.100.7") == (
        302
    )


def test_behind_a_proxy_an_address_the_client_wrote_itself_is_not_believed(
    personas: dict[str, Persona], settings: Settings
) -> None:
    _behind_proxies(settings, 1)
    via_proxy = Client(REMOTE_ADDR=PROXY)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(via_proxy, "radmann", "feil", forwarded_for="203.0.113.9")
    # The guesser writes the rådmann's address, or rubbish, before the one the proxy adds.
    for forged in ["198.51.100.7, 203.0.113.9", "ikke-en-adresse, 203.0.113.9"]:
        assert _login(via_proxy, "radmann", PASSWORD, forwarded_for=forged) == 429
    assert _login(via_proxy, "radmann", PASSWORD, forwarded_for="198.51.100.7") == 302


def test_behind_two_proxies_the_client_is_second_from_the_right(
    personas: dict[str, Persona], settings: Settings
) -> None:
    _behind_proxies(settings, 2)
    # A load balancer (192.0.2.10) in front of the proxy: each adds whom it was reached from.
    via_proxies = Client(REMOTE_ADDR=PROXY)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(via_proxies, "kriseleder", "feil", forwarded_for="1.2.3.4, 203.0.113.9, 192.0.2.10")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert (
        _login(via_proxies, "kriseleder", PASSWORD, forwarded_for="198.51.100.7, 192.0.2.10") == 302
    )


def test_without_a_proxy_x_forwarded_for_is_ignored(personas: dict[str, Persona]) -> None:
    """By default (no trusted proxy) a guesser cannot escape a lock by naming new addresses."""
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "radmann", "feil", forwarded_for=f"198.51.100.{n}")
    assert _login(client, "radmann", PASSWORD, forwarded_for="198.51.100.200") == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
