"""Every URL pattern of the project, every persona, the status code each must get.

The test walks the URL configuration itself: a new URL without an entry in an access
table (``tests/<app>/access.py``) fails the suite, so no page ships without an access
decision. Django's admin is checked as one decision (superusers only) below.
"""

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import Access, all_access_tables, all_object_access_tables, case_url_name
from tests.conftest import PERSONA_NAMES, Persona

ACCESS = all_access_tables()
OBJECT_ACCESS = all_object_access_tables()


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


def _check(url_name: str, access: Access, persona: str, personas: dict[str, Persona]) -> None:
    url = reverse(url_name, kwargs=access.kwargs(personas))
    client = personas[persona].client
    response = client.post(url) if access.method == "post" else client.get(url)
    expected = access.expected[persona]
    assert response.status_code == expected, (url_name, persona, response.status_code)
    if expected == 302 and persona == "anonymous" and url_name not in {"logout"}:
        assert response.headers["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(ACCESS))
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_access(url_name: str, persona: str, personas: dict[str, Persona]) -> None:
    _check(url_name, ACCESS[url_name], persona, personas)


def test_object_cases_name_existing_urls() -> None:
    unknown = [key for key in OBJECT_ACCESS if case_url_name(key) not in ACCESS]
    assert not unknown, f"object-level cases for URLs without an ACCESS entry: {unknown}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(OBJECT_ACCESS))
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_object_access(case: str, persona: str, personas: dict[str, Persona]) -> None:
    """The same URLs on objects a persona is an outsider to: another unit's account,
    another person's request, post or notification. Whoever may not see an object gets
    404, as for one that does not exist; 403 only for those who may see it."""
    _check(case_url_name(case), OBJECT_ACCESS[case], persona, personas)


@pytest.mark.django_db
def test_admin_is_for_superusers_only(personas: dict[str, Persona]) -> None:
    for persona in personas.values():
        response = persona.client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response.headers["Location"]
