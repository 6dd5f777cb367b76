"""Accounts in a real browser: a leader fixes coverage in a few clicks; every page passes axe
in its normal, empty and error states."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import AccountStatus, Platform, Responsibility, ResponsibilityRole
from moskenes_social.audit.services import event_record
from moskenes_social.people.models import Unit
from tests.a11y import assert_accessible
from tests.accounts.factories import make_account, make_covered_account
from tests.conftest import Persona
from tests.factories import make_user

from .test_shell import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notifications are written; their e-mail tasks are not put on the broker."""
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


def test_leader_assigns_a_responder_and_a_backup_and_the_flag_clears(
    page: Page, personas: dict[str, Persona], unit: Unit
) -> None:
    leader = personas["leder"].user
    assert leader is not None
    first = make_user(username="svarer1", first_name="Siv", last_name="Svarer", unit=unit)
    second = make_user(username="reserve1", first_name="Rune", last_name="Reserve", unit=unit)
    account = make_account(unit=unit, name="Skolens Facebook-side", owner=leader)

    login(page, "leder")
    panel = page.get_by_role("region", name="Kontoene til mine enheter")
    expect(panel).to_contain_text("Skolens Facebook-side")
    expect(panel).to_contain_text("Mangler dekning")
    assert_accessible(page)

    # From the start page straight to the form, the role chosen already.
    panel.get_by_role("link", name="Legg til svarer – Skolens Facebook-side").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gi ansvar for")
    expect(page.get_by_role("radio", name="Svarer", exact=True)).to_be_checked()
    assert_accessible(page)
    # The error state: no person chosen.
    page.get_by_role("button", name="Tildel").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#form-errors")).to_be_focused()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(f"^{first}")).check()
    page.get_by_role("button", name="Tildel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skolens Facebook-side")
    expect(page.get_by_role("status").first).to_contain_text("Siv Svarer er nå svarer")
    expect(page.locator(".alert-warning")).to_contain_text("Mangler dekning")
    assert_accessible(page)

    # On the account page: give a backup.
    page.get_by_role("link", name="Gi ansvar").click()
    page.get_by_role("radio", name=re.compile(f"^{second}")).check()
    page.get_by_role("radio", name="Reserve", exact=True).check()
    page.get_by_role("button", name="Tildel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skolens Facebook-side")
    expect(page.locator(".alert-warning")).to_have_count(0)
    responsible = page.get_by_role("table", name="Hvem som eier og hvem som svarer for kontoen nå.")
    expect(responsible).to_contain_text("Rune Reserve")
    assert_accessible(page)

    page.get_by_role("link", name="Start", exact=True).click()
    panel = page.get_by_role("region", name="Kontoene til mine enheter")
    expect(panel).to_contain_text("Dekning i orden")
    expect(panel).not_to_contain_text("Mangler dekning")
    roles = set(
        Responsibility.objects.filter(account=account, ended_at__isnull=True).values_list(
            "user__username", "role"
        )
    )
    assert roles == {
        ("leder", ResponsibilityRole.OWNER),
        ("svarer1", ResponsibilityRole.RESPONDER),
        ("reserve1", ResponsibilityRole.BACKUP),
    }


def test_responder_checks_in(page: Page, personas: dict[str, Persona], unit: Unit) -> None:
    me = personas["kommunikasjon"].user
    assert me is not None
    account = make_account(unit=unit, name="Skolens Instagram", responders=[me])
    login(page, "kommunikasjon")
    page.goto(f"/kontoer/{account.pk}/")
    expect(page.get_by_text("Ikke fulgt opp ennå.")).to_be_visible()
    page.get_by_role("button", name="Fulgt opp").click()
    expect(page.get_by_role("status").first).to_contain_text("Registrert som fulgt opp.")
    expect(page.get_by_text("Sist fulgt opp")).to_be_visible()
    assert_accessible(page)


def test_radmann_pages_pass_axe_in_empty_normal_and_error_states(
    page: Page, personas: dict[str, Persona], unit: Unit
) -> None:
    login(page, "radmann")
    # Empty states.
    for path in ["/kontoer/", "/kontoer/oversikt/"]:
        page.goto(path)
        assert_accessible(page)

    covered = make_covered_account(unit=unit, name="Dekket konto")
    make_account(unit=unit, name="Udekket konto", platform=Platform.INSTAGRAM)
    make_account(unit=unit, name="Nedlagt konto", status=AccountStatus.CLOSED)
    for path in ["/kontoer/", "/kontoer/?platform=tiktok", "/kontoer/oversikt/"]:
        page.goto(path)
        assert_accessible(page)

    page.goto(f"/kontoer/{covered.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dekket konto")
    page.get_by_label("Ansvarlige på dato").fill("2020-01-01")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_text("Ingen hadde ansvar for kontoen den datoen.")).to_be_visible()
    assert_accessible(page)

    # The account's log page, empty and a page of many.
    page.goto(f"/kontoer/{covered.pk}/logg/")
    expect(page.get_by_text("Loggen er tom.")).to_be_visible()
    assert_accessible(page)
    for number in range(55):
        event_record(
            actor=None, action="accounts.account_updated", target=covered, reason=f"Nr. {number}"
        )
    page.goto(f"/kontoer/{covered.pk}/")
    page.get_by_role("link", name="Hele loggen for Dekket konto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg for Dekket konto")
    page.get_by_role("link", name="Neste").click()
    expect(page.get_by_text("Side 2 av 2")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/kontoer/{covered.pk}/endre/")
    assert_accessible(page)
    page.get_by_label("Kontakt-e-post").fill("ikke en adresse")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/kontoer/{covered.pk}/stans/")
    assert_accessible(page)
    page.get_by_role("button", name="Stans kontoen").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)

    page.goto("/kontoer/registrer/")
    assert_accessible(page)
    page.get_by_role("button", name="Registrer kontoen").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)


def test_empty_public_register_passes_axe(page: Page, personas: dict[str, Persona]) -> None:
    page.goto("/register/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Offisielle kontoer")
    expect(page.get_by_text("Kommunen har ingen offisielle kontoer")).to_be_visible()
    assert_accessible(page)


def test_public_register_passes_axe_for_an_anonymous_visitor(
    page: Page, personas: dict[str, Persona], unit: Unit
) -> None:
    make_account(unit=unit, name="Reine skole", contact_person="Lise Leder")
    make_account(unit=unit, name="Stanset konto", status=AccountStatus.SUSPENDED)
    page.goto("/register/")
    expect(page.get_by_role("table")).to_contain_text("Reine skole")
    expect(page.get_by_role("table")).not_to_contain_text("Stanset konto")
    assert_accessible(page)
    page.get_by_label("Søk på navn eller brukernavn").fill("falsk")
    page.get_by_role("button", name="Søk").click()
    expect(page.get_by_text("Ingen offisiell konto passer til «falsk».")).to_be_visible()
    assert_accessible(page)
