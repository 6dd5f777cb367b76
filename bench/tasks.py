"""Celery tasks of ``make bench``'s reminder sweep, loaded only by the benchmark's workers
(``celery worker -I bench.tasks -Q bench``); production never imports them.

``bench_sweep`` runs what beat's "posts-reminders" runs (``post_reminders_send_next_due``,
a batch of posts a call, in a loop), or the reference loop that only claims the same rows
one at a time by a conditional update, until nothing is due or ``until`` (Unix time)
passes, and reports how many posts it handled in the Redis list ``bench:<run>``.
"""

import json
import time
from collections.abc import Callable

import redis
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.models import AccountStatus, Post, PostStatus
from accounts.posts.reminders import post_reminders_send_next_due

# Candidates per look: what the real sweep looked at before it claimed batches. Kept, so
# that the reference stays the yardstick that earlier runs were measured against.
_BATCH = 20


def reference_claim_one() -> int:
    """The reference: the real sweep's filter and order of due posts, then one conditional
    update that clears the schedule; no policy, recipients, reminder rows, notifications
    or audit event. 1 if it claimed a post, 0 when nothing is due."""
    now = timezone.now()
    due = (
        Post.objects.filter(
            status=PostStatus.OPEN,
            next_reminder_at__isnull=False,
            next_reminder_at__lte=now,
            account__status=AccountStatus.ACTIVE,
        )
        .order_by("next_reminder_at", "id")
        .values_list("id", "next_reminder_at", "next_reminder_stage")
    )
    for post_id, scheduled, stage in due[:_BATCH]:
        claimed = Post.objects.filter(
            pk=post_id,
            status=PostStatus.OPEN,
            next_reminder_at=scheduled,
            next_reminder_stage=stage,
        ).update(next_reminder_at=None, next_reminder_stage="")
        if claimed == 1:
            return 1
    return 0


@shared_task(ignore_result=True)
def bench_sweep(*, kind: str, until: float, run: str) -> None:
    # Each step returns how many posts it claimed; 0 when none is due.
    step: Callable[[], int] = (
        post_reminders_send_next_due if kind == "reminders" else reference_claim_one
    )
    started = time.time()
    handled = 0
    error = ""
    try:
        while time.time() < until and (claimed := step()):
            handled += claimed
    except Exception as exc:
        error = repr(exc)
        raise
    finally:
        # Reported even on an error, so that the runner does not wait in vain.
        report = {
            "kind": kind,
            "handled": handled,
            "started": started,
            "ended": time.time(),
            "error": error,
        }
        redis.Redis.from_url(settings.CELERY_BROKER_URL).rpush(f"bench:{run}", json.dumps(report))
