"""Password-reset e-mails are limited per client address and per e-mail address, and the
page says the same whether an address has a user, and whether a limit was reached."""

from collections.abc import Iterator

import pytest
import redis
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from pytest_django import Settings

from tests.conftest import Persona, skip_or_fail

pytestmark = pytest.mark.django_db

DONE = "/passord/glemt/sendt/"
REDIS_URL = "redis://127.0.0.1:6379/14"


def _reset(client: Client, email: str) -> str:
    """Ask for a reset; the address the page sends the browser on to."""
    response = client.post("/passord/glemt/", {"email": email})
    assert response.status_code == 302
    return str(response["Location"])


def test_one_address_gets_a_few_emails_an_hour_then_none(
    personas: dict[str, Persona], settings: Settings
) -> None:
    limit = settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR
    # From different client addresses, so only the limit per e-mail address applies.
    for n in range(limit):
        assert _reset(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), "leder@example.org") == DONE
    assert len(mail.outbox) == limit
    assert _reset(Client(REMOTE_ADDR="10.0.1.1"), " Leder@Example.org ") == DONE
    assert len(mail.outbox) == limit
    # Another person's address is not affected.
    assert _reset(Client(REMOTE_ADDR="10.0.1.1"), "radmann@example.org") == DONE
    assert [m.to for m in mail.outbox[limit:]] == [["radmann@example.org"]]


def test_one_client_address_may_ask_so_often_an_hour(
    personas: dict[str, Persona], settings: Settings
) -> None:
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    for name in ["leder", "radmann", "kriseleder", "ordforer"]:
        assert _reset(client, f"{name}@example.org") == DONE
    assert [m.to for m in mail.outbox] == [["leder@example.org"], ["radmann@example.org"]]
    # Someone else at another address is not affected.
    assert _reset(Client(REMOTE_ADDR="198.51.100.7"), "ordforer@example.org") == DONE
    assert len(mail.outbox) == 3


def test_the_answer_is_the_same_for_unknown_addresses_and_past_the_limit(
    personas: dict[str, Persona], settings: Settings
) -> None:
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 1
    client = Client(REMOTE_ADDR="203.0.113.9")
    first = client.post("/passord/glemt/", {"email": "ukjent@example.org"}, follow=True)
    again = client.post("/passord/glemt/", {"email": "ukjent@example.org"}, follow=True)
    known = client.post("/passord/glemt/", {"email": "leder@example.org"}, follow=True)
    known_again = client.post("/passord/glemt/", {"email": "leder@example.org"}, follow=True)
    pages = [r.content.decode() for r in (first, again, known, known_again)]
    assert len(set(pages)) == 1
    assert [r.redirect_chain for r in (first, again, known, known_again)] == [[(DONE, 302)]] * 4
    assert len(mail.outbox) == 1


def test_the_limit_starts_again_after_an_hour(
    personas: dict[str, Persona], settings: Settings
) -> None:
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 1
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as clock:
        _reset(Client(), "leder@example.org")
        clock.shift(3599)
        _reset(Client(), "leder@example.org")
        assert len(mail.outbox) == 1
        clock.shift(1)
        _reset(Client(), "leder@example.org")
        assert len(mail.outbox) == 2


def test_a_forged_request_is_refused_and_not_counted(
    personas: dict[str, Persona], settings: Settings
) -> None:
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 1
    forger = Client(enforce_csrf_checks=True)
    for _ in range(3):
        assert forger.post("/passord/glemt/", {"email": "leder@example.org"}).status_code == 403
    _reset(Client(), "leder@example.org")
    assert len(mail.outbox) == 1


def test_a_mistyped_address_is_shown_again_with_a_norwegian_error(
    personas: dict[str, Persona],
) -> None:
    response = Client().post("/passord/glemt/", {"email": "leder@example"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Oppgi en gyldig e-postadresse" in page
    assert 'value="leder@example"' in page


@pytest.fixture
def redis_cache(settings: Settings) -> Iterator[None]:
    """The cache production uses: Django's Redis backend, on a database of its own."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        skip_or_fail("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    cache.clear()
    yield
    cache.clear()


def test_the_limits_hold_in_redis(
    personas: dict[str, Persona], settings: Settings, redis_cache: None
) -> None:
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 2
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 4
    client = Client(REMOTE_ADDR="203.0.113.9")
    for email in ["leder@example.org"] * 3 + ["radmann@example.org"] * 2:
        assert _reset(client, email) == DONE
    # Two for the leader (the third was over the limit per e-mail address), one for the
    # rådmann: the fifth request was over the limit of the client's address.
    assert [m.to for m in mail.outbox] == [["leder@example.org"]] * 2 + [["radmann@example.org"]]
