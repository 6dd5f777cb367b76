"""The crisis lockout at the source on Instagram: comments turned off on chosen posts.

Instagram has no Page tasks to take away, but comments can be turned off on a post (media)
for everyone (``POST /{ig-media-id}`` with ``comment_enabled=false``). While a crisis lasts
the crisis team chooses the posts of a covered, connected Instagram account
(``media_comments_off``); each choice is a ``MediaCommentChange`` row, written with what
Instagram said of the post's comments before any call, and a Celery task turns them off
(``media_comments_apply``). The crisis's end turns on again exactly those that were on
(``media_comments_restore``), however often it has to be tried: the beat sweep takes up
what is left. A post whose comments were already off is recorded and left off.

The Graph API is called outside any transaction; each row is settled in its own.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.lockout import is_crisis_team
from accounts.models import (
    Account,
    CrisisPeriod,
    CrisisStatus,
    MediaCommentChange,
    Platform,
    PlatformConnection,
)
from accounts.models.platform import TASK_CHANGE_ATTEMPTS
from moskenes_social.audit.services import event_record
from moskenes_social.people.models import User

from .graph import ErrorKind, GraphError, entries
from .page_tasks import connection_graph, covered_connections, is_active, tell_leader

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = TASK_CHANGE_ATTEMPTS[1]
CAPTION_LENGTH = 200


class MediaError(Exception):
    """A choice refused, or Instagram not answering; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Media:
    """One post of an Instagram account as Instagram lists it, and what the crisis did."""

    id: str
    caption: str
    posted_at: datetime | None
    comments_enabled: bool
    comments_count: int
    change: MediaCommentChange | None


def crisis_instagram_connections(*, crisis: CrisisPeriod) -> list[PlatformConnection]:
    """The connected Instagram accounts the crisis covers, by name."""
    return list(
        covered_connections(crisis)
        .filter(account__platform=Platform.INSTAGRAM)
        .order_by("account__name")
    )


def _connection(crisis: CrisisPeriod, account: Account) -> PlatformConnection:
    for connection in crisis_instagram_connections(crisis=crisis):
        if connection.account_id == account.pk:
            return connection
    raise MediaError(_("The crisis does not cover this account, or it is not connected."))


def _check(actor: User, crisis: CrisisPeriod) -> None:
    if not is_crisis_team(actor):
        raise PermissionDenied(_("Only the crisis team turns comments off."))
    if not crisis.is_active:
        raise MediaError(_("The crisis has ended."))


def _listed(connection: PlatformConnection) -> list[dict[str, object]]:
    """The account's latest posts (one page, newest first), as Instagram lists them."""
    graph = connection_graph(connection)
    if graph is None:
        raise MediaError(_("The stored access token cannot be read; connect the account again."))
    try:
        return entries(next(graph.ig_media(connection.object_id)))
    except GraphError as exc:
        logger.warning("media of %s: %s", connection.object_id, exc)
        raise MediaError(
            _("Instagram did not list the posts: %(error)s") % {"error": exc.message or exc.code}
        ) from exc


def _media(entry: dict[str, object], changes: dict[str, MediaCommentChange]) -> Media | None:
    media_id = entry.get("id")
    if not isinstance(media_id, str) or not media_id:
        return None
    caption = entry.get("caption")
    posted = entry.get("timestamp")
    count = entry.get("comments_count")
    return Media(
        id=media_id,
        caption=caption[:CAPTION_LENGTH] if isinstance(caption, str) else "",
        posted_at=_when(posted) if isinstance(posted, str) else None,
        comments_enabled=entry.get("is_comment_enabled") is not False,
        comments_count=count if isinstance(count, int) and not isinstance(count, bool) else 0,
        change=changes.get(media_id),
    )


def _when(value: str) -> datetime | None:
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def crisis_media(*, actor: User, crisis: CrisisPeriod, account: Account) -> list[Media]:
    """The covered account's latest Instagram posts, for the crisis team to choose from;
    raises ``MediaError`` when the account is not covered and connected, or Instagram does
    not answer."""
    _check(actor, crisis)
    listed = _listed(_connection(crisis, account))
    changes = {
        change.media_id: change
        for change in MediaCommentChange.objects.filter(crisis=crisis, account=account)
    }
    return [media for entry in listed if (media := _media(entry, changes)) is not None]


def media_comments_off(
    *, actor: User, crisis: CrisisPeriod, account: Account, media_ids: Sequence[str]
) -> int:
    """Turn comments off on the chosen posts of a covered Instagram account, by a task
    after the commit. Instagram is asked again what each post's comments are, so that the
    end restores them as they are now. Returns how many are newly chosen."""
    _check(actor, crisis)
    connection = _connection(crisis, account)
    chosen = set(media_ids)
    if not chosen:
        raise MediaError(_("Choose at least one post."))
    listed = {
        media.id: media
        for entry in _listed(connection)
        if (media := _media(entry, {})) is not None and media.id in chosen
    }
    if set(listed) != chosen:
        raise MediaError(_("A chosen post is no longer among the account's latest posts."))
    with transaction.atomic():
        # The crisis row is locked: its end waits for this choice, and then restores it.
        if not CrisisPeriod.objects.select_for_update().filter(
            pk=crisis.pk, status=CrisisStatus.ACTIVE
        ):
            raise MediaError(_("The crisis has ended."))
        known = set(
            MediaCommentChange.objects.filter(crisis=crisis, media_id__in=chosen).values_list(
                "media_id", flat=True
            )
        )
        created = MediaCommentChange.objects.bulk_create(
            MediaCommentChange(
                crisis=crisis,
                account=account,
                media_id=media.id,
                caption=media.caption,
                requested_by=actor,
                enabled_before=media.comments_enabled,
            )
            for media in listed.values()
            if media.id not in known
        )
        if created:
            event_record(
                actor=actor,
                action="posts.media_comments_chosen",
                target=account,
                data={
                    "crisis": crisis.pk,
                    "media": sorted(change.media_id for change in created),
                    "already_off": sorted(
                        change.media_id for change in created if not change.enabled_before
                    ),
                },
            )
            transaction.on_commit(lambda: _enqueue(crisis.pk))
    return len(created)


def _enqueue(crisis_id: int) -> None:
    from .tasks import media_comments_apply_task

    try:
        media_comments_apply_task.delay(crisis_id)
    except Exception:
        # The beat sweep turns them off within minutes.
        logger.warning("could not enqueue the Instagram comments of crisis %s", crisis_id)


def _pending(crisis: CrisisPeriod, *, off: bool) -> list[MediaCommentChange]:
    changes = MediaCommentChange.objects.filter(
        crisis=crisis, enabled_before=True, restored_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    if off:
        changes = changes.filter(turned_off_at__isnull=True)
    return list(changes.select_related("account").order_by("id"))


def _connections(changes: list[MediaCommentChange]) -> dict[int, PlatformConnection]:
    return {
        connection.account_id: connection
        for connection in PlatformConnection.objects.filter(
            account__in={change.account_id for change in changes}
        ).select_related("account")
    }


def _call(connection: PlatformConnection | None, change: MediaCommentChange, *, on: bool) -> None:
    graph = connection_graph(connection) if connection and connection.is_connected else None
    if graph is None:
        raise GraphError(_("The Instagram account is not connected; connect it again."))
    graph.ig_comments_enable(change.media_id, enabled=on)


def _gone(change: MediaCommentChange, now: datetime) -> None:
    """The post is gone from Instagram: nothing left to turn off or on."""
    MediaCommentChange.objects.filter(pk=change.pk).update(
        restored_at=now, error_message=_("The post no longer exists on Instagram.")
    )


def media_comments_apply(*, crisis_id: int) -> int:
    """Turn comments off on the chosen posts not turned off yet; returns how many were."""
    crisis = CrisisPeriod.objects.select_related("started_by", "ended_by").get(pk=crisis_id)
    if not is_active(crisis):
        return 0
    pending = _pending(crisis, off=True)
    connections = _connections(pending)
    turned_off = 0
    for change in pending:
        try:
            _call(connections.get(change.account_id), change, on=False)
        except GraphError as exc:
            if exc.kind == ErrorKind.GONE:
                _gone(change, timezone.now())
                continue
            # The row stays: the restore turns it on again whatever happened.
            _failed(crisis, change, exc, on=False)
            continue
        with transaction.atomic():
            MediaCommentChange.objects.filter(pk=change.pk).update(
                turned_off_at=timezone.now(), attempts=0, error_message=""
            )
            event_record(
                actor=None,
                action="posts.media_comments_off",
                target=change.account,
                data={"crisis": crisis.pk, "media": change.media_id},
            )
        turned_off += 1
    if pending and not is_active(crisis):
        # The crisis ended while these were on their way: turn them on again at once.
        media_comments_restore(crisis_id=crisis.pk)
    return turned_off


def media_comments_restore(*, crisis_id: int) -> int:
    """Turn comments on again where the crisis turned them off (or may have: an answer
    lost on the way); returns how many are still to be turned on."""
    crisis = CrisisPeriod.objects.select_related("started_by", "ended_by").get(pk=crisis_id)
    pending = _pending(crisis, off=False)
    connections = _connections(pending)
    left = 0
    for change in pending:
        now = timezone.now()
        try:
            _call(connections.get(change.account_id), change, on=True)
        except GraphError as exc:
            if exc.kind == ErrorKind.GONE:
                _gone(change, now)
                continue
            left += 1
            _failed(crisis, change, exc, on=True)
            continue
        with transaction.atomic():
            MediaCommentChange.objects.filter(pk=change.pk).update(
                restored_at=now, error_message=""
            )
            event_record(
                actor=None,
                action="posts.media_comments_on",
                target=change.account,
                data={"crisis": crisis.pk, "media": change.media_id},
            )
    return left


def _failed(crisis: CrisisPeriod, change: MediaCommentChange, exc: GraphError, *, on: bool) -> None:
    error = (exc.message or str(exc.code))[:500]
    with transaction.atomic():
        MediaCommentChange.objects.filter(pk=change.pk).update(
            attempts=change.attempts + 1, error_message=error
        )
        event_record(
            actor=None,
            action="posts.media_comments_failed",
            target=change.account,
            data={"crisis": crisis.pk, "media": change.media_id, "on": on, "code": exc.code},
        )
        if change.attempts == 0:
            subject = (
                _(
                    "Comments were not turned on again on an Instagram post of %(account)s: "
                    "%(error)s. The app tries again every few minutes."
                )
                if on
                else _(
                    "Comments were not turned off on an Instagram post of %(account)s: "
                    "%(error)s. The app tries again every few minutes."
                )
            )
            tell_leader(crisis, subject % {"account": change.account.name, "error": error})


def media_comments_sweep() -> int:
    """Beat: turn off what active crises chose and no task has turned off yet, and turn on
    again what ended crises have not; returns how many are still to be turned on."""
    crises = (
        MediaCommentChange.objects.filter(
            Q(crisis__status=CrisisStatus.ACTIVE, turned_off_at__isnull=True)
            | Q(crisis__status=CrisisStatus.ENDED),
            enabled_before=True,
            restored_at__isnull=True,
            attempts__lt=MAX_ATTEMPTS,
        )
        .values_list("crisis_id", "crisis__status")
        .distinct()
    )
    left = 0
    for crisis_id, status in list(crises):
        if status == CrisisStatus.ACTIVE:
            media_comments_apply(crisis_id=crisis_id)
        else:
            left += media_comments_restore(crisis_id=crisis_id)
    return left
