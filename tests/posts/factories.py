"""Typed helpers that build posts and tokens directly (no services, no audit), for tests
that need data rather than the behaviour of creating it."""

from datetime import datetime
from itertools import count
from typing import Any

from django.utils import timezone

from accounts.models import Account, IngestToken, Post, PostSource, PostStatus
from accounts.posts.services import TOKEN_PREFIX, post_due_at, token_hash
from moskenes_social.people.models import User
from policy.selectors import policy_in_force

_numbers = count(1)


def make_post(
    *,
    account: Account,
    posted_at: datetime | None = None,
    status: PostStatus = PostStatus.OPEN,
    **fields: Any,
) -> Post:
    """An open post (by default) with its deadline and first reminder scheduled."""
    n = next(_numbers)
    posted = posted_at or timezone.now()
    policy = policy_in_force()
    due = post_due_at(account=account, start=posted, policy=policy)
    defaults: dict[str, Any] = {
        "source": PostSource.MANUAL,
        "platform_id": f"p{n}",
        "author": f"Innbygger {n}",
        "text": f"Spørsmål nummer {n} om kommunen",
        "posted_at": posted,
        # A post arrives after it is written (the constraint ``posts_posted_at_in_window``).
        "received_at": max(posted, timezone.now()),
        "due_at": due,
        "next_reminder_at": due if status == PostStatus.OPEN else None,
        "next_reminder_stage": "due" if status == PostStatus.OPEN else "",
    }
    if status == PostStatus.ANSWERED:
        defaults |= {"answered_at": posted, "answer_text": "Svar"}
    elif status == PostStatus.CLOSED:
        defaults |= {"closed_at": posted, "close_reason": "duplicate"}
    elif status == PostStatus.REMOVED:
        defaults |= {"removed_at": posted, "text": "", "author": "", "url": ""}
    return Post.objects.create(account=account, status=status, **{**defaults, **fields})


def make_token(
    *, account: Account, created_by: User, raw: str | None = None
) -> tuple[IngestToken, str]:
    n = next(_numbers)
    raw = raw or f"{TOKEN_PREFIX}test-token-{n}-abcdefghijklmnopqrstuvwxyz"
    token = IngestToken.objects.create(
        account=account,
        name=f"Skript {n}",
        prefix=raw[:10],
        token_hash=token_hash(raw),
        created_by=created_by,
    )
    return token, raw
