"""Every URL pattern of the project, every persona, GET and POST: the status each must get.

The test walks the URL configuration itself: a new URL without an entry in an access
table (``tests/<app>/access.py``) fails the suite, so no page ships without an access
decision. Every entry decides both methods; a method it leaves out must be refused with
405, so a view that starts to take POST fails the suite until its entry says who may
post. A refused POST must change nothing in the database. Every URL that names an object
has a case on an object of another unit or person, or says why it needs none. Django's
admin is checked as one decision (superusers only) below.

One test a case and method: the personas are made once, and each persona's request runs
in a savepoint that is rolled back, so each meets the objects freshly made and none sees
what another's request changed. A failure lists every persona that got the wrong status.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from policy.selectors import version_policy_cache_clear
from tests.access import (
    Access,
    all_access_tables,
    all_no_object_case_reasons,
    all_object_access_tables,
    case_url_name,
)
from tests.access.snapshot import database_snapshot, snapshot_changes
from tests.conftest import PERSONA_NAMES, Persona

ACCESS = all_access_tables()
OBJECT_ACCESS = all_object_access_tables()
NO_OBJECT_CASE = all_no_object_case_reasons()
CASES = {**ACCESS, **OBJECT_ACCESS}
METHODS = ["get", "post"]
REFUSALS = {401, 403, 404, 405}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    view: Callable[..., object]

    @property
    def needs_login(self) -> bool:
        # What LoginRequiredMiddleware reads; ``login_not_required`` sets it to False.
        return bool(getattr(self.view, "login_required", True))

    @property
    def names_an_object(self) -> bool:
        return "<" in self.route


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str = "", prefix: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif entry.name:
            yield Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback)


ROUTES = {route.name: route for route in _walk(get_resolver().url_patterns)}


def test_every_url_has_an_access_decision() -> None:
    missing = [name for name in sorted(ROUTES) if name not in ACCESS]
    assert not missing, f"URL names without an entry in ACCESS: {missing}"
    stale = [name for name in ACCESS if name not in ROUTES]
    assert not stale, f"ACCESS entries for URLs that no longer exist: {stale}"


def test_object_cases_name_existing_urls() -> None:
    unknown = [key for key in OBJECT_ACCESS if case_url_name(key) not in ACCESS]
    assert not unknown, f"object-level cases for URLs without an ACCESS entry: {unknown}"


def test_every_object_view_has_an_object_level_case() -> None:
    with_case = {case_url_name(key) for key in OBJECT_ACCESS}
    objects = {name for name, route in ROUTES.items() if route.names_an_object}
    missing = sorted(objects - with_case - set(NO_OBJECT_CASE))
    assert not missing, f"object views without a case in OBJECT_ACCESS or NO_OBJECT_CASE: {missing}"
    needless = sorted(set(NO_OBJECT_CASE) & with_case)
    assert not needless, f"in NO_OBJECT_CASE yet with an object-level case: {needless}"
    stale = sorted(set(NO_OBJECT_CASE) - objects)
    assert not stale, f"NO_OBJECT_CASE names URLs that name no object: {stale}"


def _not_allowed(route: Route) -> dict[str, int]:
    """A method the view does not take: 405, after the login page for whoever needs it."""
    statuses = dict.fromkeys(PERSONA_NAMES, 405)
    if route.needs_login:
        statuses["anonymous"] = 302
    return statuses


def _refused(route: Route, access: Access, persona: str, status: int) -> bool:
    to_login = persona == "anonymous" and status == 302 and route.needs_login
    return status in REFUSALS or to_login or persona in access.changes_nothing


def _request(
    route: Route, access: Access, method: str, persona: str, personas: dict[str, Persona]
) -> tuple[int, str, list[str]]:
    """The status, redirect target and database changes of one persona's request."""
    kwargs = access.kwargs(personas)
    url = reverse(route.name, kwargs=kwargs)
    client = personas[persona].client
    if method == "get":
        response = client.get(url)
        return response.status_code, response.headers.get("Location", ""), []
    data = access.data(personas, kwargs)
    headers = access.headers(personas, kwargs)
    before = database_snapshot()
    response = client.post(url, data, headers=headers)
    changes = snapshot_changes(before, database_snapshot())
    return response.status_code, response.headers.get("Location", ""), changes


def _check(case: str, method: str, personas: dict[str, Persona]) -> None:
    access, route = CASES[case], ROUTES[case_url_name(case)]
    expected = getattr(access, method) or _not_allowed(route)
    wrong: list[str] = []
    for persona in PERSONA_NAMES:
        cache.clear()
        version_policy_cache_clear()
        with transaction.atomic():
            status, location, changes = _request(route, access, method, persona, personas)
            transaction.set_rollback(True)
        want = expected[persona]
        if status != want:
            wrong.append(f"{persona}: expected {want}, got {status}")
        elif persona == "anonymous" and status == 302 and route.needs_login:
            if not location.startswith(reverse("login")):
                wrong.append(f"anonymous: redirected to {location}, not to the login page")
        if changes and _refused(route, access, persona, want):
            wrong.append(f"{persona}: refused ({want}), yet the POST changed {', '.join(changes)}")
    assert not wrong, f"{method.upper()} {case}:\n  " + "\n  ".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", sorted(ACCESS))
def test_access(case: str, method: str, personas: dict[str, Persona]) -> None:
    _check(case, method, personas)


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", sorted(OBJECT_ACCESS))
def test_object_access(case: str, method: str, personas: dict[str, Persona]) -> None:
    """The same URLs on objects a persona is an outsider to: another unit's account,
    another person's request, post or notification. Whoever may not see an object gets
    404, as for one that does not exist; 403 only for those who may see it."""
    _check(case, method, personas)


@pytest.mark.django_db
def test_admin_is_for_superusers_only(personas: dict[str, Persona]) -> None:
    for persona in personas.values():
        response = persona.client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response.headers["Location"]
