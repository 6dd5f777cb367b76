"""The lockout: while a crisis covers an account, only the crisis team may act for it."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from accounts.lockout import (
    CrisisLockout,
    crisis_covered_accounts,
    crisis_covering,
    crisis_lockout_enforce,
    crisis_team_may_act,
)
from accounts.models import Account, AccountStatus, CrisisPeriod
from moskenes_social.people.models import Unit, User
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import make_user

from .conftest import persona_user
from .factories import make_crisis

pytestmark = pytest.mark.django_db


@pytest.fixture
def responder(unit: Unit) -> User:
    return make_user(username="svarer", unit=unit)


@pytest.fixture
def account(unit: Unit, responder: User) -> Account:
    return make_account(unit=unit, responders=[responder])


def test_no_crisis_locks_nobody_out(account: Account, responder: User) -> None:
    make_crisis(active=False)
    assert crisis_covering(account=account) is None
    assert crisis_lockout_enforce(actor=responder, account=account) is None


def test_a_crisis_for_all_accounts_locks_a_responder_out_with_a_norwegian_message(
    account: Account, responder: User
) -> None:
    crisis = make_crisis()
    assert crisis_covering(account=account) == crisis
    with pytest.raises(CrisisLockout) as refused:
        crisis_lockout_enforce(actor=responder, account=account)
    assert isinstance(refused.value, PermissionDenied)
    assert str(refused.value).startswith("Krisemodus er aktiv.")
    assert "kriseledelsen" in str(refused.value)


@pytest.mark.parametrize("name", ["kriseleder", "ordforer"])
def test_the_crisis_team_may_act(personas: dict[str, Persona], account: Account, name: str) -> None:
    crisis = make_crisis()
    assert crisis_lockout_enforce(actor=persona_user(personas, name), account=account) == crisis


@pytest.mark.parametrize("name", ["radmann", "leder", "kommunikasjon", "no_role"])
def test_every_other_role_is_locked_out(
    personas: dict[str, Persona], account: Account, name: str
) -> None:
    make_crisis()
    with pytest.raises(CrisisLockout):
        crisis_lockout_enforce(actor=persona_user(personas, name), account=account)


def test_no_actor_is_locked_out(account: Account) -> None:
    make_crisis()
    with pytest.raises(CrisisLockout):
        crisis_lockout_enforce(actor=None, account=account)


def test_accounts_a_crisis_does_not_cover_are_unaffected(
    unit: Unit, account: Account, responder: User
) -> None:
    other = make_account(unit=unit, responders=[responder])
    crisis = make_crisis(accounts=[other])
    assert crisis_covering(account=account) is None
    crisis_lockout_enforce(actor=responder, account=account)
    assert crisis_covering(account=other) == crisis
    with pytest.raises(CrisisLockout):
        crisis_lockout_enforce(actor=responder, account=other)


def test_an_ended_crisis_that_chose_the_account_locks_nobody_out(
    account: Account, responder: User
) -> None:
    make_crisis(accounts=[account], active=False)
    crisis_lockout_enforce(actor=responder, account=account)


def test_the_check_costs_one_query_when_no_crisis_is_active(
    account: Account, responder: User, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        crisis_lockout_enforce(actor=responder, account=account)


def test_the_crisis_team_acts_for_covered_active_accounts_only(
    personas: dict[str, Persona], unit: Unit, account: Account, responder: User
) -> None:
    kriseleder = persona_user(personas, "kriseleder")
    assert not crisis_team_may_act(actor=kriseleder, account=account)
    other = make_account(unit=unit)
    suspended = make_account(unit=unit, status=AccountStatus.SUSPENDED)
    make_crisis(accounts=[account, suspended])
    assert crisis_team_may_act(actor=kriseleder, account=account)
    assert not crisis_team_may_act(actor=kriseleder, account=other)
    assert not crisis_team_may_act(actor=kriseleder, account=suspended)
    assert not crisis_team_may_act(actor=responder, account=account)
    assert not crisis_team_may_act(actor=None, account=account)


def test_the_accounts_a_crisis_covers_are_found_in_one_query(
    unit: Unit, account: Account, responder: User, django_assert_num_queries: Any
) -> None:
    other = make_account(unit=unit, responders=[responder])
    ids = {account.pk, other.pk}
    make_crisis(accounts=[account], active=False)
    with django_assert_num_queries(1):
        assert crisis_covered_accounts(account_ids=ids) == set()
    chosen = make_crisis(accounts=[other])
    with django_assert_num_queries(1):
        assert crisis_covered_accounts(account_ids=ids) == {other.pk}
    CrisisPeriod.objects.filter(pk=chosen.pk).update(covers_all_accounts=True)
    assert crisis_covered_accounts(account_ids=ids) == ids
    with django_assert_num_queries(0):
        assert crisis_covered_accounts(account_ids=set()) == set()
