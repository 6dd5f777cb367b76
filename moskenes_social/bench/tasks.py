"""Celery tasks of ``make bench``'s reminder sweep, loaded only by the benchmark's workers
(``celery worker -I moskenes_social.bench.tasks -Q bench``); production never imports them.

``bench_sweep`` runs what beat's "posts-reminders" runs (``post_reminder_send_one_due`` in
a loop), or the reference loop that only claims the same rows by a conditional update,
until nothing is due or ``until`` (Unix time) passes, and reports how many it handled in
the Redis list ``bench:<run>``.
"""

import json
import time
from collections.abc import Callable

import redis
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.models import AccountStatus
from accounts.posts.models import Post, PostStatus
from accounts.posts.reminders import post_reminder_send_one_due

# As many candidates per look as the real sweep (reminders._BATCH).
_BATCH = 20


def reference_claim_one() -> bool:
    """The reference: the real sweep's query for due posts, then one conditional update
    that clears the schedule; no policy, recipients, reminder rows, notifications or
    audit event. False when nothing is due."""
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
            return True
    return False


@shared_task(ignore_result=True)
def bench_sweep(*, kind: str, until: float, run: str) -> None:
    step: Callable[[], bool] = (
        post_reminder_send_one_due if kind == "reminders" else reference_claim_one
    )
    started = time.time()
    handled = 0
    error = ""
    try:
        while time.time() < until and step():
            handled += 1
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
