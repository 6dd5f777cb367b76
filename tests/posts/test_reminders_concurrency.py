"""Workers sweeping reminders at the same moment: each post is claimed by one of them.

Real concurrent transactions need PostgreSQL (CI runs there); SQLite serialises writers and
has no row locks to skip.
"""

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Account, Post, PostReminder
from accounts.posts.reminders import post_reminders_send_next_due
from moskenes_social.audit.models import Event
from moskenes_social.people.models import User
from tests.conftest import skip_or_fail
from tests.posts.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql() -> Iterator[None]:
    if connection.vendor != "postgresql":
        skip_or_fail("concurrent transactions are tested on PostgreSQL only")
    yield


def _due(account: Account, n: int) -> list[Post]:
    """``n`` open posts on the account whose first reminder fell due a minute ago."""
    posts = [make_post(account=account) for _ in range(n)]
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(
        due_at=timezone.now() - timedelta(hours=1),
        next_reminder_at=timezone.now() - timedelta(minutes=1),
        next_reminder_stage="due",
    )
    return posts


def test_a_post_locked_by_another_worker_is_skipped_not_waited_for(
    postgresql: None, account: Account, people: dict[str, User]
) -> None:
    [first, second] = _due(account, 2)
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        # Holds the lock on the first post, as a worker in the middle of its batch does.
        try:
            with transaction.atomic():
                Post.objects.select_for_update().filter(pk=first.pk).get()
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert post_reminders_send_next_due() == 1
        assert set(PostReminder.objects.values_list("post_id", flat=True)) == {second.pk}
    finally:
        release.set()
        thread.join(timeout=30)
    assert post_reminders_send_next_due() == 1
    assert post_reminders_send_next_due() == 0
    assert PostReminder.objects.filter(post=first).count() == 2


def test_two_workers_at_once_remind_of_each_post_once(
    postgresql: None, account: Account, people: dict[str, User]
) -> None:
    posts = _due(account, 40)
    barrier = threading.Barrier(2)
    claimed: list[int] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            # At most one batch a post: a claim that never ran dry fails, it does not hang.
            for _ in range(len(posts)):
                batch = post_reminders_send_next_due(limit=3)
                if not batch:
                    break
                claimed.append(batch)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(claimed) == len(posts)
    events = Event.objects.filter(action="posts.reminder_sent").values("target_id")
    assert sorted(int(e["target_id"]) for e in events) == sorted(p.pk for p in posts)
    per_post = PostReminder.objects.values("post_id").annotate(n=Count("id"))
    assert {row["n"] for row in per_post} == {2}  # svarer1 and svarer2, once each
