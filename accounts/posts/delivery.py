"""Sending the outbox's actions to the Graph API: once, in order, and never while throttled.

One action at a time (``platform_action_deliver``):

1. Claim it: queued -> sending by a conditional update, only when it is due. The claim's
   time is its token; only that claim settles the row.
2. Check again what was checked when it was queued: a crisis that began since holds it for
   the crisis team (held); a sender who is no longer responsible fails it; a Page that is no
   longer connected fails it; a Page close to its rate limit puts it back until the time
   the usage header named.
3. A reply that may have reached Meta before (an earlier attempt ended without an answer, a
   claim given back after a worker died) is reconciled first: the comment's replies are
   read and the reply is sent only if the Page's reply with this text is not there, since
   the Graph API has no idempotency key.
4. Call the Graph API outside any transaction, then settle the row and its post in one.

Meta's error codes decide what follows (``graph.ErrorKind``): a token refused disconnects
the Page and tells its owner; throttling waits for ``estimated_time_to_regain_access``;
transient errors retry with backoff; a comment that no longer exists closes the post as
removed on the platform; a missing permission and anything else fail the action visibly on
the post, and whoever asked is told.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.lockout import CrisisLockout, crisis_covering, is_crisis_team
from accounts.models import (
    ActionKind,
    ActionState,
    Platform,
    PlatformAction,
    PlatformConnection,
    Post,
    PostStatus,
)
from accounts.models.platform import ACTION_ATTEMPTS
from accounts.selectors import account_owners
from moskenes_social.audit.services import event_record
from moskenes_social.notifications.services import notifications_create
from moskenes_social.people.models import User

from .crypto import token_decrypt
from .graph import ErrorKind, Graph, GraphError, GraphResult, Usage, entries
from .outbox import action_send_after_commit, platform_url
from .services import (
    platform_disconnect,
    post_answer_failed,
    post_check_may_act,
    post_removal_done,
    post_removed_on_platform,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = ACTION_ATTEMPTS[1]
# Transient errors: wait 30 s, 1, 2, 4 ... minutes, at most an hour, then fail.
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
TRANSIENT_ATTEMPTS = 8
# Pace before Meta throttles: above this share of the Page's limit, wait for the time the
# usage header names (at least a minute).
PACE_PERCENT = 90
# The permission each action needs on the Page.
PERMISSIONS = {
    ActionKind.REPLY: "pages_manage_engagement",
    ActionKind.HIDE: "pages_manage_engagement",
    ActionKind.UNHIDE: "pages_manage_engagement",
    ActionKind.DELETE: "pages_manage_engagement",
    ActionKind.PUBLISH: "pages_manage_posts",
}


def _backoff(attempts: int) -> timedelta:
    backoff: timedelta = BACKOFF_FIRST * 2 ** max(attempts - 1, 0)
    return min(backoff, BACKOFF_MAX)


def _pause(usage: Usage | None) -> timedelta:
    minutes = usage.regain_minutes if usage is not None else 0
    return timedelta(minutes=max(minutes, 1))


class _Claim:
    """One claimed action: its row as read after the claim, and the claim's token."""

    def __init__(self, action: PlatformAction, claimed_at: datetime) -> None:
        self.action = action
        self.claimed_at = claimed_at

    def settle(self, **changes: Any) -> bool:
        """Apply ``changes`` if the row is still this claim's; False if the sweep gave it
        back meanwhile (the reconciliation then decides)."""
        return (
            PlatformAction.objects.filter(
                pk=self.action.pk, state=ActionState.SENDING, claimed_at=self.claimed_at
            ).update(**changes)
            == 1
        )


def _notify(action: PlatformAction, subject: str, *, owners: bool = False) -> None:
    """Tell whoever asked (and the account's owners) that an action did not go out."""
    recipients = [action.requested_by]
    if owners:
        recipients += account_owners(account=action.account)
    if action.post_id:
        url = reverse("posts:detail", args=[action.post_id])
    elif action.crisis_id:
        url = reverse("crisis:detail", kwargs={"crisis_id": action.crisis_id})
    else:
        url = reverse("accounts:detail", args=[action.account_id])
    notifications_create(recipients=recipients, subject=subject, url=url)


def _pause_extend(connection: PlatformConnection, until: datetime) -> None:
    """Pause the sender on this connection until ``until``, never shortening a pause that
    another worker set for longer, and move the connection's queued actions to then in
    the same go, so that no sweep claims them only to put them back."""
    if PlatformConnection.objects.filter(
        Q(paused_until__isnull=True) | Q(paused_until__lt=until), pk=connection.pk
    ).update(paused_until=until):
        PlatformAction.objects.filter(
            account=connection.account_id, state=ActionState.QUEUED, not_before__lt=until
        ).update(not_before=until)


def _usage_record(connection: PlatformConnection, usage: Usage | None) -> None:
    """Keep the usage the answer's header named; close to the limit, pause. A pause ends
    by its time, not because a later call went through."""
    if usage is None:
        return
    percent = min(usage.percent, 10_000)
    if percent != connection.usage_percent:
        PlatformConnection.objects.filter(pk=connection.pk).update(usage_percent=percent)
    if percent >= PACE_PERCENT:
        _pause_extend(connection, timezone.now() + _pause(usage))


def _fail(
    claim: _Claim, *, message: str, error: GraphError | None = None, owners: bool = False
) -> str:
    action = claim.action
    with transaction.atomic():
        if not claim.settle(
            state=ActionState.FAILED,
            attempts=F("attempts") + 1,
            error_code=error.code if error else None,
            error_subcode=error.subcode if error else None,
            error_message=message[:500],
        ):
            return ActionState.SENDING
        event_record(
            actor=None,
            action="posts.platform_action_failed",
            target=action.post or action.account,
            data={
                "action": action.pk,
                "kind": action.kind,
                "code": error.code if error else None,
                "subcode": error.subcode if error else None,
            },
        )
        with override(settings.LANGUAGE_CODE):
            subject = _("Not sent to %(platform)s: %(action)s on %(account)s. %(message)s") % {
                "platform": action.account.get_platform_display(),
                "action": ActionKind(action.kind).label.lower(),
                "account": action.account.name,
                "message": message,
            }
        if action.kind == ActionKind.REPLY and action.post is not None:
            post_answer_failed(post=action.post, reason=error.kind if error else "refused")
        _notify(action, subject, owners=owners)
    return ActionState.FAILED


def _requeue(claim: _Claim, *, at: datetime, attempt: bool, error: GraphError | None = None) -> str:
    changes: dict[str, Any] = {}
    if error is not None:
        changes = {
            "error_code": error.code,
            "error_subcode": error.subcode,
            "error_message": error.message[:500],
        }
    claim.settle(
        state=ActionState.QUEUED,
        not_before=at,
        attempts=F("attempts") + (1 if attempt else 0),
        **changes,
    )
    return ActionState.QUEUED


def _on_error(claim: _Claim, connection: PlatformConnection, exc: GraphError) -> str:
    action = claim.action
    kind = exc.kind
    now = timezone.now()
    logger.info(
        "platform action %s (%s) refused: code %s/%s %s",
        action.pk,
        action.kind,
        exc.code,
        exc.subcode,
        kind,
    )
    if kind == ErrorKind.THROTTLED:
        # Not the action's fault, nor carried out: wait as long as Meta says.
        until = now + _pause(exc.usage)
        _pause_extend(connection, until)
        return _requeue(claim, at=until, attempt=False, error=exc)
    if kind == ErrorKind.TRANSIENT:
        if action.attempts + 1 >= TRANSIENT_ATTEMPTS:
            return _fail(
                claim,
                message=_("%(platform)s did not answer, after several tries.")
                % {"platform": action.account.get_platform_display()},
                error=exc,
            )
        return _requeue(claim, at=now + _backoff(action.attempts + 1), attempt=True, error=exc)
    if kind == ErrorKind.TOKEN:
        with transaction.atomic():
            if platform_disconnect(actor=None, account=action.account, reason="token"):
                subject = _(
                    "%(platform)s no longer accepts the access token of %(account)s. Connect "
                    "it again with a new token."
                ) % {
                    "account": action.account.name,
                    "platform": action.account.get_platform_display(),
                }
                _notify(action, subject, owners=True)
        return _fail(claim, message=_("The access token is invalid or expired."), error=exc)
    if kind == ErrorKind.GONE:
        with transaction.atomic():
            if action.post is not None:
                post_removed_on_platform(post=action.post)
            if action.kind == ActionKind.DELETE:
                # What was to be removed is gone: the action's purpose holds.
                claim.settle(
                    state=ActionState.DONE,
                    sent_at=now,
                    error_code=exc.code,
                    error_subcode=exc.subcode,
                )
                return ActionState.DONE
            claim.settle(
                state=ActionState.FAILED,
                attempts=F("attempts") + 1,
                error_code=exc.code,
                error_subcode=exc.subcode,
                error_message=_("The comment no longer exists on %(platform)s.")
                % {"platform": action.account.get_platform_display()},
            )
        return ActionState.FAILED
    if kind == ErrorKind.PERMISSION:
        message = _("The Page's token lacks the permission %(permission)s.") % {
            "permission": PERMISSIONS[ActionKind(action.kind)]
        }
        return _fail(claim, message=message, error=exc, owners=True)
    return _fail(
        claim,
        message=_("%(platform)s refused it: %(message)s")
        % {"platform": action.account.get_platform_display(), "message": exc.message or exc.code},
        error=exc,
    )


def _done(claim: _Claim, connection: PlatformConnection, result: GraphResult) -> str:
    action = claim.action
    now = timezone.now()
    result_id = result.data.get("id")
    result_id = result_id[:200] if isinstance(result_id, str) else ""
    with transaction.atomic():
        if not claim.settle(
            state=ActionState.DONE,
            sent_at=now,
            result_id=result_id,
            error_code=None,
            error_subcode=None,
            error_message="",
        ):
            return ActionState.SENDING
        post = action.post
        if post is not None:
            if action.kind == ActionKind.REPLY and result_id:
                Post.objects.filter(pk=post.pk, status=PostStatus.ANSWERED).update(
                    answer_url=platform_url(action.account.platform, result_id)
                )
            elif action.kind in (ActionKind.HIDE, ActionKind.UNHIDE):
                Post.objects.filter(pk=post.pk).update(
                    hidden_on_platform=action.kind == ActionKind.HIDE
                )
            elif action.kind == ActionKind.DELETE:
                post_removal_done(post=post, removed_by=action.requested_by)
        event_record(
            actor=action.requested_by,
            action="posts.platform_action_done",
            target=post or action.account,
            data={"action": action.pk, "kind": action.kind, "result_id": result_id},
        )
        _usage_record(connection, result.usage)
    return ActionState.DONE


def _already_there(
    graph: Graph, action: PlatformAction, page_id: str, *, instagram: bool
) -> GraphResult | None:
    """The account's reply (or post) with this action's text among the comment's replies
    (or on the Page's feed), if there, read page by page until found. Instagram names the
    text ``text``, Facebook ``message``."""
    if action.kind == ActionKind.PUBLISH:
        pages = graph.feed(page_id)
    elif instagram:
        pages = graph.ig_replies(action.target_id)
    else:
        pages = graph.replies(action.target_id)
    words = "text" if instagram else "message"
    for found in pages:
        for reply in entries(found):
            sender = reply.get("from")
            if (
                isinstance(sender, dict)
                and str(sender.get("id")) == page_id
                and isinstance(reply.get(words), str)
                and reply[words].strip() == action.text.strip()
            ):
                return GraphResult(data={"id": reply.get("id")}, usage=found.usage)
    return None


def _call(graph: Graph, action: PlatformAction, page_id: str, *, instagram: bool) -> GraphResult:
    """One action's call: Facebook's and Instagram's paths differ for answers and hiding."""
    if action.kind in (ActionKind.REPLY, ActionKind.PUBLISH) and action.attempts > 0:
        found = _already_there(graph, action, page_id, instagram=instagram)
        if found is not None:
            logger.info("platform action %s: it was there already", action.pk)
            return found
    if action.kind == ActionKind.REPLY:
        if instagram:
            return graph.ig_reply(action.target_id, action.text)
        return graph.reply(action.target_id, action.text)
    if action.kind in (ActionKind.HIDE, ActionKind.UNHIDE):
        hidden = action.kind == ActionKind.HIDE
        if instagram:
            return graph.ig_hide(action.target_id, hidden=hidden)
        return graph.hide(action.target_id, hidden=hidden)
    if action.kind == ActionKind.DELETE:
        return graph.delete(action.target_id)
    return graph.publish(action.target_id, action.text)


def _hold(claim: _Claim) -> str:
    """Hold the action for the crisis team that covers its account."""
    action = claim.action
    crisis = crisis_covering(account=action.account)
    with transaction.atomic():
        if claim.settle(state=ActionState.HELD, held_by_crisis=crisis):
            event_record(
                actor=None,
                action="posts.platform_action_held",
                target=action.post or action.account,
                data={"action": action.pk, "kind": action.kind},
            )
    return ActionState.HELD


def platform_action_deliver(*, action_id: int) -> str:
    """Send one due action (see the module's text). Returns the state it is left in, ""
    if it was not there to claim (sent already, not due, held, another worker has it)."""
    claimed_at = timezone.now()
    if not PlatformAction.objects.filter(
        pk=action_id, state=ActionState.QUEUED, not_before__lte=claimed_at
    ).update(state=ActionState.SENDING, claimed_at=claimed_at):
        return ""
    action = PlatformAction.objects.select_related(
        "account__connection", "post", "requested_by", "crisis"
    ).get(pk=action_id)
    claim = _Claim(action, claimed_at)
    post = action.post
    if post is not None:
        # The post's account is the action's: its audit event names it without a query.
        post.account = action.account
        if post.status == PostStatus.REMOVED and action.kind != ActionKind.DELETE:
            claim.settle(state=ActionState.CANCELLED, text="")
            return ActionState.CANCELLED
    if action.crisis is not None and not action.crisis.is_active:
        # A crisis's message is not published after the crisis.
        claim.settle(state=ActionState.CANCELLED)
        return ActionState.CANCELLED
    try:
        connection: PlatformConnection | None = action.account.connection
    except PlatformConnection.DoesNotExist:
        connection = None
    paused_until = connection.paused_until if connection is not None else None
    if paused_until is not None and paused_until > claimed_at:
        # Paused (close to the rate limit): back until then, before anything is checked.
        return _requeue(claim, at=paused_until, attempt=False)
    try:
        # The screening's hide protects a citizen and is undone only by a person's
        # decision: a crisis does not hold it back. Anything else waits for the team.
        post_check_may_act(
            actor=action.requested_by,
            account=action.account,
            crisis_active=not action.by_screening,
        )
    except CrisisLockout:
        return _hold(claim)
    except PermissionDenied:
        return _fail(
            claim, message=_("Whoever asked for it is no longer responsible for the account.")
        )
    if connection is None or not connection.is_connected:
        return _fail(
            claim,
            message=_("The account is not connected on %(platform)s.")
            % {"platform": action.account.get_platform_display()},
        )
    token = token_decrypt(connection.token_encrypted)
    if token is None:
        # The key it was stored with has been dropped: as good as a refused token.
        platform_disconnect(actor=None, account=action.account, reason="key")
        return _fail(
            claim, message=_("The stored access token cannot be read; connect the Page again.")
        )
    instagram = action.account.platform == Platform.INSTAGRAM
    graph = Graph(token=token, object_id=connection.object_id, instagram=instagram)
    try:
        result = _call(graph, action, connection.object_id, instagram=instagram)
    except GraphError as exc:
        return _on_error(claim, connection, exc)
    return _done(claim, connection, result)


def platform_outbox_sweep(*, limit: int = 200) -> int:
    """Beat "posts-outbox-sweep": give back the claims of workers that died mid-send (the
    delivery reconciles them), then deliver what is due, oldest first. Returns how many
    were delivered or failed."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PLATFORM_OUTBOX_CLAIM_TIMEOUT)
    # attempts + 1: the reply may have reached Meta, so it is reconciled before resending.
    PlatformAction.objects.filter(
        state=ActionState.SENDING, claimed_at__lt=stale, attempts__lt=MAX_ATTEMPTS
    ).update(state=ActionState.QUEUED, not_before=now, attempts=F("attempts") + 1)
    PlatformAction.objects.filter(
        state=ActionState.SENDING, claimed_at__lt=stale, attempts__gte=MAX_ATTEMPTS
    ).update(
        state=ActionState.FAILED,
        error_message=_("Gave up after %(n)d tries.") % {"n": MAX_ATTEMPTS},
    )
    # Not the actions of a paused connection: they would only be put back.
    due = list(
        PlatformAction.objects.filter(state=ActionState.QUEUED, not_before__lte=now)
        .exclude(account__connection__paused_until__gt=now)
        .order_by("not_before", "id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for action_id in due if platform_action_deliver(action_id=action_id))


@transaction.atomic
def platform_action_release(*, actor: User, action: PlatformAction, send: bool) -> bool:
    """The crisis team sends a held action or cancels it (a cancelled answer leaves its
    post waiting again). While a crisis covers the account the team member sends it in
    their own name (the lockout lets only the team through); after the crisis, whoever
    asked for it does, and their right is checked again at the send. False if it is no
    longer held (someone decided first)."""
    if not is_crisis_team(actor):
        raise PermissionDenied(_("Only the crisis team sends or cancels what a crisis held back."))
    changes: dict[str, Any] = {"state": ActionState.CANCELLED}
    if send:
        changes = {"state": ActionState.QUEUED, "not_before": timezone.now()}
        if crisis_covering(account=action.account) is not None:
            changes["requested_by"] = actor
    updated = PlatformAction.objects.filter(pk=action.pk, state=ActionState.HELD).update(
        settled_by=actor, **changes
    )
    if not updated:
        return False
    if not send and action.kind == ActionKind.REPLY and action.post is not None:
        post_answer_failed(post=action.post, reason="cancelled")
    event_record(
        actor=actor,
        action="posts.platform_action_released" if send else "posts.platform_action_cancelled",
        target=action.post or action.account,
        data={"action": action.pk, "kind": action.kind},
    )
    if send:
        transaction.on_commit(lambda: action_send_after_commit(action.pk))
    return True
