"""Every URL pattern of the project, every persona, the status code each must get.

The test walks the URL configuration itself: a new URL without an entry in ACCESS fails
the suite, so no page ships without an access decision. Django's admin is checked as one
decision (superusers only) in ``test_admin_is_for_superusers_only``.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from moskenes_social.notifications.services import notification_create
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


def _radmann_notification(personas: dict[str, Persona]) -> dict[str, object]:
    user = personas["radmann"].user
    assert user is not None
    return {"notification_id": notification_create(recipient=user, subject="Test").pk}


ACCESS: dict[str, Access] = {
    "home": Access(members(200)),
    "healthz": Access(everyone(200)),
    "login": Access(everyone(200)),
    "logout": Access(everyone(302), method="post"),
    "password_change": Access(members(200)),
    "password_change_done": Access(members(200)),
    "password_reset": Access(everyone(200)),
    "password_reset_done": Access(everyone(200)),
    "password_reset_confirm": Access(
        everyone(200), kwargs=lambda p: {"uidb64": "MQ", "token": "ugyldig"}
    ),
    "password_reset_complete": Access(everyone(200)),
    "notifications:list": Access(members(200)),
    "notifications:read": Access(
        {**members(404), "radmann": 302}, method="post", kwargs=_radmann_notification
    ),
    "notifications:read_all": Access(members(302), method="post"),
    "audit:list": Access(only(["radmann"], 200)),
}


def _walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}"


def all_url_names() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_url_has_an_access_decision() -> None:
    missing = [name for name in all_url_names() if name not in ACCESS]
    assert not missing, f"URL names without an entry in ACCESS: {missing}"
    stale = [name for name in ACCESS if name not in all_url_names()]
    assert not stale, f"ACCESS entries for URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ACCESS))
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_access(url_name: str, persona: str, personas: dict[str, Persona]) -> None:
    access = ACCESS[url_name]
    url = reverse(url_name, kwargs=access.kwargs(personas))
    client = personas[persona].client
    response = client.post(url) if access.method == "post" else client.get(url)
    expected = access.expected[persona]
    assert response.status_code == expected, (url_name, persona, response.status_code)
    if expected == 302 and persona == "anonymous" and url_name not in {"logout"}:
        assert response.headers["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_admin_is_for_superusers_only(personas: dict[str, Persona]) -> None:
    for persona in personas.values():
        response = persona.client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response.headers["Location"]
