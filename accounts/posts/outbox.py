"""The outbox of actions on the platforms: queueing one, and what a post may have sent.

A service that changes a post calls ``action_queue`` inside its own transaction, so the
post's change, its audit event and the action are one commit; the delivery task is sent
after that commit (``accounts.posts.delivery`` sends it; the beat sweep delivers what a
lost message left behind). Nothing here talks to the platform.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    ActionKind,
    ConnectionStatus,
    CrisisPeriod,
    PlatformAction,
    PlatformConnection,
    Post,
    PostSource,
)
from accounts.models.platform import platform_url
from moskenes_social.people.models import User

__all__ = [
    "OutboxError",
    "action_queue",
    "acts_on_platform",
    "connection_of",
    "platform_url",
    "reply_target",
]

logger = logging.getLogger(__name__)


class OutboxError(Exception):
    """An action that cannot be queued; the message is Norwegian and for the user."""


def connection_of(account: Account) -> PlatformConnection | None:
    """The account's connection to its Page if it is connected, else None (one query)."""
    return PlatformConnection.objects.filter(
        account=account, status=ConnectionStatus.CONNECTED
    ).first()


def acts_on_platform(post: Post, connection: PlatformConnection | None) -> bool:
    """Whether the app acts on the platform for ``post``: it came from the connected Page's
    (or Instagram account's) webhook, so it has the comment's id, and is still there."""
    return (
        connection is not None
        and post.source in (PostSource.FACEBOOK, PostSource.INSTAGRAM)
        and bool(post.platform_id)
        and not post.removed_on_platform
    )


def reply_target(post: Post) -> str:
    """The comment an answer to ``post`` replies to: on Instagram, which takes answers to
    top-level comments only, the one it belongs under if it is a reply itself."""
    if post.source == PostSource.INSTAGRAM and post.parent_platform_id:
        return post.parent_platform_id
    return post.platform_id


def action_send_after_commit(action_id: int) -> None:
    from .tasks import platform_action_send

    try:
        platform_action_send.delay(action_id)
    except Exception:
        # The broker is unreachable; the beat sweep sends the action within a minute.
        logger.warning("could not enqueue platform action %s; the sweep will", action_id)


def action_queue(
    *,
    account: Account,
    kind: str,
    target_id: str,
    actor: User,
    post: Post | None = None,
    text: str = "",
    crisis: CrisisPeriod | None = None,
    by_screening: bool = False,
) -> PlatformAction:
    """Write one action in the caller's transaction and send it after commit. A second
    pending action of the same kind on the same post is refused (a double click).
    ``by_screening``: the screening asks for it (a hide), in ``actor``'s name."""
    if kind not in ActionKind.values:
        raise ValueError(kind)
    try:
        with transaction.atomic():
            action = PlatformAction.objects.create(
                account=account,
                post=post,
                kind=kind,
                target_id=target_id,
                text=text,
                requested_by=actor,
                crisis=crisis,
                by_screening=by_screening,
            )
    except IntegrityError as exc:
        raise OutboxError(_("This is already on its way to the platform.")) from exc
    transaction.on_commit(lambda: action_send_after_commit(action.pk))
    return action
