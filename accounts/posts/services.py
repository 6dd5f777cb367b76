"""Writes of posts, their handling, ingest tokens and the Facebook Page connection.

Each function runs in one transaction that also records its audit event. Status changes
are conditional updates on the source status, so two people acting at once cannot both
succeed. A post's text and author, and staff's answers and notes about it (which may
quote it), never go into an audit event or a notification: an event holds that they
changed, and their lengths.

Every service that triages, answers, closes, removes, reopens or touches an account's
integrations (tokens, Facebook Page) starts with ``_check_may_act``: the one place that
decides whether someone may act on an account's posts. Crisis mode hooks its lockout in
there, so every path (forms, the ingest API's token management, anything later) obeys it.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.lockout import (
    crisis_covering,
    crisis_lockout_enforce,
    crisis_team_acts,
    crisis_team_users,
)
from accounts.models import (
    Account,
    AccountStatus,
    ActionKind,
    ActionState,
    CloseReason,
    ConnectionStatus,
    FindingKind,
    IngestToken,
    Platform,
    PlatformAction,
    PlatformConnection,
    Post,
    PostCategory,
    PostSource,
    PostStatus,
    Responsibility,
    ResponsibilityRole,
    ScreeningStatus,
)
from accounts.models.platform import PENDING_STATES
from moskenes_social.audit.services import event_record
from moskenes_social.bounds import storable_text, time_window_check
from moskenes_social.db import insert_unless_stored
from moskenes_social.forms import reason_text
from moskenes_social.notifications.services import notifications_create
from moskenes_social.people.models import User
from moskenes_social.worktime import add_working_hours, working_hours_between
from policy.parameters import PolicyParameters
from policy.selectors import policy_in_force

from . import permissions
from .crypto import keys_configured, token_encrypt
from .graph import ErrorKind, Graph, GraphError
from .outbox import (
    OutboxError,
    action_queue,
    acts_on_platform,
    connection_of,
    platform_url,
    reply_target,
)
from .rules import Outcome, triage_rule
from .screening import Finding, findings_json, findings_summary, screen, should_hide

# Tokens start so, for secret scanners and for people to recognise them.
TOKEN_PREFIX = "msk_"  # noqa: S105 - a prefix, not a secret
MAX_TEXT_LENGTH = 20_000


class PostError(ValidationError):
    """A post operation refused for a reason the user can act on (Norwegian message)."""


# --- The one permission hook ----------------------------------------------------------------


def _check_may_act(*, actor: User, account: Account, crisis_active: bool = True) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may handle posts of ``account`` now.

    Everyone responsible for an active account (owner, responder, backup) may. While a
    crisis covers the account, only the crisis team may: anyone else is refused with
    ``CrisisLockout`` (a ``PermissionDenied`` saying so), and the team acts without being
    responsible for the account. Services that triage, answer, close, remove, reopen, or
    manage tokens and the Facebook Page call this first.
    """
    if crisis_active:
        crisis = crisis_lockout_enforce(actor=actor, account=account)
        if crisis_team_acts(crisis=crisis, account=account):
            return
    if permissions.can_act_on_posts(actor, account):
        return
    raise PermissionDenied(
        _("Only those responsible for %(account)s can handle its posts.")
        % {"account": account.name}
    )


def post_check_may_act(*, actor: User, account: Account, crisis_active: bool = True) -> None:
    """``_check_may_act`` for views and the outbox: refuses with the reason (a crisis
    lockout says so); ``crisis_active=False`` asks for the right alone."""
    _check_may_act(actor=actor, account=account, crisis_active=crisis_active)


def post_may_act(*, actor: User, account: Account) -> bool:
    """Whether ``_check_may_act`` lets ``actor`` act (for showing buttons and forms)."""
    try:
        _check_may_act(actor=actor, account=account)
    except PermissionDenied:
        return False
    return True


# --- Deadlines ------------------------------------------------------------------------------


def answer_deadline_hours(*, account: Account, policy: PolicyParameters) -> float:
    """The account's own answering deadline, else the guideline version's, in working hours."""
    if account.answer_deadline_working_hours is not None:
        return float(account.answer_deadline_working_hours)
    return policy.answer_deadline_working_hours


def post_due_at(*, account: Account, start: datetime, policy: PolicyParameters) -> datetime:
    """``start`` plus the answering deadline, counted in working hours on Norwegian working
    days (weekends, public holidays and the guideline's half days respected)."""
    return add_working_hours(
        start, answer_deadline_hours(account=account, policy=policy), working_day=policy.working_day
    )


def reminder_time(
    *, due_at: datetime, after_working_hours: float, policy: PolicyParameters
) -> datetime:
    """When a reminder stage is sent: ``after_working_hours`` of working time past the due
    time; the first stage (0 hours) at the due time itself."""
    if after_working_hours <= 0:
        return due_at
    return add_working_hours(due_at, after_working_hours, working_day=policy.working_day)


def _schedule(*, account: Account, start: datetime, policy: PolicyParameters) -> dict[str, Any]:
    """The fields that start a post's wait at ``start``: its due time and first reminder."""
    due = post_due_at(account=account, start=start, policy=policy)
    first = policy.reminder_stages[0] if policy.reminder_stages else None
    return {
        "due_at": due,
        "next_reminder_at": (
            reminder_time(due_at=due, after_working_hours=first.after_working_hours, policy=policy)
            if first
            else None
        ),
        "next_reminder_stage": first.code if first else "",
    }


_STOP_REMINDERS: dict[str, Any] = {"next_reminder_at": None, "next_reminder_stage": ""}


# --- Receiving posts ------------------------------------------------------------------------


def _posted_at_check(posted_at: datetime) -> None:
    """Refuse a time outside the window of ``moskenes_social.bounds`` (Norwegian)."""
    try:
        time_window_check(posted_at)
    except ValidationError as exc:
        raise PostError({"posted_at": exc.messages}) from None


def _clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise PostError({"text": _("The post has no text.")})
    if len(text) > MAX_TEXT_LENGTH:
        raise PostError(
            {"text": _("The text is longer than %(max)d characters.") % {"max": MAX_TEXT_LENGTH}}
        )
    return text


def _create(
    *,
    account: Account,
    source: str,
    platform_id: str,
    author: str,
    text: str,
    url: str,
    posted_at: datetime,
    registered_by: User | None,
    policy: PolicyParameters | None = None,
    parent_platform_id: str = "",
) -> Post | None:
    """Insert an open post with its deadline (``policy``: the guideline version in force,
    read here unless given) and record its audit event; None (nothing written) if the
    account already has a post with the platform id."""
    now = timezone.now()
    if policy is None:
        policy = policy_in_force()
    schedule = _schedule(account=account, start=posted_at, policy=policy)
    # Screened before it is shown to anyone: what matches is marked in the same insert.
    findings = screen(text, policy.screening)
    marks: dict[str, Any] = (
        {
            "screening": ScreeningStatus.FLAGGED,
            "findings": findings_json(findings),
            "screened_at": now,
        }
        if findings
        else {}
    )
    post = Post(
        account=account,
        source=source,
        platform_id=platform_id,
        author=author.strip()[:200],
        text=text,
        url=url.strip(),
        posted_at=posted_at,
        received_at=now,
        registered_by=registered_by,
        parent_platform_id=parent_platform_id,
        **schedule,
        **marks,
    )
    # The unique constraint ``posts_one_per_platform_id`` decides: a replay arriving at
    # the same moment is not stored twice.
    inserted = insert_unless_stored([post], returning=["id"])
    if not inserted:
        return None
    post.pk = inserted[0][0]
    # As ``save()`` leaves an inserted instance: its later saves are updates.
    post._state.adding, post._state.db = False, Post.objects.db
    event_record(
        actor=registered_by,
        action="posts.post_received",
        target=post,
        data={
            "source": source,
            "platform_id": platform_id,
            "account": account.pk,
            "due_at": post.due_at.isoformat(),
        },
    )
    if findings:
        _screening_follow_up(post=post, findings=findings, policy=policy, actor=registered_by)
    return post


# --- Screening for sensitive information ----------------------------------------------------


def _hide_pending(post: Post) -> bool:
    """Whether a hide of the post is on its way (queued, being sent, or held)."""
    return PlatformAction.objects.filter(
        post=post, kind=ActionKind.HIDE, state__in=PENDING_STATES
    ).exists()


def _screening_recipients(
    *, post: Post, rows: list[Responsibility], actor: User | None
) -> list[User]:
    """Who is told at once: the account's owners and responders (its backups if it has no
    responders); while a crisis covers the account, the crisis team too, who alone may act
    on it. Not whoever registered the post (they see it)."""

    def holders(role: ResponsibilityRole) -> list[User]:
        return [r.user for r in rows if r.role == role and r.user.is_active]

    people = holders(ResponsibilityRole.OWNER) + (
        holders(ResponsibilityRole.RESPONDER) or holders(ResponsibilityRole.BACKUP)
    )
    if crisis_covering(account=post.account) is not None:
        people += list(crisis_team_users().order_by("id"))
    return [user for user in people if actor is None or user.pk != actor.pk]


def _screening_follow_up(
    *,
    post: Post,
    findings: list[Finding],
    policy: PolicyParameters,
    actor: User | None,
    edited: bool = False,
) -> bool:
    """A post the screening marked: hide it on the platform at once where the version in
    force says so and the account is connected (the outbox, as a responder's triage does;
    reversible), record that it was screened (its kinds, never what matched), and tell
    those who decide. Returns whether a hide was queued. In the caller's transaction."""
    rows = list(
        Responsibility.objects.filter(account=post.account, ended_at__isnull=True)
        .select_related("user")
        .order_by("id")
    )
    hide = False
    if policy.screening.hide_at_once and should_hide(findings) and not post.hidden_on_platform:
        connection = connection_of(post.account)
        if acts_on_platform(post, connection) and not _hide_pending(post):
            assert connection is not None  # noqa: S101 - acts_on_platform says so
            # In the name of the account's owner (the Page's token acts for the account),
            # else of whoever connected it; the delivery checks their right as for anyone.
            owners = [r.user for r in rows if r.role == ResponsibilityRole.OWNER]
            requester = owners[0] if owners else connection.connected_by
            action_queue(
                account=post.account,
                post=post,
                kind=ActionKind.HIDE,
                target_id=post.platform_id,
                actor=requester,
                by_screening=True,
            )
            hide = True
    event_record(
        actor=None,
        action="posts.post_screened",
        target=post,
        data={
            "findings": findings_summary(findings_json(findings)),
            "hide": hide,
            "edited": edited,
        },
    )
    with override(settings.LANGUAGE_CODE):
        kinds = list(dict.fromkeys(str(FindingKind(f.kind).label).lower() for f in findings))
        platform = post.account.get_platform_display()
        subject = _("Possibly sensitive information in a post on %(account)s") % {
            "account": post.account.name
        }
        body = _("The screening found: %(kinds)s.") % {"kinds": ", ".join(kinds)}
        if hide:
            body += " " + _("The comment is being hidden on %(platform)s.") % {"platform": platform}
        body += " " + _(
            "Read it in the app and decide: remove it, or show it again if it is a false match."
        )
    notifications_create(
        recipients=_screening_recipients(post=post, rows=rows, actor=actor),
        subject=subject,
        body=body,
        url=reverse("posts:detail", args=[post.pk]),
    )
    return hide


def _flagged_refusal(post: Post) -> PostError:
    return PostError(
        _(
            "The post may hold sensitive information. Remove it, or mark it as not sensitive, "
            "before it is answered or closed."
        )
    )


@transaction.atomic
def post_screening_dismiss(*, actor: User, post: Post, reason: str) -> Post:
    """A person decides that a post the screening marked is not sensitive (a false match):
    the mark is settled with their reason, and where the comment was hidden on the
    platform it is shown again (a hide still waiting is cancelled). Then the post is
    handled as any other."""
    _check_may_act(actor=actor, account=post.account)
    reason = reason_text(reason)
    if not reason:
        raise PostError({"reason": _("Say why the post is not sensitive.")})
    current = Post.objects.select_related("account").get(pk=post.pk)
    if current.screening != ScreeningStatus.FLAGGED or current.status == PostStatus.REMOVED:
        raise PostError(_("Only a post marked as possibly sensitive can be marked as not so."))
    now = timezone.now()
    updated = (
        Post.objects.filter(pk=current.pk, screening=ScreeningStatus.FLAGGED)
        .exclude(status=PostStatus.REMOVED)
        .update(
            screening=ScreeningStatus.DISMISSED,
            screening_decided_at=now,
            screening_decided_by=actor,
            screening_reason=reason,
        )
    )
    if updated != 1:
        raise PostError(_("The post changed meanwhile; reload the page and try again."))
    cancelled = PlatformAction.objects.filter(
        post=current, kind=ActionKind.HIDE, state__in=(ActionState.QUEUED, ActionState.HELD)
    ).update(state=ActionState.CANCELLED, settled_by=actor)
    sending = PlatformAction.objects.filter(
        post=current, kind=ActionKind.HIDE, state=ActionState.SENDING
    ).exists()
    unhide = (current.hidden_on_platform or sending) and acts_on_platform(
        current, connection_of(current.account)
    )
    if unhide:
        _queue(post=current, kind=ActionKind.UNHIDE, actor=actor)
    for field, value in (
        ("screening", ScreeningStatus.DISMISSED),
        ("screening_decided_at", now),
        ("screening_decided_by", actor),
        ("screening_reason", reason),
    ):
        setattr(post, field, value)
    # The reason is on the post (blanked if it is removed), not in the append-only log.
    event_record(
        actor=actor,
        action="posts.post_screening_dismissed",
        target=current,
        data={"reason_chars": len(reason), "hide_cancelled": bool(cancelled), "unhide": unhide},
    )
    return post


@transaction.atomic
def post_register(
    *,
    actor: User,
    account: Account,
    author: str,
    text: str,
    url: str = "",
    posted_at: datetime,
    platform_id: str = "",
) -> Post:
    """A responder registers by hand a post seen on an account they answer for.

    Registering is not handling: it stays open to those responsible even when they may not
    answer (crisis mode), so that no post is lost.
    """
    if not permissions.can_register_post(actor, account):
        raise PermissionDenied(
            _("Only those responsible for %(account)s can register its posts.")
            % {"account": account.name}
        )
    if account.status != AccountStatus.ACTIVE:
        raise PostError(_("Posts can be registered on active accounts only."))
    _posted_at_check(posted_at)
    platform_id = platform_id.strip()
    if platform_id and Post.objects.filter(account=account, platform_id=platform_id).exists():
        raise PostError({"platform_id": _("A post with this id is already registered.")})
    post = _create(
        account=account,
        source=PostSource.MANUAL,
        platform_id=platform_id,
        author=author,
        text=_clean_text(text),
        url=url,
        posted_at=posted_at,
        registered_by=actor,
    )
    if post is None:
        # Stored a moment ago by someone else.
        raise PostError({"platform_id": _("A post with this id is already registered.")})
    return post


def post_ingest(
    *,
    account: Account,
    platform_id: str,
    author: str,
    text: str,
    url: str,
    posted_at: datetime,
    source: str,
    policy: PolicyParameters | None = None,
    parent_platform_id: str = "",
) -> tuple[Post, bool]:
    """Store a post delivered by an integration (API or webhook); ``(post, created)``.
    ``policy`` is the guideline version in force, if the caller has read it already (the
    webhook, with the account); else it is read here.

    Idempotent on the platform id: a replayed delivery returns the stored post and changes
    nothing (not even a post since removed as sensitive: its text stays gone). A time
    before 2004 is refused; one in the future is taken as now.

    Everything is checked before anything is written, so a refusal (``PostError``) leaves
    the caller's transaction usable: the webhook stores the posts of one delivery in one
    transaction without a savepoint for each. New post: the guideline version in force,
    the insert and the audit event; a replay: the guideline version, the insert that does
    nothing and the stored post.
    """
    platform_id = platform_id.strip()
    if not platform_id:
        raise PostError({"id": _("The post has no id.")})
    if source not in (PostSource.API, PostSource.FACEBOOK, PostSource.INSTAGRAM):
        raise PostError(_("Unknown source."))
    if account.status != AccountStatus.ACTIVE:
        existing = Post.objects.filter(account=account, platform_id=platform_id).first()
        if existing is not None:
            return existing, False
        raise PostError(_("The account is not active and takes no posts."))
    # A time in the future is taken as now; one before the window is refused.
    posted_at = min(posted_at, timezone.now())
    _posted_at_check(posted_at)
    text = _clean_text(text)
    with transaction.atomic(savepoint=False):
        post = _create(
            account=account,
            source=source,
            platform_id=platform_id,
            author=author,
            text=text,
            url=url,
            posted_at=posted_at,
            registered_by=None,
            policy=policy,
            parent_platform_id=parent_platform_id[:200],
        )
        if post is None:
            return Post.objects.get(account=account, platform_id=platform_id), False
    return post, True


def posts_postpone(*, posts: QuerySet[Post], by: timedelta) -> list[int]:
    """Move the due time and the next reminder of the open ones among ``posts`` forward by
    ``by``, in one update; returns their ids. Crisis mode calls it when a crisis ends: the
    time the responders could not answer is given back, so no burst of overdue reminders
    follows. The caller records the audit event (one for all)."""
    ids = list(posts.filter(status=PostStatus.OPEN).values_list("id", flat=True))
    if ids:
        Post.objects.filter(id__in=ids, status=PostStatus.OPEN).update(
            due_at=F("due_at") + by, next_reminder_at=F("next_reminder_at") + by
        )
    return ids


# --- Handling -------------------------------------------------------------------------------


def _transition(
    post: Post, *, source: tuple[str, ...], message: str, where: Q | None = None, **changes: Any
) -> None:
    """Apply ``changes`` if the post is still in one of the ``source`` statuses (and matches
    ``where``); refuse with ``message`` otherwise (someone else acted first). Updates
    ``post`` in memory."""
    rows = Post.objects.filter(pk=post.pk, status__in=source)
    if where is not None:
        rows = rows.filter(where)
    updated = rows.update(**changes)
    if updated != 1:
        raise PostError(message)
    for field, value in changes.items():
        setattr(post, field, value)


@transaction.atomic
def post_triage(*, actor: User, post: Post, category: str, expects_answer: bool) -> Post:
    """Say what a post is about; the guideline decides what follows.

    A category the guideline always answers is marked as expecting an answer whatever was
    chosen; a topic not to comment is closed without comment; sensitive information waits
    for removal (it is not answered); a post that expects no answer is closed.
    """
    _check_may_act(actor=actor, account=post.account)
    if category not in PostCategory.values:
        raise PostError({"category": _("Choose a category from the list.")})
    rule = triage_rule(category=category, expects_answer=expects_answer, policy=policy_in_force())
    expects = rule.answer_required or (expects_answer and not rule.removes and not rule.closes)
    now = timezone.now()
    changes: dict[str, Any] = {
        "category": category,
        "expects_answer": expects,
        "triaged_at": now,
        "triaged_by": actor,
    }
    if rule.removes and post.screening == ScreeningStatus.FLAGGED:
        # Triaged as sensitive: a person has decided what the screening asked.
        changes["screening"] = ScreeningStatus.CONFIRMED
    if rule.closes:
        reason = (
            CloseReason.NOT_COMMENTED
            if rule.outcome == Outcome.NOT_COMMENTED
            else CloseReason.NO_ANSWER_EXPECTED
        )
        changes.update(
            status=PostStatus.CLOSED,
            close_reason=reason,
            closed_at=now,
            closed_by=actor,
            **_STOP_REMINDERS,
        )
    _transition(
        post,
        source=(PostStatus.OPEN,),
        message=_("Only a post that awaits an answer can be triaged."),
        **changes,
    )
    # Sensitive information: hidden on the Page at once (reversible) until it is removed.
    hide = (
        rule.removes
        and not post.hidden_on_platform
        and acts_on_platform(post, connection_of(post.account))
        and not _hide_pending(post)
    )
    if hide:
        _queue(post=post, kind=ActionKind.HIDE, actor=actor)
    event_record(
        actor=actor,
        action="posts.post_triaged",
        target=post,
        # No reason: the responder gives none. What the guideline advises is part of what
        # was done, and the log shows it with the action.
        data={
            "category": category,
            "expects_answer": expects,
            "outcome": rule.outcome.value,
            "advice": str(rule.outcome.label),
            "rule": rule.rule_code,
            "closed": rule.closes,
            "hidden_on_platform": hide,
        },
    )
    return post


def _answer_hours(post: Post, *, at: datetime, policy: PolicyParameters) -> float:
    return round(working_hours_between(post.posted_at, at, working_day=policy.working_day), 2)


@transaction.atomic
def post_answer(*, actor: User, post: Post, text: str, url: str = "") -> Post:
    """Answer a post; reminders stop. Where the account is connected to its Page and the
    post is a comment there, the answer is sent as a reply through the outbox (the post is
    answered now; a reply that fails for good opens it again, ``post_answer_failed``);
    otherwise it records an answer given on the platform by hand, with a link to it."""
    _check_may_act(actor=actor, account=post.account)
    text = text.strip()
    if not text:
        raise PostError({"text": _("Write the answer.")})
    if (
        post.category
        and triage_rule(
            category=post.category, expects_answer=True, policy=policy_in_force()
        ).removes
    ):
        raise PostError(_("A post with sensitive information is removed, not answered."))
    if post.is_flagged:
        raise _flagged_refusal(post)
    on_platform = acts_on_platform(post, connection_of(post.account))
    url = "" if on_platform else url.strip()
    now = timezone.now()
    late = post.due_at < now
    _transition(
        post,
        source=(PostStatus.OPEN,),
        message=_("Only a post that awaits an answer can be answered."),
        where=~Q(screening=ScreeningStatus.FLAGGED),
        status=PostStatus.ANSWERED,
        answered_at=now,
        answered_by=actor,
        answer_text=text,
        answer_url=url,
        **_STOP_REMINDERS,
    )
    if on_platform:
        _queue(post=post, kind=ActionKind.REPLY, actor=actor, text=text)
    event_record(
        actor=actor,
        action="posts.post_answered",
        target=post,
        data={
            "late": late,
            "due_at": post.due_at.isoformat(),
            "working_hours": _answer_hours(post, at=now, policy=policy_in_force()),
            # That an answer was given and how long, never its words (it may quote the post).
            "answer_chars": len(text),
            "answer_url": url,
            "sent_to_platform": on_platform,
        },
    )
    return post


def _queue(*, post: Post, kind: str, actor: User, text: str = "") -> None:
    try:
        action_queue(
            account=post.account,
            post=post,
            kind=kind,
            target_id=reply_target(post) if kind == ActionKind.REPLY else post.platform_id,
            actor=actor,
            text=text,
        )
    except OutboxError as exc:
        raise PostError(str(exc)) from None


def post_answer_failed(*, post: Post, reason: str) -> bool:
    """A reply the platform refused for good: the answered post waits again with the
    deadline it had (the citizen got no answer), and its reminders resume. Called by the
    outbox in its transaction; False if the post is no longer answered."""
    policy = policy_in_force()
    # The deadline it had: from its arrival, or from its reopening (``post_reopen``).
    schedule = _schedule(
        account=post.account, start=post.reopened_at or post.posted_at, policy=policy
    )
    updated = Post.objects.filter(pk=post.pk, status=PostStatus.ANSWERED).update(
        status=PostStatus.OPEN,
        answered_at=None,
        answered_by=None,
        answer_text="",
        answer_url="",
        **schedule,
    )
    if updated:
        event_record(
            actor=None,
            action="posts.post_answer_failed",
            target=post,
            data={"reason": reason},
        )
    return bool(updated)


@transaction.atomic
def post_close(*, actor: User, post: Post, reason: str, note: str = "") -> Post:
    """Close a post without an answer, for a reason from the guideline's list.

    Refused for a post the guideline always answers (unless it is a duplicate), for
    sensitive information (it is removed instead), and "not commented" only for a topic
    the guideline says not to comment.
    """
    _check_may_act(actor=actor, account=post.account)
    if reason not in CloseReason.values:
        raise PostError({"reason": _("Choose a reason from the list.")})
    policy = policy_in_force()
    if post.category:
        rule = triage_rule(category=post.category, expects_answer=True, policy=policy)
        if rule.removes:
            raise PostError(_("A post with sensitive information is removed, not closed."))
        if rule.answer_required and reason != CloseReason.DUPLICATE:
            raise PostError(
                {
                    "reason": _(
                        "The guideline says a post of this kind (%(category)s) is always answered."
                    )
                    % {"category": PostCategory(post.category).label.lower()}
                }
            )
    if reason == CloseReason.NOT_COMMENTED and not (
        post.category
        and triage_rule(category=post.category, expects_answer=False, policy=policy).outcome
        == Outcome.NOT_COMMENTED
    ):
        raise PostError(
            {
                "reason": _(
                    "Only a topic the guideline says not to comment (rumours and "
                    "speculation) is closed for that reason. Triage the post first."
                )
            }
        )
    if post.is_flagged:
        raise _flagged_refusal(post)
    now = timezone.now()
    _transition(
        post,
        source=(PostStatus.OPEN,),
        message=_("Only a post that awaits an answer can be closed."),
        where=~Q(screening=ScreeningStatus.FLAGGED),
        status=PostStatus.CLOSED,
        close_reason=reason,
        close_note=reason_text(note),
        closed_at=now,
        closed_by=actor,
        **_STOP_REMINDERS,
    )
    event_record(
        actor=actor,
        action="posts.post_closed",
        target=post,
        reason=str(CloseReason(reason).label),
        data={"close_reason": reason, "note_chars": len(reason_text(note))},
    )
    return post


# A removed post keeps that it existed, its account and category, who removed it and when.
def _removal(*, removed_by: User | None, on_platform: bool) -> dict[str, Any]:
    return {
        "status": PostStatus.REMOVED,
        "category": PostCategory.SENSITIVE if removed_by is not None else F("category"),
        "expects_answer": False,
        "text": "",
        "author": "",
        "url": "",
        # Staff's words about the post may quote it: they go too.
        "answer_text": "",
        "close_note": "",
        "reopen_reason": "",
        # What the screening found says what the post was about; why it was dismissed
        # may quote it.
        "findings": None,
        "screening_reason": "",
        # Removed by a person: what the screening asked is decided.
        "screening": (
            Case(
                When(screening=ScreeningStatus.FLAGGED, then=Value(ScreeningStatus.CONFIRMED)),
                default=F("screening"),
            )
            if removed_by is not None
            else F("screening")
        ),
        "removed_at": timezone.now(),
        "removed_by": removed_by,
        "removed_on_platform": on_platform,
        "hidden_on_platform": False,
        **_STOP_REMINDERS,
    }


def _blank(post: Post, *, removed_by: User | None, on_platform: bool) -> bool:
    """Blank the post and the words of its actions; False if it was removed already."""
    changes = _removal(removed_by=removed_by, on_platform=on_platform)
    updated = Post.objects.filter(
        pk=post.pk, status__in=(PostStatus.OPEN, PostStatus.ANSWERED, PostStatus.CLOSED)
    ).update(**changes)
    if not updated:
        return False
    # Staff's answers to it, sent or not: nothing of it is pending any more (the delivery
    # drops what still waits on a removed post).
    PlatformAction.objects.filter(post=post).exclude(state__in=PENDING_STATES).update(text="")
    post.refresh_from_db()
    return True


@transaction.atomic
def post_remove_sensitive(*, actor: User, post: Post) -> Post:
    """Remove a post with sensitive information: from the Page (through the outbox) where
    the account is connected, and then our copy is blanked (``post_removal_done``);
    otherwise it records that it was removed from the platform by hand and blanks our copy
    at once, staff's answer and notes included: what remains is that it existed, its
    account, its category (sensitive), who removed it and when. Final."""
    _check_may_act(actor=actor, account=post.account)
    current = Post.objects.select_related("account").get(pk=post.pk)
    if current.status == PostStatus.REMOVED:
        raise PostError(_("The post is already removed."))
    if acts_on_platform(current, connection_of(current.account)):
        # Answers still waiting to go out never will.
        PlatformAction.objects.filter(
            post=current, kind=ActionKind.REPLY, state__in=(ActionState.QUEUED, ActionState.HELD)
        ).update(state=ActionState.CANCELLED, settled_by=actor, text="")
        _queue(post=current, kind=ActionKind.DELETE, actor=actor)
        Post.objects.filter(pk=current.pk, screening=ScreeningStatus.FLAGGED).update(
            screening=ScreeningStatus.CONFIRMED
        )
        event_record(actor=actor, action="posts.post_removal_requested", target=current)
        return current
    if not _blank(current, removed_by=actor, on_platform=False):
        raise PostError(_("The post is already removed."))
    event_record(actor=actor, action="posts.post_removed", target=current)
    return current


def post_removal_done(*, post: Post, removed_by: User) -> bool:
    """The outbox removed the comment from the Page: blank our copy (in its transaction)."""
    if not _blank(post, removed_by=removed_by, on_platform=True):
        return False
    event_record(actor=removed_by, action="posts.post_removed", target=post)
    return True


def post_removed_on_platform(*, post: Post) -> bool:
    """The comment is gone from the platform (its author or Facebook removed it, or the
    Graph API says it no longer exists): the post is closed as removed there, by nobody
    in the app, and blanked like a removal. False if it was removed already."""
    if not _blank(post, removed_by=None, on_platform=True):
        return False
    event_record(actor=None, action="posts.post_removed_on_platform", target=post)
    return True


@transaction.atomic
def post_reopen(*, actor: User, post: Post, reason: str) -> Post:
    """Open an answered or closed post again (the citizen wrote back, the answer was
    wrong): a new deadline counts from now and the reminders start over. The earlier
    answer or closing stays in the post's log."""
    _check_may_act(actor=actor, account=post.account)
    reason = reason_text(reason)
    if not reason:
        raise PostError({"reason": _("Give a reason for reopening the post.")})
    current = Post.objects.select_related("account").get(pk=post.pk)
    if current.status not in (PostStatus.ANSWERED, PostStatus.CLOSED):
        raise PostError(_("Only an answered or closed post can be reopened."))
    now = timezone.now()
    before = {
        "status": current.status,
        "answer_chars": len(current.answer_text),
        "answer_url": current.answer_url,
        "answered_at": current.answered_at.isoformat() if current.answered_at else None,
        "close_reason": current.close_reason,
        "closed_at": current.closed_at.isoformat() if current.closed_at else None,
    }
    _transition(
        post,
        source=(current.status,),
        message=_("The post changed meanwhile; reload the page and try again."),
        status=PostStatus.OPEN,
        answered_at=None,
        answered_by=None,
        answer_text="",
        answer_url="",
        close_reason="",
        close_note="",
        closed_at=None,
        closed_by=None,
        reopened_at=now,
        reopened_by=actor,
        reopen_reason=reason,
        reopen_count=current.reopen_count + 1,
        **_schedule(account=current.account, start=now, policy=policy_in_force()),
    )
    # The reason is on the post (blanked if it is removed), not in the append-only log.
    event_record(
        actor=actor,
        action="posts.post_reopened",
        target=post,
        data={**before, "reason_chars": len(reason)},
    )
    return post


# --- Integrations: ingest tokens and the Facebook Page --------------------------------------


def _check_may_manage(*, actor: User, account: Account, crisis_active: bool = True) -> None:
    _check_may_act(actor=actor, account=account, crisis_active=crisis_active)
    if not permissions.can_manage_integrations(actor, account):
        raise PermissionDenied(_("Only the owner of the account can manage its integrations."))


def integrations_check_may_manage(*, actor: User, account: Account) -> None:
    """``_check_may_manage`` for views: refuses with the reason (a crisis lockout says so)."""
    _check_may_manage(actor=actor, account=account)


def integrations_may_manage(*, actor: User, account: Account, crisis_active: bool = True) -> bool:
    """Whether ``actor`` may manage the account's tokens and Facebook Page (for pages).

    ``crisis_active=False``: the page already knows that no crisis is active (its banner,
    read in the same request), so the crisis lockout is not looked up again. Only for
    showing or hiding; the services that change anything always look."""
    try:
        _check_may_manage(actor=actor, account=account, crisis_active=crisis_active)
    except PermissionDenied:
        return False
    return True


def token_hash(raw: str) -> str:
    """The stored form of a token: its SHA-256 (the token itself is 256 random bits)."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def ingest_token_create(
    *, actor: User, account: Account, name: str = ""
) -> tuple[IngestToken, str]:
    """A new token for the account's ingest API; returns the row and the token itself,
    which is shown once and never stored."""
    _check_may_manage(actor=actor, account=account)
    name = name.strip() or _("Token")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = IngestToken.objects.create(
        account=account,
        name=name[:100],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(raw),
        created_by=actor,
    )
    event_record(
        actor=actor,
        action="posts.ingest_token_created",
        target=account,
        data={"token": token.pk, "name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def ingest_token_revoke(*, actor: User, token: IngestToken) -> IngestToken:
    """Revoke a token: the ingest API refuses it from now on. The row stays as history."""
    _check_may_manage(actor=actor, account=token.account)
    now = timezone.now()
    updated = IngestToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    if updated != 1:
        raise PostError(_("The token is already revoked."))
    token.revoked_at = now
    token.revoked_by = actor
    event_record(
        actor=actor,
        action="posts.ingest_token_revoked",
        target=token.account,
        data={"token": token.pk, "name": token.name, "prefix": token.prefix},
    )
    return token


def ingest_token_mark_used(*, token: IngestToken) -> None:
    """Note when a token was last used (shown to the owner); not audited."""
    IngestToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


@transaction.atomic
def account_facebook_page_set(*, actor: User, account: Account, page_id: str) -> Account:
    """Connect the account to its Facebook Page (the page's numeric id), or disconnect it
    with an empty id; the page's comment events then become posts of the account."""
    _check_may_manage(actor=actor, account=account)
    page_id = page_id.strip()
    if page_id and account.platform != Platform.FACEBOOK:
        raise PostError({"page_id": _("Only a Facebook account can be connected to a page.")})
    if page_id and not page_id.isdigit():
        raise PostError({"page_id": _("A Facebook Page id consists of digits only.")})
    new_value = page_id or None
    if account.facebook_page_id == new_value:
        return account
    before = account.facebook_page_id
    try:
        with transaction.atomic():
            Account.objects.filter(pk=account.pk).update(facebook_page_id=new_value)
    except IntegrityError as exc:
        raise PostError(
            {"page_id": _("Another account is already connected to this Facebook Page.")}
        ) from exc
    account.facebook_page_id = new_value
    event_record(
        actor=actor,
        action="posts.facebook_page_set",
        target=account,
        data={"before": before, "after": new_value},
    )
    return account


# --- The connection to the Page: acting on Facebook -----------------------------------------

MAX_ACCESS_TOKEN_LENGTH = 1_000


def _graph_refusal(exc: GraphError) -> str:
    """What a refused connection means for the owner, by Meta's error code."""
    kind = exc.kind
    if kind == ErrorKind.TOKEN:
        return _("Facebook does not accept the access token: it is wrong, expired or revoked.")
    if kind == ErrorKind.PERMISSION:
        return _(
            "The token lacks a permission on the Page (Facebook says: %(message)s). It needs "
            "pages_manage_engagement, pages_read_engagement, pages_manage_metadata and, to "
            "publish, pages_manage_posts."
        ) % {"message": exc.message or exc.code}
    if kind == ErrorKind.GONE:
        return _("Facebook knows no Page with this id that the token may read.")
    if kind in (ErrorKind.THROTTLED, ErrorKind.TRANSIENT):
        return _("Facebook did not answer now. Try again in a few minutes.")
    return _("Facebook refused the connection: %(message)s") % {"message": exc.message or exc.code}


def access_token_check(token: str) -> None:
    """Refuse (``PostError``) a pasted token that cannot be one, or one the app could not
    store for want of a key."""
    if (
        not token
        or len(token) > MAX_ACCESS_TOKEN_LENGTH
        or not token.isascii()
        or any(c.isspace() for c in token)
    ):
        raise PostError(
            {"token": _("An access token is one word of letters and digits, as Meta gave it.")}
        )
    if not keys_configured():
        raise PostError(
            _("The app has no key to store tokens with (PLATFORM_TOKEN_KEYS). Ask the operator.")
        )


def platform_connect(*, actor: User, account: Account, page_id: str, token: str) -> Account:
    """Connect the account to its Facebook Page with a Page access token: the token is
    checked against the Page (``GET /{page-id}``), the app subscribes to the Page's feed
    (``POST /{page-id}/subscribed_apps``), and the token is stored encrypted, never shown
    again. The Graph API is called before the transaction that stores anything."""
    _check_may_manage(actor=actor, account=account)
    page_id, token = page_id.strip(), token.strip()
    if account.platform != Platform.FACEBOOK:
        raise PostError({"page_id": _("Only a Facebook account can be connected to a page.")})
    if not page_id.isdigit() or len(page_id) > 64:
        raise PostError({"page_id": _("A Facebook Page id consists of digits only.")})
    access_token_check(token)
    if Account.objects.filter(facebook_page_id=page_id).exclude(pk=account.pk).exists():
        raise PostError(
            {"page_id": _("Another account is already connected to this Facebook Page.")}
        )
    graph = Graph(token=token, object_id=page_id)
    try:
        page = graph.page(page_id)
        graph.subscribe(page_id)
    except GraphError as exc:
        raise PostError({"token": _graph_refusal(exc)}) from None
    if str(page.data.get("id")) != page_id:
        raise PostError({"token": _("The token belongs to another Page than this id.")})
    name = page.data.get("name")
    name = name[:200] if isinstance(name, str) and storable_text(name) else ""
    with transaction.atomic():
        account_facebook_page_set(actor=actor, account=account, page_id=page_id)
        PlatformConnection.objects.update_or_create(
            account=account,
            defaults={
                "object_id": page_id,
                "name": name,
                "token_encrypted": token_encrypt(token),
                "status": ConnectionStatus.CONNECTED,
                "connected_by": actor,
                "connected_at": timezone.now(),
                "disconnected_at": None,
                "disconnect_reason": "",
                "usage_percent": 0,
                "paused_until": None,
            },
        )
        # Never the token, nor a part of it.
        event_record(
            actor=actor,
            action="posts.platform_connected",
            target=account,
            data={"page_id": page_id, "name": name},
        )
    return account


@transaction.atomic
def platform_disconnect(*, actor: User | None, account: Account, reason: str = "owner") -> bool:
    """Forget the Page's token: the app stops acting on the Page (the webhook still brings
    its comments). ``actor`` None: the platform refused the token (code 190). False if the
    account was not connected."""
    if actor is not None:
        _check_may_manage(actor=actor, account=account)
    updated = PlatformConnection.objects.filter(
        account=account, status=ConnectionStatus.CONNECTED
    ).update(
        status=ConnectionStatus.DISCONNECTED,
        token_encrypted="",
        disconnected_at=timezone.now(),
        disconnect_reason=reason,
    )
    if updated:
        event_record(
            actor=actor,
            action="posts.platform_disconnected",
            target=account,
            data={"reason": reason},
        )
    return bool(updated)


# --- What comes back from the Page (the webhook) --------------------------------------------


def _reply_echo(*, account: Account, comment_id: str, parent_id: str, message: str) -> bool:
    """Our reply's echo: confirm its outbox row. A reply whose answer was lost (sending,
    or queued again after an error) is settled by its echo, so it is never sent twice."""
    if PlatformAction.objects.filter(
        account=account, kind=ActionKind.REPLY, result_id=comment_id
    ).exists():
        return True
    waiting = (
        PlatformAction.objects.filter(
            account=account,
            kind=ActionKind.REPLY,
            target_id=parent_id,
            state__in=(ActionState.SENDING, ActionState.QUEUED),
        )
        .order_by("created_at", "id")
        .select_related("post", "requested_by")
    )
    for action in waiting:
        if action.text.strip() != message.strip():
            continue
        if PlatformAction.objects.filter(pk=action.pk, state=action.state).update(
            state=ActionState.DONE, sent_at=timezone.now(), result_id=comment_id, error_message=""
        ):
            if action.post is not None:
                Post.objects.filter(pk=action.post.pk, status=PostStatus.ANSWERED).update(
                    answer_url=platform_url(account.platform, comment_id)
                )
            event_record(
                actor=action.requested_by,
                action="posts.platform_action_done",
                target=action.post or account,
                data={"action": action.pk, "kind": action.kind, "result_id": comment_id},
            )
        return True
    return False


def post_platform_event(
    *, account: Account, verb: str, comment_id: str, parent_id: str, message: str
) -> str:
    """Apply what the Page's webhook says about a stored comment; returns what it did
    ("echo", "answered", "edited", "removed", or "" for nothing), in the caller's
    transaction.

    - The Page's own reply: our outbox's echo confirms its row; a reply made directly on
      Facebook marks the citizen's open post as answered there, by the Page, with its text
      (shown to the crisis team during a crisis).
    - A citizen's edit updates the post's text and keeps that it was edited.
    - A removal (by its author or Facebook) closes the post as removed on the platform.
    """
    if verb == "page_reply":
        if _reply_echo(
            account=account, comment_id=comment_id, parent_id=parent_id, message=message
        ):
            return "echo"
        post = Post.objects.filter(
            account=account, platform_id=parent_id, status=PostStatus.OPEN
        ).first()
        if post is None:
            return ""
        now = timezone.now()
        text = message.strip()[:MAX_TEXT_LENGTH]
        Post.objects.filter(pk=post.pk, status=PostStatus.OPEN).update(
            status=PostStatus.ANSWERED,
            answered_at=now,
            answered_by=None,
            answer_text=text,
            answer_url=platform_url(account.platform, comment_id),
            **_STOP_REMINDERS,
        )
        event_record(
            actor=None,
            action="posts.post_answered_on_platform",
            target=post,
            data={
                "late": post.due_at < now,
                "due_at": post.due_at.isoformat(),
                "answer_chars": len(text),
                "answer_url": platform_url(account.platform, comment_id),
            },
        )
        crisis = crisis_covering(account=account)
        if crisis is not None:
            notifications_create(
                recipients=crisis_team_users(),
                subject=_("%(account)s answered a post directly on %(platform)s during the crisis.")
                % {"account": account.name, "platform": account.get_platform_display()},
                url=reverse("posts:detail", args=[post.pk]),
            )
        return "answered"
    post = (
        Post.objects.filter(account=account, platform_id=comment_id)
        .exclude(status=PostStatus.REMOVED)
        .first()
    )
    if post is None:
        return ""
    if verb == "edited":
        text = message.strip()[:MAX_TEXT_LENGTH]
        if text == post.text:
            return ""
        now = timezone.now()
        # The edited text is screened again, its findings stored with it (their places
        # are in this text). A match in a post not marked marks it anew.
        policy = policy_in_force()
        findings = screen(text, policy.screening)
        changes: dict[str, Any] = {
            "text": text,
            "edited_at": now,
            "findings": findings_json(findings) or None,
        }
        anew = bool(findings) and post.screening in (
            ScreeningStatus.NONE,
            ScreeningStatus.DISMISSED,
        )
        if anew:
            changes.update(screening=ScreeningStatus.FLAGGED, screened_at=now)
        Post.objects.filter(pk=post.pk).exclude(status=PostStatus.REMOVED).update(**changes)
        event_record(
            actor=None,
            action="posts.post_edited_on_platform",
            target=post,
            data={"before_chars": len(post.text), "after_chars": len(text)},
        )
        if anew:
            for field, value in changes.items():
                setattr(post, field, value)
            _screening_follow_up(
                post=post, findings=findings, policy=policy, actor=None, edited=True
            )
        return "edited"
    if verb == "remove" and post_removed_on_platform(post=post):
        return "removed"
    return ""
