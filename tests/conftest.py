"""Shared fixtures: personas (one user and logged-in client per role), browser, axe."""

import importlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from policy.selectors import version_policy_cache_clear
from standins.meta_graph import GraphStandIn

from .factories import make_unit, make_user

# CI sets this so that a browser or worker test that cannot run fails instead of skipping.
REQUIRE_ALL = os.environ.get("MOSKENES_REQUIRE_ALL_TESTS") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (MOSKENES_REQUIRE_ALL_TESTS=1 turns this skip into a failure)")
    pytest.skip(reason)


@dataclass(frozen=True)
class Persona:
    name: str
    user: User | None
    client: Client


# Persona name -> the role it has; "no_role" is staff without a role, "anonymous" a visitor.
PERSONA_ROLES: dict[str, Role | None] = {
    "kommunikasjon": Role.COMMUNICATION_STAFF,
    "radmann": Role.CHIEF_EXECUTIVE,
    "leder": Role.LEADER,
    "kriseleder": Role.CRISIS_LEADER,
    "ordforer": Role.MAYOR,
    "no_role": None,
}
PERSONA_NAMES = [*PERSONA_ROLES, "anonymous"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """The caches (LocMemCache, parsed guideline versions) outlive each test's database;
    start and end every test empty."""
    cache.clear()
    version_policy_cache_clear()
    yield
    cache.clear()
    version_policy_cache_clear()


# Named by the TRUNCATE triggers (audit 0004, policy 0004): set, they let a statement pass.
ALLOW_TRUNCATE = "moskenes.allow_truncate"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """The test database, which may be emptied with TRUNCATE.

    On PostgreSQL triggers refuse TRUNCATE of the audit log and of adopted guideline rows,
    and Django's test runner empties every table with one TRUNCATE after each transactional
    test. So the test database (never another) sets the triggers' one exception for every
    connection it opens from now on (``ALTER DATABASE ... SET``: the live server's, a
    worker's, a thread's) and for the one open now. A test of the triggers turns it off
    for its own transaction (``SET LOCAL``).
    """
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET {ALLOW_TRUNCATE} = 'on'")
        cursor.execute(f"SET {ALLOW_TRUNCATE} = 'on'")


_LOAD_V1 = importlib.import_module("policy.migrations.0002_guideline_v1").load_v1


def _migration_data_load() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    _LOAD_V1(django_apps, None)


@pytest.fixture(scope="session")
def migration_data_after_session(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Requested by the first transactional test: when the session ends, the last one has
    flushed the database, so what the data migrations made is loaded again (before the
    test database is closed), and ``pytest --reuse-db`` finds it next time."""
    yield
    with django_db_blocker.unblock():
        _migration_data_load()


@pytest.fixture(autouse=True)
def migration_data(request: pytest.FixtureRequest) -> None:
    """Put back what data migrations create (role groups, guideline version 1).

    A transactional test (browser, worker) ends by flushing every table, taking those rows
    with it, and serialized_rollback does not restore them once Playwright has run. So
    every transactional test loads them again, exactly as the migrations do, and the
    session loads them once more at its end (``migration_data_after_session``).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("migration_data_after_session")
    request.getfixturevalue("transactional_db")
    _migration_data_load()


@pytest.fixture
def unit(db: None) -> Unit:
    return make_unit(name="Reine skole", slug="reine-skole")


@pytest.fixture
def personas(db: None, unit: Unit) -> dict[str, Persona]:
    result: dict[str, Persona] = {}
    for name, role in PERSONA_ROLES.items():
        user = make_user(username=name, unit=unit, roles=[role] if role else [])
        if role is Role.LEADER:
            unit.leaders.add(user)
        client = Client()
        client.force_login(user)
        result[name] = Persona(name=name, user=user, client=client)
    result["anonymous"] = Persona(name="anonymous", user=None, client=Client())
    return result


@pytest.fixture
def radmann(personas: dict[str, Persona]) -> Persona:
    return personas["radmann"]


@pytest.fixture
def anonymous(personas: dict[str, Persona]) -> Persona:
    return personas["anonymous"]


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_instance() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        skip_or_fail("Debian's chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (setting up data) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser_instance: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser page (own cookies) whose relative URLs go to the live server."""
    context = browser_instance.new_context(
        base_url=live_server.url,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def graph_server() -> Iterator[GraphStandIn]:
    """The project's stand-in for Meta's Graph API, a real server on loopback (one per
    test process)."""
    with GraphStandIn() as server:
        yield server


@pytest.fixture
def meta_graph(graph_server: GraphStandIn, settings: Any) -> GraphStandIn:
    """The stand-in, emptied (its webhooks too), with ``META_GRAPH_URL`` pointing at it."""
    graph_server.reset(webhooks=True)
    settings.META_GRAPH_URL = graph_server.url
    return graph_server
