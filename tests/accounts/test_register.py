"""The public register: only active accounts, nothing internal, cached, following changes."""

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from accounts.models import Account, AccountStatus, Platform
from accounts.services import account_close, account_create, account_update
from moskenes_social.people.models import Unit, User
from tests.conftest import Persona
from tests.factories import make_user

from .conftest import RunOnCommit
from .factories import make_account

pytestmark = pytest.mark.django_db

AssertQueries = Callable[[int], AbstractContextManager[Any]]

PUBLIC_KEYS = {"platform", "platform_name", "name", "handle", "url", "unit", "contact"}
CONTACT_KEYS = {"instance", "person", "title", "email", "homepage"}


@pytest.fixture
def accounts(unit: Unit) -> dict[str, Account]:
    responder = make_user(username="hemmelig", first_name="Hemmelig", last_name="Svarer")
    return {
        "active": make_account(
            unit=unit,
            name="Reine skole",
            handle="reineskole",
            contact_person="Lise Leder",
            contact_title="Rektor",
            origin_note="Intern merknad om opprinnelsen",
            responders=[responder],
        ),
        "suspended": make_account(unit=unit, name="Stanset konto", status=AccountStatus.SUSPENDED),
        "closed": make_account(unit=unit, name="Nedlagt konto", status=AccountStatus.CLOSED),
    }


def test_page_lists_only_active_accounts_and_nothing_internal(
    anonymous: Persona, accounts: dict[str, Account]
) -> None:
    response = anonymous.client.get("/register/")
    assert response.status_code == 200
    text = response.text
    assert "Reine skole" in text and "Lise Leder, Rektor" in text
    assert "Stanset konto" not in text and "Nedlagt konto" not in text
    assert "Hemmelig" not in text and "Intern merknad" not in text
    assert "1 offisiell konto." in text
    assert "public" in response.headers["Cache-Control"]


def test_json_lists_only_active_accounts_with_public_fields_only(
    anonymous: Persona, accounts: dict[str, Account]
) -> None:
    response = anonymous.client.get("/register.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["municipality"] == "Moskenes kommune"
    [entry] = data["accounts"]
    assert set(entry) == PUBLIC_KEYS | {"official_since"}
    assert set(entry["contact"]) == CONTACT_KEYS
    assert entry["name"] == "Reine skole" and entry["platform_name"] == "Facebook"
    assert entry["official_since"].endswith(("+01:00", "+02:00"))
    assert "Intern merknad" not in response.text and "Hemmelig" not in response.text


def test_search_filters_by_name_or_handle(anonymous: Persona, unit: Unit) -> None:
    make_account(unit=unit, name="Moskenes kommune", handle="moskeneskommune")
    make_account(unit=unit, name="Kultur", handle="kulturimoskenes", platform=Platform.INSTAGRAM)
    text = anonymous.client.get("/register/", {"q": "@KULTUR"}).text
    assert "kulturimoskenes" in text and "moskeneskommune" not in text
    text = anonymous.client.get("/register/", {"q": "falsk"}).text
    assert "Ingen offisiell konto passer til «falsk»" in text


def test_empty_register(anonymous: Persona) -> None:
    text = anonymous.client.get("/register/").text
    assert "Kommunen har ingen offisielle kontoer i sosiale medier for øyeblikket." in text


def test_a_cached_hit_costs_no_query(
    anonymous: Persona,
    accounts: dict[str, Account],
    django_assert_num_queries: AssertQueries,
) -> None:
    client: Client = anonymous.client
    with django_assert_num_queries(1):
        client.get("/register/")
    with django_assert_num_queries(0):
        assert "Reine skole" in client.get("/register/").text
    with django_assert_num_queries(0):
        assert "Reine skole" in client.get("/register.json").text


def test_the_query_count_does_not_grow_with_accounts(
    anonymous: Persona, unit: Unit, django_assert_num_queries: AssertQueries
) -> None:
    for _ in range(30):
        make_account(unit=make_user().unit)
    with django_assert_num_queries(1):
        response = anonymous.client.get("/register/")
    assert response.text.count("<tr>") == 31


def test_the_cache_follows_changes_made_through_the_services(
    anonymous: Persona,
    radmann_user: User,
    unit: Unit,
    run_on_commit: RunOnCommit,
    django_assert_num_queries: AssertQueries,
) -> None:
    client: Client = anonymous.client
    assert "Reine skole" not in client.get("/register/").text
    with run_on_commit():
        account = account_create(
            actor=radmann_user,
            unit=unit,
            platform=Platform.FACEBOOK,
            name="Reine skole",
            handle="reineskole",
        )
    assert "Reine skole" in client.get("/register/").text
    with run_on_commit():
        account_update(actor=radmann_user, account=account, name="Reine skole og SFO")
    assert "Reine skole og SFO" in client.get("/register.json").text
    with run_on_commit():
        account_close(actor=radmann_user, account=account, reason="Lagt ned")
    assert "Reine skole" not in client.get("/register/").text
    with django_assert_num_queries(0):
        client.get("/register/")


def test_renaming_a_unit_refreshes_the_register(
    anonymous: Persona, unit: Unit, run_on_commit: RunOnCommit
) -> None:
    make_account(unit=unit)
    assert "Reine skole" in anonymous.client.get("/register/").text
    with run_on_commit():
        unit.name = "Reine oppvekstsenter"
        unit.save(update_fields=["name"])
    assert "Reine oppvekstsenter" in anonymous.client.get("/register/").text


def test_a_change_not_yet_committed_does_not_reach_the_cache(
    anonymous: Persona,
    radmann_user: User,
    unit: Unit,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    client: Client = anonymous.client
    client.get("/register/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        account_create(
            actor=radmann_user,
            unit=unit,
            platform=Platform.FACEBOOK,
            name="Ny konto",
            handle="nykonto",
        )
    # The version is bumped only when the transaction commits.
    assert "Ny konto" not in client.get("/register/").text
    assert callbacks


def test_logged_in_members_see_the_register_too(personas: dict[str, Persona], unit: Unit) -> None:
    make_account(unit=unit, name="Reine skole")
    response = personas["leder"].client.get("/register/")
    assert "Reine skole" in response.text
    assert "public" not in response.headers.get("Cache-Control", "")


def test_the_page_shows_the_register_a_page_at_a_time(anonymous: Persona, unit: Unit) -> None:
    from accounts.register import REGISTER_PAGE_SIZE

    for n in range(REGISTER_PAGE_SIZE + 3):
        make_account(unit=unit, name=f"Konto {n:03d}", handle=f"side{n:03d}")
    first = anonymous.client.get("/register/").text
    assert first.count('<th scope="row">') == REGISTER_PAGE_SIZE
    assert f"{REGISTER_PAGE_SIZE + 3} offisielle kontoer." in first
    second = anonymous.client.get("/register/?side=2").text
    assert second.count('<th scope="row">') == 3
    # A search looks through every page, and its pages keep the search.
    found = anonymous.client.get("/register/?q=side05").text
    assert "Konto 050" in found and "Konto 000" not in found


def test_the_json_is_served_compressed_to_clients_that_accept_it(
    anonymous: Persona, accounts: dict[str, Account], django_assert_num_queries: AssertQueries
) -> None:
    import gzip

    plain = anonymous.client.get("/register.json")
    compressed = anonymous.client.get("/register.json", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert json.loads(gzip.decompress(compressed.content)) == json.loads(plain.content)
    with django_assert_num_queries(0):
        anonymous.client.get("/register.json", headers={"Accept-Encoding": "gzip"})
