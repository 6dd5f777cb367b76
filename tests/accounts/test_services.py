"""Accounts: creation, registering an existing account, changes, closing, suspending."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import (
    Account,
    AccountStatus,
    FollowUpStage,
    Platform,
    Responsibility,
    ResponsibilityRole,
)
from accounts.selectors import accounts_active_with_handle
from accounts.services import (
    AccountError,
    account_check_in,
    account_close,
    account_create,
    account_register_existing,
    account_resume,
    account_suspend,
    account_update,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO
from tests.factories import make_user

from .factories import make_account

pytestmark = pytest.mark.django_db


def _create(actor: User, unit: Unit, **kwargs: object) -> Account:
    values: dict[str, object] = {
        "actor": actor,
        "unit": unit,
        "platform": Platform.FACEBOOK,
        "name": "Reine skole",
        "handle": "reineskole",
        **kwargs,
    }
    return account_create(**values)  # type: ignore[arg-type]


def test_create_assigns_owner_and_responders_and_tells_them(
    radmann_user: User, leader: User, staff: list[User], unit: Unit
) -> None:
    account = _create(
        radmann_user,
        unit,
        handle="@ReineSkole ",
        contact_person="Lise Leder",
        origin_note="Søknad nr. 7",
        owner=leader,
        responders=[staff[0], staff[1], staff[0]],
    )
    assert account.status == AccountStatus.ACTIVE
    assert account.handle == "ReineSkole"
    assert account.created_by == radmann_user
    roles = set(
        Responsibility.objects.filter(account=account).values_list("user__username", "role")
    )
    assert roles == {
        ("leder", ResponsibilityRole.OWNER),
        ("laerer1", ResponsibilityRole.RESPONDER),
        ("laerer2", ResponsibilityRole.RESPONDER),
    }
    event = Event.objects.get(action="accounts.account_created")
    assert event.actor == radmann_user and event.reason == "Søknad nr. 7"
    assert event.target_id == str(account.pk)
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {"leder", "laerer1", "laerer2"}
    assert Notification.objects.filter(url=f"/kontoer/{account.pk}/").count() == 3


@time_machine.travel(datetime(2026, 11, 27, 10, 0, tzinfo=OSLO), tick=False)
def test_create_schedules_the_first_follow_up_in_working_days(
    radmann_user: User, unit: Unit
) -> None:
    # A Friday: one working day later is Monday.
    account = _create(radmann_user, unit, follow_up_interval_days=1)
    assert account.follow_up_due_at == datetime(2026, 11, 30, 10, 0, tzinfo=OSLO)
    assert account.next_follow_up_reminder_at == account.follow_up_due_at
    assert account.next_follow_up_stage == FollowUpStage.RESPONDERS


def test_a_handle_held_by_an_open_account_is_refused_in_any_case(
    radmann_user: User, unit: Unit
) -> None:
    _create(radmann_user, unit, handle="reineskole")
    with pytest.raises(AccountError) as refused:
        _create(radmann_user, unit, handle="@REINESKOLE")
    assert "har allerede en offisiell konto med brukernavnet" in str(refused.value)
    # Another platform may have the same handle.
    assert _create(radmann_user, unit, platform=Platform.INSTAGRAM, handle="reineskole").pk


def test_database_refuses_a_second_open_account_with_the_same_handle(unit: Unit) -> None:
    make_account(unit=unit, handle="reineskole")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_account(unit=unit, handle="ReineSkole")


def test_a_closed_accounts_handle_can_be_used_again(radmann_user: User, unit: Unit) -> None:
    first = _create(radmann_user, unit)
    account_close(actor=radmann_user, account=first, reason="Lagt ned")
    second = _create(radmann_user, unit)
    assert second.pk != first.pk
    assert list(accounts_active_with_handle(platform="facebook", handle="ReineSkole")) == [second]


def test_suspended_account_still_holds_its_handle(radmann_user: User, unit: Unit) -> None:
    account = _create(radmann_user, unit)
    account_suspend(actor=radmann_user, account=account, reason="Ferie")
    assert list(accounts_active_with_handle(platform="facebook", handle="@reineskole")) == [account]
    with pytest.raises(AccountError):
        _create(radmann_user, unit)


def test_create_refuses_an_inactive_owner_and_creates_nothing(
    radmann_user: User, unit: Unit
) -> None:
    gone = make_user(username="sluttet", is_active=False)
    with pytest.raises(AccountError) as refused, transaction.atomic():
        _create(radmann_user, unit, owner=gone)
    assert "er deaktivert" in str(refused.value)
    assert not Account.objects.exists()


def test_create_refuses_a_bad_address(radmann_user: User, unit: Unit) -> None:
    with pytest.raises(AccountError) as refused:
        _create(radmann_user, unit, url="ikke en adresse")
    assert "url" in refused.value.message_dict


def test_register_existing_needs_a_note_and_the_radmann(
    radmann_user: User, leader: User, unit: Unit
) -> None:
    kwargs: dict[str, object] = {
        "unit": unit,
        "platform": Platform.INSTAGRAM,
        "name": "Reine skole",
        "handle": "reine_skole",
    }
    with pytest.raises(PermissionDenied):
        account_register_existing(actor=leader, note="Fantes fra før", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(AccountError) as refused:
        account_register_existing(actor=radmann_user, note="  ", **kwargs)  # type: ignore[arg-type]
    assert "note" in refused.value.message_dict
    account = account_register_existing(
        actor=radmann_user,
        note="Opprettet i 2016, før veilederen",
        official_since=date(2016, 2, 1),
        **kwargs,  # type: ignore[arg-type]
    )
    assert account.origin_note == "Opprettet i 2016, før veilederen"
    assert account.official_since.astimezone(OSLO).date() == date(2016, 2, 1)
    assert Event.objects.filter(action="accounts.account_registered_existing").count() == 1


def test_register_existing_refuses_a_future_date(radmann_user: User, unit: Unit) -> None:
    with pytest.raises(AccountError) as refused:
        account_register_existing(
            actor=radmann_user,
            unit=unit,
            platform=Platform.BLOG,
            name="Blogg",
            handle="blogg",
            note="Fantes",
            official_since=date(2999, 1, 1),
        )
    assert "official_since" in refused.value.message_dict


def test_close_is_conditional_ends_responsibilities_and_tells_people(
    radmann_user: User, leader: User, staff: list[User], unit: Unit
) -> None:
    account = _create(radmann_user, unit, owner=leader, responders=staff[:2])
    Notification.objects.all().delete()
    account_close(actor=radmann_user, account=account, reason="Brukes ikke")
    account.refresh_from_db()
    assert account.status == AccountStatus.CLOSED and account.closed_at is not None
    assert account.next_follow_up_reminder_at is None
    assert not Responsibility.objects.filter(account=account, ended_at__isnull=True).exists()
    assert Responsibility.objects.filter(account=account, ended_by=radmann_user).count() == 3
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "leder",
        "laerer1",
        "laerer2",
    }
    event = Event.objects.get(action="accounts.account_closed")
    assert event.reason == "Brukes ikke" and event.data == {"from": "active"}
    with pytest.raises(AccountError) as refused:
        account_close(actor=radmann_user, account=account, reason="Igjen")
    assert "allerede lagt ned" in str(refused.value)


def test_close_needs_a_reason(radmann_user: User, unit: Unit) -> None:
    account = _create(radmann_user, unit)
    with pytest.raises(AccountError):
        account_close(actor=radmann_user, account=account, reason=" ")
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


def test_a_stale_object_cannot_close_an_account_twice(radmann_user: User, unit: Unit) -> None:
    account = _create(radmann_user, unit)
    stale = Account.objects.get(pk=account.pk)
    account_close(actor=radmann_user, account=account, reason="Først")
    with pytest.raises(AccountError):
        account_close(actor=radmann_user, account=stale, reason="Etterpå")
    assert Event.objects.filter(action="accounts.account_closed").count() == 1


def test_suspend_and_resume(radmann_user: User, leader: User, unit: Unit) -> None:
    account = _create(radmann_user, unit, owner=leader)
    with pytest.raises(PermissionDenied):
        account_suspend(actor=leader, account=account, reason="x")
    account_suspend(actor=radmann_user, account=account, reason="Sommerstengt")
    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED
    assert account.next_follow_up_reminder_at is None
    with pytest.raises(AccountError):
        account_suspend(actor=radmann_user, account=account, reason="Igjen")
    account_resume(actor=radmann_user, account=account)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.next_follow_up_reminder_at is not None
    with pytest.raises(AccountError):
        account_resume(actor=radmann_user, account=account)
    assert list(
        Event.objects.filter(target_id=str(account.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["accounts.account_created", "accounts.account_suspended", "accounts.account_resumed"]


def test_update_changes_facts_and_restarts_the_interval(
    radmann_user: User, leader: User, unit: Unit
) -> None:
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=OSLO), tick=False):
        account = _create(radmann_user, unit, owner=leader)  # Monday
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=OSLO), tick=False):
        account_update(
            actor=leader,
            account=account,
            name="Reine skole (ny)",
            contact_email="rektor@example.org",
            follow_up_interval_days=3,
            answer_deadline_working_hours=Decimal("4.5"),
        )
    account.refresh_from_db()
    assert account.name == "Reine skole (ny)"
    assert account.answer_deadline_working_hours == Decimal("4.5")
    # Three working days from the registration on Monday 09:00.
    assert account.follow_up_due_at == datetime(2026, 11, 26, 9, 0, tzinfo=OSLO)
    event = Event.objects.get(action="accounts.account_updated")
    assert event.data["changes"]["follow_up_interval_days"] == ["1", "3"]


def test_update_is_for_those_who_assign(radmann_user: User, other_leader: User, unit: Unit) -> None:
    account = _create(radmann_user, unit)
    with pytest.raises(PermissionDenied):
        account_update(actor=other_leader, account=account, name="Kapret")


def test_check_in_is_for_the_people_responsible(
    radmann_user: User, leader: User, staff: list[User], unit: Unit
) -> None:
    account = _create(radmann_user, unit, owner=leader, responders=[staff[0]])
    with pytest.raises(PermissionDenied):
        account_check_in(actor=staff[2], account=account)
    with time_machine.travel(datetime(2026, 11, 25, 14, 0, tzinfo=OSLO), tick=False):
        account_check_in(actor=staff[0], account=account)
    account.refresh_from_db()
    assert account.last_check_in_by == staff[0]
    assert account.follow_up_due_at == datetime(2026, 11, 26, 14, 0, tzinfo=OSLO)
    account_suspend(actor=radmann_user, account=account, reason="Pause")
    with pytest.raises(AccountError):
        account_check_in(actor=staff[0], account=account)
