"""A post's due time: its time plus the answering deadline (the account's, else the
guideline version's: 8 working hours in v1), counted on Norwegian working days from 08:00
to 15:30. Weekends, 17 May and Easter are skipped; half days close early when the
guideline's working calendar names them."""

import dataclasses
from datetime import datetime, time
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account, Post
from accounts.posts.services import post_due_at, post_register, reminder_time
from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO, HalfDay, WorkingDay
from policy.selectors import policy_in_force

pytestmark = pytest.mark.django_db


def oslo(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


@pytest.mark.parametrize(
    ("posted", "due"),
    [
        # Wednesday 10:00 + 8 h: 5.5 h that day, 2.5 h on Thursday.
        (oslo(2026, 11, 25, 10, 0), oslo(2026, 11, 26, 10, 30)),
        # Friday 14:00: 1.5 h on Friday, the weekend skipped, 6.5 h on Monday.
        (oslo(2026, 11, 27, 14, 0), oslo(2026, 11, 30, 14, 30)),
        # Saturday night: counted from Monday 08:00.
        (oslo(2026, 11, 28, 23, 0), oslo(2026, 12, 1, 8, 30)),
        # Friday 14 May 2027 15:00: 0.5 h, then the weekend and Monday 17 May (Grunnlovsdag,
        # also Whit Monday that year) are skipped: 7.5 h, all of Tuesday 18 May.
        (oslo(2027, 5, 14, 15, 0), oslo(2027, 5, 18, 15, 30)),
        # Wednesday 1 April 2026, before Easter: Skjærtorsdag (2 April), Good Friday, the
        # weekend and Easter Monday (6 April) are skipped: 3.5 h, then 4.5 h on 7 April.
        (oslo(2026, 4, 1, 12, 0), oslo(2026, 4, 7, 12, 30)),
        # 16 May 2026 is a Saturday and 17 May a Sunday: Monday 18 May is a working day.
        (oslo(2026, 5, 15, 15, 0), oslo(2026, 5, 18, 15, 30)),
    ],
)
def test_due_time_counts_working_hours_on_norwegian_working_days(
    account: Account, posted: datetime, due: datetime
) -> None:
    assert post_due_at(account=account, start=posted, policy=policy_in_force()) == due


def test_the_accounts_own_deadline_overrides_the_guideline(account: Account) -> None:
    account.answer_deadline_working_hours = Decimal("2.5")
    assert post_due_at(
        account=account, start=oslo(2026, 11, 27, 14, 0), policy=policy_in_force()
    ) == oslo(2026, 11, 30, 9, 0)


def test_half_days_from_the_guideline_are_respected(account: Account) -> None:
    policy = policy_in_force()
    with_half_days = dataclasses.replace(
        policy,
        working_day=WorkingDay(
            start=time(8, 0), end=time(15, 30), half_days=(HalfDay(12, 24, time(12, 0)),)
        ),
    )
    posted = oslo(2026, 12, 23, 12, 0)
    # Without half days: 3.5 h on the 23rd, 4.5 h on the 24th.
    assert post_due_at(account=account, start=posted, policy=policy) == oslo(2026, 12, 24, 12, 30)
    # With Christmas Eve closing at 12:00: 3.5 + 4 h, then Monday 28 December.
    assert post_due_at(account=account, start=posted, policy=with_half_days) == oslo(
        2026, 12, 28, 8, 30
    )


def test_reminders_follow_the_guidelines_stages(account: Account) -> None:
    policy = policy_in_force()
    due = oslo(2026, 11, 27, 15, 30)
    # "due" at the due time itself, even at the close of the day.
    assert reminder_time(due_at=due, after_working_hours=0, policy=policy) == due
    # "escalation" one working day (7.5 h) later: Monday at the close.
    assert reminder_time(due_at=due, after_working_hours=7.5, policy=policy) == oslo(
        2026, 11, 30, 15, 30
    )


def test_a_registered_post_gets_its_deadline_and_first_reminder(
    account: Account, people: dict[str, User]
) -> None:
    with time_machine.travel(oslo(2026, 11, 30, 9, 0), tick=False):
        post = post_register(
            actor=people["svarer1"],
            account=account,
            author="Ola",
            text="Hei?",
            posted_at=oslo(2026, 11, 27, 14, 0),
        )
    post = Post.objects.get(pk=post.pk)
    assert post.due_at == oslo(2026, 11, 30, 14, 30)
    assert post.next_reminder_at == post.due_at and post.next_reminder_stage == "due"
    assert post.received_at == oslo(2026, 11, 30, 9, 0)
