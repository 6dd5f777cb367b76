"""The reminder job's unit function under frozen time.

A post received Wednesday 25 November 2026 at 10:00 is due Thursday 10:30 (8 working
hours). Then its responders are reminded, once; one working day (7.5 h) later, Friday
10:30, its owner, once. Answering or closing stops it. Two workers that saw the same due
post send one reminder between them.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import (
    Account,
    AccountStatus,
    CloseReason,
    Post,
    PostReminder,
    PostStatus,
    Responsibility,
    ResponsibilityRole,
)
from accounts.posts.reminders import (
    _recipients,
    post_reminder_send_one_due,
    post_reminders_send_due,
    post_reminders_send_next_due,
)
from accounts.posts.services import post_answer, post_close, post_register, post_reopen
from accounts.posts.tasks import post_reminders_send
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO
from policy.selectors import policy_in_force
from tests.accounts.factories import make_account
from tests.factories import make_user
from tests.posts.factories import make_post

pytestmark = pytest.mark.django_db


def oslo(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=OSLO)


class Clock:
    def __init__(self, traveller: time_machine.Traveller) -> None:
        self._traveller = traveller

    def at(self, moment: datetime) -> datetime:
        self._traveller.move_to(moment)
        return moment


@pytest.fixture
def clock() -> Iterator[Clock]:
    with time_machine.travel(oslo(25, 10), tick=False) as traveller:
        yield Clock(traveller)


@pytest.fixture
def post(clock: Clock, account: Account, people: dict[str, User]) -> Post:
    post = post_register(
        actor=people["svarer1"],
        account=account,
        author="Ola",
        text="Når kommer brøytebilen?",
        posted_at=oslo(25, 10),
    )
    Notification.objects.all().delete()
    return post


def recipients() -> set[str]:
    names = set(Notification.objects.values_list("recipient__username", flat=True))
    Notification.objects.all().delete()
    return names


def test_the_post_is_due_thursday_morning(post: Post) -> None:
    assert post.due_at == oslo(26, 10, 30)
    assert post.next_reminder_at == oslo(26, 10, 30) and post.next_reminder_stage == "due"


def test_nothing_due_returns_false(clock: Clock, post: Post) -> None:
    clock.at(oslo(26, 10, 29))
    assert post_reminder_send_one_due() is False
    assert not PostReminder.objects.exists() and recipients() == set()


def test_due_reminds_the_responders_once_then_the_owner_once(clock: Clock, post: Post) -> None:
    clock.at(oslo(26, 10, 31))
    assert post_reminder_send_one_due() is True
    assert recipients() == {"svarer1", "svarer2"}
    rows = PostReminder.objects.order_by("recipient__username")
    assert [(r.stage, r.recipient.username, r.due_at) for r in rows] == [
        ("due", "svarer1", oslo(26, 10, 30)),
        ("due", "svarer2", oslo(26, 10, 30)),
    ]
    # Called again (a second worker, the next beat): nothing more.
    assert post_reminder_send_one_due() is False
    assert post_reminders_send_due() == 0
    assert recipients() == set()

    # The escalation: one working day after the due time, to the owner.
    post.refresh_from_db()
    assert post.next_reminder_at == oslo(27, 10, 30) and post.next_reminder_stage == "escalation"
    clock.at(oslo(27, 10, 29))
    assert post_reminders_send_due() == 0
    clock.at(oslo(27, 10, 30))
    assert post_reminders_send_due() == 1
    assert recipients() == {"eier"}
    assert post_reminders_send_due() == 0
    # And nothing after the last stage.
    clock.at(oslo(2, 12, month=12))
    assert post_reminders_send_due() == 0
    post.refresh_from_db()
    assert post.next_reminder_at is None and post.status == PostStatus.OPEN
    events = Event.objects.filter(action="posts.reminder_sent").order_by("id")
    assert [e.data["stage"] for e in events] == ["due", "escalation"]
    assert all(e.actor is None for e in events)


def test_the_reminder_links_to_the_post_and_keeps_its_words_out(clock: Clock, post: Post) -> None:
    clock.at(oslo(26, 11))
    post_reminder_send_one_due()
    notification = Notification.objects.first()
    assert notification is not None
    assert notification.url == f"/innlegg/{post.pk}/"
    assert "Reine skole" in notification.subject
    assert "brøytebilen" not in notification.subject + notification.body
    assert "Ola" not in notification.body


def test_a_post_registered_late_is_named_by_when_it_was_published(
    clock: Clock, account: Account, people: dict[str, User]
) -> None:
    # Published Wednesday 10:00, registered by hand only on Friday: overdue on arrival. The
    # reminder names the publication its deadline counts from, not the later registration
    # (the demo's "mottatt 2. desember … skulle vært besvart innen 24. november").
    clock.at(oslo(27, 12))
    post_register(
        actor=people["svarer1"], account=account, author="Ola", text="Hei", posted_at=oslo(25, 10)
    )
    Notification.objects.all().delete()
    with translation.override("nb"):
        post_reminder_send_one_due()
    notification = Notification.objects.first()
    assert notification is not None
    assert notification.body.startswith(
        "Et innlegg på Reine skole, publisert 25. november 2026 10:00, skulle vært besvart "
        "innen 26. november 2026 10:30."
    )


def test_answering_stops_the_reminders(clock: Clock, post: Post, people: dict[str, User]) -> None:
    clock.at(oslo(26, 9))
    post_answer(actor=people["svarer2"], post=post, text="I morgen tidlig.")
    clock.at(oslo(30, 12))
    assert post_reminders_send_due() == 0
    assert not PostReminder.objects.exists()


def test_answering_after_the_first_reminder_stops_the_escalation(
    clock: Clock, post: Post, people: dict[str, User]
) -> None:
    clock.at(oslo(26, 11))
    assert post_reminders_send_due() == 1
    recipients()
    post_close(actor=people["svarer1"], post=post, reason=CloseReason.DUPLICATE)
    clock.at(oslo(27, 11))
    assert post_reminders_send_due() == 0
    assert recipients() == set()


def test_a_post_claimed_by_another_worker_is_not_reminded_again(clock: Clock, post: Post) -> None:
    """Another worker claimed the post and moved its schedule on (committed): this one
    finds nothing due. (Workers running at the same time skip each other's locked rows:
    ``test_reminders_concurrency.py``, on PostgreSQL.)"""
    clock.at(oslo(26, 11))
    Post.objects.filter(pk=post.pk).update(
        next_reminder_at=oslo(27, 10, 30), next_reminder_stage="escalation"
    )
    assert post_reminders_send_next_due() == 0
    assert not PostReminder.objects.exists()
    assert not Event.objects.filter(action="posts.reminder_sent").exists()


def test_a_retried_send_does_not_remind_anyone_twice(clock: Clock, post: Post) -> None:
    """The schedule was put back (a retried task after a crash): the rows stop a second
    reminder to the same people for the same deadline and stage."""
    clock.at(oslo(26, 11))
    assert post_reminders_send_due() == 1
    recipients()
    Post.objects.filter(pk=post.pk).update(
        next_reminder_at=oslo(26, 10, 30), next_reminder_stage="due"
    )
    assert post_reminder_send_one_due() is True  # claimed, but no one to send to
    assert recipients() == set()
    assert PostReminder.objects.count() == 2


def test_the_database_refuses_a_duplicate_reminder(post: Post, people: dict[str, User]) -> None:
    PostReminder.objects.create(
        post=post, stage="due", due_at=post.due_at, recipient=people["svarer1"]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PostReminder.objects.create(
            post=post, stage="due", due_at=post.due_at, recipient=people["svarer1"]
        )


def test_a_reopened_post_is_reminded_again_for_its_new_deadline(
    clock: Clock, post: Post, people: dict[str, User]
) -> None:
    clock.at(oslo(26, 11))
    post_reminders_send_due()
    post_answer(actor=people["svarer1"], post=post, text="Svar")
    recipients()
    clock.at(oslo(30, 9))
    post_reopen(actor=people["svarer1"], post=post, reason="Nytt spørsmål i tråden")
    post.refresh_from_db()
    assert post.due_at == oslo(1, 9, 30, month=12)
    clock.at(oslo(1, 9, 31, month=12))
    assert post_reminders_send_due() == 1
    assert recipients() == {"svarer1", "svarer2"}


def test_without_responders_the_backup_then_the_owner(
    clock: Clock, post: Post, account: Account
) -> None:
    Responsibility.objects.filter(account=account, role=ResponsibilityRole.RESPONDER).update(
        ended_at=oslo(25, 11)
    )
    stages = policy_in_force().reminder_stages
    assert [u.username for u in _recipients([(post, stages[0])], covered=set())[0]] == ["reserve"]
    assert [u.username for u in _recipients([(post, stages[1])], covered=set())[0]] == ["eier"]
    Responsibility.objects.filter(account=account).update(ended_at=oslo(25, 11))
    # Nobody left: the unit's leaders hear of the escalation.
    leader = account.unit.leaders.create(username="rektor")
    assert [u.username for u in _recipients([(post, stages[1])], covered=set())[0]] == [
        leader.username
    ]


def test_posts_of_a_suspended_account_are_not_reminded(
    clock: Clock, post: Post, account: Account
) -> None:
    Account.objects.filter(pk=account.pk).update(status=AccountStatus.SUSPENDED)
    clock.at(oslo(30, 12))
    assert post_reminders_send_due() == 0


def test_the_most_overdue_post_goes_first(
    clock: Clock, post: Post, account: Account, people: dict[str, User]
) -> None:
    older = post_register(
        actor=people["svarer1"],
        account=account,
        author="Kari",
        text="Eldre",
        posted_at=oslo(24, 10),
    )
    clock.at(oslo(26, 11))
    assert post_reminder_send_one_due() is True
    assert set(PostReminder.objects.values_list("post_id", flat=True)) == {older.pk}


def test_task_and_command_run_the_same_service(clock: Clock, post: Post) -> None:
    clock.at(oslo(26, 11))
    assert post_reminders_send() == 1
    clock.at(oslo(27, 11))
    call_command("send_reminders")
    assert sorted(PostReminder.objects.values_list("stage", flat=True)) == [
        "due",
        "due",
        "escalation",
    ]


def _register(account: Account, n: int) -> list[Post]:
    """``n`` more posts on the account, received when the ``post`` fixture's was."""
    return [make_post(account=account, posted_at=oslo(25, 10)) for _ in range(n)]


def test_one_batch_reminds_several_posts_each_once(
    clock: Clock, post: Post, account: Account, people: dict[str, User]
) -> None:
    others = _register(account, 2)
    clock.at(oslo(26, 11))
    assert post_reminders_send_next_due(limit=2) == 2
    assert post_reminders_send_next_due(limit=2) == 1
    assert post_reminders_send_next_due(limit=2) == 0
    posts = [post, *others]
    assert sorted(PostReminder.objects.values_list("post_id", "recipient__username")) == sorted(
        (p.pk, name) for p in posts for name in ["svarer1", "svarer2"]
    )
    # One notification per post and person: each is told of each post.
    assert Notification.objects.filter(recipient__username="svarer1").count() == 3
    events = Event.objects.filter(action="posts.reminder_sent").order_by("target_id")
    assert [e.target_id for e in events] == sorted(str(p.pk) for p in posts)
    first = events[0]
    names = f"{people['svarer1']}, {people['svarer2']}"
    assert first.reason == f"Svarfristen var 26. november 2026 10:30; påminnet: {names}."
    post.refresh_from_db()  # the deadline as the database gives it (UTC), as the job reads it
    assert first.data == {
        "stage": "due",
        "due_at": post.due_at.isoformat(),
        "recipients": [people["svarer1"].pk, people["svarer2"].pk],
    }


def test_a_batch_costs_the_same_statements_whatever_its_posts_and_recipients(
    clock: Clock,
    post: Post,
    account: Account,
    people: dict[str, User],
    django_assert_num_queries: Any,
) -> None:
    """Savepoint, the due posts (locked), the guideline version, the schedules' update, the
    crisis lookup, the responsibilities, the reminder rows, the notifications, the events,
    release: the same for one post with two recipients as for many posts with many."""
    policy_in_force()  # the guideline version parsed, as in a running worker
    clock.at(oslo(26, 11))
    with django_assert_num_queries(10):
        assert post_reminders_send_next_due() == 1

    many = make_account(
        unit=account.unit,
        owner=people["eier"],
        responders=[make_user(username=f"svarer{n}") for n in range(3, 9)],
    )
    _register(account, 5)
    _register(many, 5)
    clock.at(oslo(27, 9))  # the first post's escalation is not yet due
    with django_assert_num_queries(10):
        assert post_reminders_send_next_due() == 10
    assert PostReminder.objects.count() == 2 + 5 * 2 + 5 * 6


def test_a_stage_the_guideline_no_longer_has_is_dropped_and_the_rest_is_sent(
    clock: Clock, post: Post, account: Account, people: dict[str, User]
) -> None:
    [other] = _register(account, 1)
    Post.objects.filter(pk=post.pk).update(next_reminder_stage="gone")
    clock.at(oslo(26, 11))
    assert post_reminders_send_next_due() == 2
    post.refresh_from_db()
    assert (post.next_reminder_at, post.next_reminder_stage) == (None, "")
    assert set(PostReminder.objects.values_list("post_id", flat=True)) == {other.pk}
    assert [e.target_id for e in Event.objects.filter(action="posts.reminder_sent")] == [
        str(other.pk)
    ]


def test_a_retried_send_tells_only_those_not_yet_reminded(
    clock: Clock, post: Post, people: dict[str, User]
) -> None:
    PostReminder.objects.create(
        post=post, stage="due", due_at=post.due_at, recipient=people["svarer1"]
    )
    clock.at(oslo(26, 11))
    assert post_reminders_send_next_due() == 1
    assert recipients() == {"svarer2"}
    event = Event.objects.get(action="posts.reminder_sent")
    assert event.data["recipients"] == [people["svarer2"].pk]
    assert PostReminder.objects.count() == 2
