"""The follow-up duty: the reminder job's unit function under frozen time.

An account followed up every working day: when no check-in has come within the interval, the
responders are reminded once; one more interval later, the owner once. Nothing is sent on a
weekend day or a public holiday (17 May 2027 is a Monday).
"""

from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts.models import Account, FollowUpReminder, FollowUpStage
from accounts.services import (
    account_check_in,
    account_create,
    account_suspend,
    follow_up_reminder_send_one_due,
    follow_up_reminders_send_due,
)
from accounts.tasks import follow_up_reminders_send
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def oslo(month: int, day: int, hour: int, minute: int = 0, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


class Clock:
    """Frozen time that the test moves by hand."""

    def __init__(self, traveller: time_machine.Traveller) -> None:
        self._traveller = traveller

    def at(self, moment: datetime) -> datetime:
        self._traveller.move_to(moment)
        return moment


@pytest.fixture
def clock() -> Iterator[Clock]:
    with time_machine.travel(oslo(5, 14, 10), tick=False) as traveller:
        yield Clock(traveller)


@pytest.fixture
def people(unit: Unit) -> dict[str, User]:
    return {
        name: make_user(username=name, unit=unit)
        for name in ["eier", "svarer1", "svarer2", "reserve"]
    }


@pytest.fixture
def account(clock: Clock, radmann_user: User, unit: Unit, people: dict[str, User]) -> Account:
    """Registered Friday 14 May 2027 10:00, followed up every working day."""
    from accounts.services import responsibility_assign

    account = account_create(
        actor=radmann_user,
        unit=unit,
        platform="facebook",
        name="Reine skole",
        handle="reineskole",
        owner=people["eier"],
        responders=[people["svarer1"], people["svarer2"]],
    )
    responsibility_assign(
        actor=radmann_user, account=account, user=people["reserve"], role="backup"
    )
    Notification.objects.all().delete()
    return account


def recipients() -> set[str]:
    names = set(Notification.objects.values_list("recipient__username", flat=True))
    Notification.objects.all().delete()
    return names


def test_first_due_after_the_holiday(account: Account) -> None:
    # Friday + one working day: Monday 17 May is Grunnlovsdag, so Tuesday 18 May.
    assert account.follow_up_due_at == oslo(5, 18, 10)


def test_responders_are_reminded_once_then_the_owner_once(clock: Clock, account: Account) -> None:
    clock.at(oslo(5, 18, 9, 59))
    assert follow_up_reminder_send_one_due() is None

    clock.at(oslo(5, 18, 10, 5))
    reminder = follow_up_reminder_send_one_due()
    assert reminder is not None and reminder.stage == FollowUpStage.RESPONDERS
    assert reminder.due_at == oslo(5, 18, 10)
    assert {u.username for u in reminder.recipients.all()} == {"svarer1", "svarer2"}
    assert recipients() == {"svarer1", "svarer2"}
    # Called again (a second worker, the next beat): nothing more.
    assert follow_up_reminder_send_one_due() is None
    assert follow_up_reminders_send_due() == 0
    assert recipients() == set()

    # The escalation comes one more working day later, not before.
    clock.at(oslo(5, 19, 9, 0))
    assert follow_up_reminders_send_due() == 0
    clock.at(oslo(5, 19, 10, 0))
    assert follow_up_reminders_send_due() == 1
    assert recipients() == {"eier"}
    assert follow_up_reminders_send_due() == 0

    # And nothing after that until someone follows up.
    clock.at(oslo(5, 26, 12))
    assert follow_up_reminders_send_due() == 0
    assert list(FollowUpReminder.objects.order_by("sent_at").values_list("stage", flat=True)) == [
        "responders",
        "owner",
    ]
    events = Event.objects.filter(action="accounts.follow_up_reminder_sent")
    assert events.count() == 2 and all(e.actor is None for e in events)


def test_nothing_is_sent_on_17_may_or_a_weekend_day(
    clock: Clock, account: Account, people: dict[str, User]
) -> None:
    # Saturday 15, Sunday 16 and Monday 17 May (Grunnlovsdag, and Whit Monday in 2027).
    for day in (15, 16, 17):
        clock.at(oslo(5, day, 12))
        assert follow_up_reminders_send_due() == 0
    # Followed up Friday 21 May 14:00: due Monday 24 May 14:00, nothing over the weekend.
    clock.at(oslo(5, 21, 14))
    account_check_in(actor=people["svarer1"], account=account)
    account.refresh_from_db()
    assert account.follow_up_due_at == oslo(5, 24, 14)
    for day in (22, 23):
        clock.at(oslo(5, day, 15))
        assert follow_up_reminders_send_due() == 0
    clock.at(oslo(5, 24, 14, 1))
    assert follow_up_reminders_send_due() == 1


def test_a_reminder_due_before_a_weekend_waits_for_the_next_working_day(
    clock: Clock, account: Account, people: dict[str, User]
) -> None:
    # Followed up Thursday 20 May 10:00: due Friday 21 May 10:00. The job did not run on
    # Friday (down); on Saturday it must still not send.
    clock.at(oslo(5, 20, 10))
    account_check_in(actor=people["svarer2"], account=account)
    clock.at(oslo(5, 22, 9))
    assert follow_up_reminders_send_due() == 0
    # Monday 24 May 08:00: the responders now; the owner's turn is Monday 10:00.
    clock.at(oslo(5, 24, 8))
    assert follow_up_reminders_send_due() == 1
    assert recipients() == {"svarer1", "svarer2"}
    clock.at(oslo(5, 24, 10))
    assert follow_up_reminders_send_due() == 1
    assert recipients() == {"eier"}


def test_a_check_in_starts_a_new_interval_and_resets_the_escalation(
    clock: Clock, account: Account, people: dict[str, User]
) -> None:
    clock.at(oslo(5, 18, 10, 5))
    assert follow_up_reminders_send_due() == 1
    recipients()
    clock.at(oslo(5, 18, 11))
    account_check_in(actor=people["reserve"], account=account)
    account.refresh_from_db()
    assert account.next_follow_up_stage == FollowUpStage.RESPONDERS
    assert account.follow_up_due_at == oslo(5, 19, 11)
    # No owner escalation at Wednesday 10:00 (the old schedule).
    clock.at(oslo(5, 19, 10, 30))
    assert follow_up_reminders_send_due() == 0
    clock.at(oslo(5, 19, 11))
    assert follow_up_reminders_send_due() == 1
    assert recipients() == {"svarer1", "svarer2"}


def test_without_responders_the_backups_then_the_owner_are_reminded(
    clock: Clock, radmann_user: User, unit: Unit, people: dict[str, User]
) -> None:
    from accounts.services import responsibility_assign

    account = account_create(
        actor=radmann_user,
        unit=unit,
        platform="instagram",
        name="Uten svarere",
        handle="utensvarere",
        owner=people["eier"],
    )
    responsibility_assign(
        actor=radmann_user, account=account, user=people["reserve"], role="backup"
    )
    Notification.objects.all().delete()
    clock.at(oslo(5, 18, 10))
    assert follow_up_reminders_send_due() == 1
    assert recipients() == {"reserve"}


def test_suspended_accounts_get_no_reminders(
    clock: Clock, account: Account, radmann_user: User
) -> None:
    account_suspend(actor=radmann_user, account=account, reason="Pause")
    clock.at(oslo(5, 25, 12))
    assert follow_up_reminders_send_due() == 0


def test_the_database_refuses_a_second_reminder_for_the_same_deadline(
    account: Account,
) -> None:
    FollowUpReminder.objects.create(
        account=account, stage=FollowUpStage.RESPONDERS, due_at=oslo(5, 18, 10)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpReminder.objects.create(
            account=account, stage=FollowUpStage.RESPONDERS, due_at=oslo(5, 18, 10)
        )


def test_a_stale_schedule_is_not_sent_twice(clock: Clock, account: Account) -> None:
    """Two workers read the same due account; only the one whose claim wins sends."""
    from accounts.services import _follow_up_remind

    now = clock.at(oslo(5, 18, 10, 5))
    assert _follow_up_remind(account_id=account.pk, now=now) is not None
    assert _follow_up_remind(account_id=account.pk, now=now) is None
    assert FollowUpReminder.objects.count() == 1


def test_task_and_command_run_the_same_service(clock: Clock, account: Account) -> None:
    clock.at(oslo(5, 18, 10, 5))
    assert follow_up_reminders_send() == 1
    clock.at(oslo(5, 19, 10, 5))
    call_command("send_follow_up_reminders")
    assert FollowUpReminder.objects.count() == 2


def test_a_claim_read_before_a_check_in_claims_nothing(
    clock: Clock, account: Account, people: dict[str, User]
) -> None:
    """A worker read the due schedule; before it claimed, the owner followed up. Its claim
    must not move the new interval's schedule, and nothing is sent (no reminder row stops
    it: none exists for this deadline)."""
    from accounts.services import account_check_in, follow_up_reminder_claim

    clock.at(oslo(5, 18, 10, 5))
    stale = Account.objects.get(pk=account.pk)
    assert stale.next_follow_up_reminder_at is not None
    account_check_in(actor=people["eier"], account=account)
    fresh = Account.objects.get(pk=account.pk)
    assert fresh.next_follow_up_reminder_at != stale.next_follow_up_reminder_at
    assert not follow_up_reminder_claim(
        account_id=account.pk,
        scheduled=stale.next_follow_up_reminder_at,
        stage=stale.next_follow_up_stage,
        next_at=oslo(5, 19, 10),
    )
    after = Account.objects.get(pk=account.pk)
    assert (after.next_follow_up_reminder_at, after.next_follow_up_stage) == (
        fresh.next_follow_up_reminder_at,
        fresh.next_follow_up_stage,
    )
    assert not FollowUpReminder.objects.exists()
    assert follow_up_reminders_send_due() == 0 and recipients() == set()
