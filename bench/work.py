"""The background workloads of ``make bench``: the reminder sweep and webhook ingestion.

Run in a benchmark database only (``manage.py bench_work``, which checks the name): it
writes posts, reminder schedules and Facebook page ids without services or audit events,
as the data generator does, so that each run starts from the same state.

- Sweep: ``sweep_prepare`` makes ``posts`` open posts (platform ids ``bench-sweep-<n>``)
  whose first reminder stage falls due at once, spread over the active accounts that have
  responders, and moves every other due reminder a week on; the Celery tasks in
  ``bench.tasks`` then sweep them; ``sweep_check`` proves exactly one reminder per post
  and stage, none missing.
- Webhook: ``webhook_prepare`` gives ``pages`` active accounts a Facebook page id
  (``bench-page-<account id>``); the load generator delivers signed comments to them;
  ``webhook_check`` proves one post per distinct comment id, then deletes those posts.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import (
    ANSWERING_ROLES,
    Account,
    AccountStatus,
    Post,
    PostCategory,
    PostReminder,
    PostSource,
    PostStatus,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from policy.selectors import policy_in_force

SWEEP_PREFIX = "bench-sweep-"
PAGE_PREFIX = "bench-page-"
HOOK_PREFIX = "bench-hook-"
REMINDER_ACTION = "posts.reminder_sent"


def first_stage() -> str:
    return policy_in_force().reminder_stages[0].code


def _sweep_posts() -> Any:
    return Post.objects.filter(platform_id__startswith=SWEEP_PREFIX)


@transaction.atomic
def sweep_prepare(*, posts: int) -> dict[str, Any]:
    """``posts`` open posts, all with their first reminder due a minute ago; returns the
    stage code and the count. Reuses the posts of an earlier run when the count matches."""
    now = timezone.now()
    stage = first_stage()
    due, remind = now - timedelta(hours=1), now - timedelta(minutes=1)
    existing = _sweep_posts()
    PostReminder.objects.filter(post__in=existing).delete()
    if existing.count() != posts:
        existing.delete()
        accounts = list(
            Account.objects.filter(
                status=AccountStatus.ACTIVE,
                responsibilities__ended_at__isnull=True,
                responsibilities__role__in=ANSWERING_ROLES,
            )
            .distinct()
            .order_by("id")
            .values_list("id", flat=True)
        )
        if not accounts:
            raise LookupError("no active account with a responder")
        batch: list[Post] = []
        for n in range(posts):
            batch.append(
                Post(
                    account_id=accounts[n % len(accounts)],
                    source=PostSource.FACEBOOK,
                    platform_id=f"{SWEEP_PREFIX}{n}",
                    author="Innbygger",
                    text=f"Spørsmål {n} til kommunen?",
                    posted_at=due - timedelta(hours=2),
                    received_at=due - timedelta(hours=2),
                    category=PostCategory.QUESTION,
                    status=PostStatus.OPEN,
                    due_at=due,
                    next_reminder_at=remind,
                    next_reminder_stage=stage,
                )
            )
            if len(batch) == 5_000:
                Post.objects.bulk_create(batch)
                batch = []
        Post.objects.bulk_create(batch)
    else:
        existing.update(
            status=PostStatus.OPEN,
            closed_at=None,
            close_reason="",
            due_at=due,
            next_reminder_at=remind,
            next_reminder_stage=stage,
        )
    # Nothing else falls due during the run: the sweep handles exactly these posts.
    moved = (
        Post.objects.filter(
            status=PostStatus.OPEN,
            next_reminder_at__isnull=False,
            next_reminder_at__lte=now + timedelta(days=2),
        )
        .exclude(platform_id__startswith=SWEEP_PREFIX)
        .update(next_reminder_at=now + timedelta(days=7))
    )
    return {"stage": stage, "posts": posts, "other_reminders_moved": moved}


def sweep_vacuum() -> None:
    """VACUUM ANALYZE the posts after ``sweep_prepare`` (outside its transaction), as
    autovacuum would before long: every run starts without the dead rows of the last one,
    and the planner knows that 100,000 posts are due, not a handful."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Post._meta.db_table}")


def sweep_check(
    *, since: datetime, stage: str, reference: bool, finish: bool = False
) -> dict[str, Any]:
    """Exactly once, for the posts the run claimed (their schedule moved past ``stage``):
    one ``posts.reminder_sent`` event per post and stage, at least one reminder row each,
    none for a post not claimed; for the reference loop, no reminders at all. Then deletes
    the run's notifications, so that later runs and pages see the same data; ``finish``
    (the last run) deletes the posts and their reminder rows."""
    posts = _sweep_posts()
    total = posts.count()
    claimed_ids = set(posts.exclude(next_reminder_stage=stage).values_list("id", flat=True))
    still_due = total - len(claimed_ids)
    events = (
        Event.objects.filter(action=REMINDER_ACTION, created_at__gte=since)
        .values("target_id")
        .annotate(n=Count("id"))
    )
    event_counts = {int(row["target_id"]): row["n"] for row in events}
    reminder_posts = set(
        PostReminder.objects.filter(post__in=posts, stage=stage).values_list("post_id", flat=True)
    )
    duplicate_rows = (
        PostReminder.objects.filter(post__in=posts, stage=stage)
        .values("post_id", "recipient_id", "due_at")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    if reference:
        missing = 0
        unexpected = len(event_counts) + len(reminder_posts)
    else:
        missing = len(claimed_ids - reminder_posts) + len(claimed_ids - set(event_counts))
        unexpected = len(reminder_posts - claimed_ids) + len(set(event_counts) - claimed_ids)
    duplicates = duplicate_rows + sum(1 for n in event_counts.values() if n > 1)
    Notification.objects.filter(created_at__gte=since).delete()
    result = {
        "posts": total,
        "claimed": len(claimed_ids),
        "still_due": still_due,
        "reminder_rows": PostReminder.objects.filter(post__in=posts, stage=stage).count(),
        "events": sum(event_counts.values()),
        "missing": missing,
        "duplicates": duplicates,
        "unexpected": unexpected,
    }
    if finish:
        # The pages of a later run on the same database (``--keep-data``) must see the data
        # they saw before the sweep: 100,000 more posts, closed or not, slowed the account
        # page and the inbox of the small scale by a third. The run's audit events stay
        # (the log is append-only); they are not what any measured page reads.
        PostReminder.objects.filter(post__in=posts).delete()
        result["deleted_posts"] = posts.delete()[1].get(Post._meta.label, 0)
    return result


@transaction.atomic
def webhook_prepare(*, pages: int) -> dict[str, Any]:
    """Facebook page ids on ``pages`` active accounts; returns them."""
    Post.objects.filter(platform_id__startswith=HOOK_PREFIX).delete()
    accounts = Account.objects.filter(status=AccountStatus.ACTIVE).order_by("id")[:pages]
    page_ids = []
    for account in accounts:
        page_id = f"{PAGE_PREFIX}{account.pk}"
        if account.facebook_page_id != page_id:
            Account.objects.filter(pk=account.pk).update(facebook_page_id=page_id)
        page_ids.append(page_id)
    return {"pages": page_ids}


def webhook_check(*, prefix: str) -> dict[str, Any]:
    """Posts whose platform id starts with ``prefix``: how many, how many distinct ids and
    how many ids stored twice (on one account); then deletes them (with their reminders),
    so that they do not wait in anyone's inbox."""
    posts = Post.objects.filter(platform_id__startswith=prefix)
    total = posts.count()
    distinct = posts.values("platform_id").distinct().count()
    duplicated = (
        posts.values("account_id", "platform_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    PostReminder.objects.filter(post__in=posts).delete()
    posts.delete()
    return {"posts": total, "distinct_ids": distinct, "duplicated_ids": duplicated}


def check_bench_database() -> None:
    """Refuse anything but a PostgreSQL database named for benchmarks."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or not name.startswith(("bench", "ms_bench")):
        raise LookupError(f"refusing to run a benchmark workload in {name!r}")
