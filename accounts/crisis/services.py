"""Writes of crisis mode: start, a new version of the official message, end, and the crisis
team's one-step answer with the official message.

Each runs in one transaction with its audit event and the notifications it causes. Start
and end tell everyone responsible for a covered account, and the crisis team, in one bulk
insert; the e-mails go out through Celery after commit. The end also gives the responders
back the time they could not answer (``posts_postpone``).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.lockout import crisis_covering
from accounts.models import (
    Account,
    AccountStatus,
    ActionKind,
    ConnectionStatus,
    CrisisMessage,
    CrisisPeriod,
    CrisisStatus,
    PlatformConnection,
    Post,
)
from accounts.posts.outbox import action_queue
from accounts.posts.page_tasks import page_tasks_on_commit
from accounts.posts.services import post_answer, posts_postpone
from moskenes_social.audit.services import event_record
from moskenes_social.forms import reason_text
from moskenes_social.notifications.services import (
    NotificationDraft,
    notifications_create,
    notifications_create_each,
)
from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO

from .display import duration_label
from .permissions import can_end_crisis, can_start_crisis, can_update_crisis
from .selectors import (
    AwaitingAccount,
    crisis_active,
    crisis_awaiting_by_user,
    crisis_message_current,
    crisis_open_posts,
    crisis_recipients,
    official_answer_text,
)


class CrisisError(ValidationError):
    """A crisis operation refused for a reason the user can act on (Norwegian message)."""


def crisis_url(crisis: CrisisPeriod) -> str:
    return reverse("crisis:detail", kwargs={"crisis_id": crisis.pk})


def _local(moment: datetime) -> str:
    return date_format(moment.astimezone(OSLO), "j. F Y H:i")


def _already_active_message() -> str:
    active = crisis_active()
    if active is None:
        return _("Crisis mode is already active.")
    return _("Crisis mode is already active: started %(when)s by %(name)s.") % {
        "when": _local(active.started_at),
        "name": active.started_by,
    }


def _message_clean(
    *, text: str, link: str, fields: tuple[str, str] = ("message_text", "message_link")
) -> tuple[str, str]:
    """The message's text and link, stripped and checked; errors name the caller's fields."""
    text, link = text.strip(), link.strip()
    if not text:
        raise CrisisError({fields[0]: _("Write the official message.")})
    message = CrisisMessage(text=text, link=link)
    try:
        message.clean_fields(exclude=["crisis", "version", "author", "created_at", "link"])
    except ValidationError as exc:
        raise CrisisError({fields[0]: exc.message_dict.get("text", exc.messages)}) from exc
    try:
        message.clean_fields(exclude=["crisis", "version", "author", "created_at", "text"])
    except ValidationError as exc:
        raise CrisisError({fields[1]: exc.message_dict.get("link", exc.messages)}) from exc
    return text, link


def _accounts_label(crisis: CrisisPeriod, accounts: Sequence[Account]) -> str:
    if crisis.covers_all_accounts:
        return _("all official accounts")
    return ", ".join(account.name for account in accounts)


def _pages_to_publish(
    accounts: Sequence[Account], *, covers_all_accounts: bool, chosen: Sequence[Account]
) -> list[PlatformConnection]:
    """The connected Pages of ``accounts`` (one query); refused unless each is covered."""
    if not accounts:
        return []
    ids = {account.pk for account in accounts}
    if not covers_all_accounts and ids - {account.pk for account in chosen}:
        raise CrisisError({"publish_to": _("Publish only on Pages the crisis covers.")})
    pages = list(
        PlatformConnection.objects.filter(
            account__in=ids, status=ConnectionStatus.CONNECTED
        ).select_related("account")
    )
    if len(pages) != len(ids):
        raise CrisisError(
            {"publish_to": _("A chosen account no longer has its Facebook Page connected.")}
        )
    if any(page.account.status == AccountStatus.CLOSED for page in pages):
        raise CrisisError({"publish_to": _("A closed account cannot publish.")})
    return pages


@transaction.atomic
def crisis_start(
    *,
    actor: User,
    reason: str,
    message_text: str,
    message_link: str = "",
    covers_all_accounts: bool = True,
    accounts: Sequence[Account] = (),
    publish_to: Sequence[Account] = (),
) -> CrisisPeriod:
    """Start crisis mode with its first official message, and publish it on the Facebook
    Pages of ``publish_to`` (covered accounts with a connected Page) through the outbox.

    Refused (``CrisisError``) while another crisis is active; two starts at once give one
    crisis (``accounts_one_active_crisis``), the other is refused the same way.
    """
    if not can_start_crisis(actor):
        raise PermissionDenied
    if not reason_text(reason):
        raise CrisisError({"reason": _("Say why crisis mode is started.")})
    text, link = _message_clean(text=message_text, link=message_link)
    chosen = list({account.pk: account for account in accounts}.values())
    if not covers_all_accounts:
        if not chosen:
            raise CrisisError({"accounts": _("Choose at least one account, or all accounts.")})
        if any(account.status == AccountStatus.CLOSED for account in chosen):
            raise CrisisError({"accounts": _("A closed account cannot be covered.")})
    pages = _pages_to_publish(publish_to, covers_all_accounts=covers_all_accounts, chosen=chosen)
    if crisis_active() is not None:
        raise CrisisError(_already_active_message())
    now = timezone.now()
    crisis = CrisisPeriod(
        reason=reason_text(reason),
        started_by=actor,
        started_at=now,
        covers_all_accounts=covers_all_accounts,
    )
    try:
        with transaction.atomic():
            crisis.save()
    except IntegrityError as exc:
        # Another request started a crisis between the check and the insert.
        raise CrisisError(_already_active_message()) from exc
    if not covers_all_accounts:
        crisis.accounts.set(chosen)
    message = CrisisMessage.objects.create(
        crisis=crisis, version=1, text=text, link=link, author=actor, created_at=now
    )
    event_record(
        actor=actor,
        action="accounts.crisis_started",
        target=crisis,
        reason=crisis.reason,
        data={
            "covers_all_accounts": covers_all_accounts,
            "accounts": [account.pk for account in chosen],
            "message": text,
            "link": link,
            "published_on": [connection.account_id for connection in pages],
        },
    )
    page_tasks_on_commit(crisis=crisis, restore=False)
    for connection in pages:
        action_queue(
            account=connection.account,
            kind=ActionKind.PUBLISH,
            target_id=connection.object_id,
            actor=actor,
            text=official_answer_text(message=message),
            crisis=crisis,
        )
    values = {
        "actor": actor,
        "accounts": _accounts_label(crisis, chosen),
        "reason": crisis.reason,
        "message": text,
        "link": link,
    }
    body = (
        _(
            "%(actor)s started crisis mode for %(accounts)s. Reason: %(reason)s\n\n"
            "Until it ends, only the crisis team answers posts on these accounts, with the "
            "municipality's official message. Do not answer or comment yourself.\n\n"
            "The official message: %(message)s"
        )
        % values
    )
    if link:
        body += f"\n{link}"
    notifications_create(
        recipients=crisis_recipients(crisis=crisis),
        subject=_("Crisis mode is active"),
        body=body,
        url=crisis_url(crisis),
    )
    return crisis


@transaction.atomic
def crisis_message_update(
    *, actor: User, crisis: CrisisPeriod, text: str, link: str = ""
) -> CrisisMessage:
    """Publish a new version of the official message; the earlier versions are kept."""
    if not can_update_crisis(actor, crisis):
        raise PermissionDenied
    text, link = _message_clean(text=text, link=link, fields=("text", "link"))
    # The row lock serialises updates, so versions are numbered without gaps or clashes.
    locked = CrisisPeriod.objects.select_for_update().get(pk=crisis.pk)
    if locked.status != CrisisStatus.ACTIVE:
        raise CrisisError(_("The crisis has ended; its message can no longer be changed."))
    current = locked.messages.order_by("-version").first()
    if current is not None and current.text == text and current.link == link:
        raise CrisisError({"text": _("The message is unchanged.")})
    message = CrisisMessage.objects.create(
        crisis=locked,
        version=(current.version if current else 0) + 1,
        text=text,
        link=link,
        author=actor,
    )
    event_record(
        actor=actor,
        action="accounts.crisis_message_updated",
        target=locked,
        data={"version": message.version, "message": text, "link": link},
    )
    return message


@transaction.atomic
def crisis_end(*, actor: User, crisis: CrisisPeriod, summary: str) -> CrisisPeriod:
    """End crisis mode with a short summary.

    1. End it by a conditional update (active -> ended); the lockout lifts at commit.
    2. Give the time back: the due time and next reminder of every post still open on a
       covered account move forward by the crisis's duration (one update), so nobody gets
       a burst of overdue reminders the minute after.
    3. Tell everyone who was told of the start, once each: those responsible for a
       covered account get what awaits them there (one insert for all).
    """
    if not can_end_crisis(actor, crisis):
        raise PermissionDenied
    if not reason_text(summary):
        raise CrisisError({"summary": _("Write a short summary of the crisis.")})
    now = timezone.now()
    ended = CrisisPeriod.objects.filter(pk=crisis.pk, status=CrisisStatus.ACTIVE).update(
        status=CrisisStatus.ENDED, ended_at=now, ended_by=actor, summary=reason_text(summary)
    )
    if ended != 1:
        raise CrisisError(_("The crisis has already ended."))
    crisis.status = CrisisStatus.ENDED
    crisis.ended_at = now
    crisis.ended_by = actor
    crisis.summary = reason_text(summary)
    duration = now - crisis.started_at
    page_tasks_on_commit(crisis=crisis, restore=True)
    postponed = posts_postpone(posts=crisis_open_posts(crisis=crisis), by=duration)
    event_record(
        actor=actor,
        action="accounts.crisis_ended",
        target=crisis,
        reason=crisis.summary,
        data={
            "duration_seconds": int(duration.total_seconds()),
            "posts_postponed": postponed,
        },
    )
    subject = _("Crisis mode has ended")
    ended_text = _(
        "%(actor)s ended crisis mode, which began %(start)s. You can answer posts on your "
        "accounts again.\n\nSummary: %(summary)s"
    ) % {"actor": actor, "start": _local(crisis.started_at), "summary": crisis.summary}
    awaiting = crisis_awaiting_by_user(crisis=crisis)
    drafts = []
    for user in crisis_recipients(crisis=crisis):
        accounts = awaiting.get(user.pk)
        if accounts is None:
            drafts.append(
                NotificationDraft(
                    recipient=user, subject=subject, body=ended_text, url=crisis_url(crisis)
                )
            )
            continue
        drafts.append(
            NotificationDraft(
                recipient=user,
                subject=subject,
                body=f"{ended_text}\n\n{_awaiting_text(accounts, duration)}",
                url=reverse("posts:inbox"),
            )
        )
    notifications_create_each(drafts=drafts)
    return crisis


def _awaiting_text(accounts: list[AwaitingAccount], duration: timedelta) -> str:
    """One person's summary: what awaits them on each of their covered accounts."""
    lines = [_("What awaits you:")]
    for account in accounts:
        if account.open_posts and account.first_due is not None:
            lines.append(
                ngettext(
                    "%(account)s: %(count)d post awaits an answer, the first by %(due)s.",
                    "%(account)s: %(count)d posts await an answer, the first by %(due)s.",
                    account.open_posts,
                )
                % {
                    "account": account.name,
                    "count": account.open_posts,
                    "due": _local(account.first_due),
                }
            )
        else:
            lines.append(_("%(account)s: no post awaits an answer.") % {"account": account.name})
    lines.append(
        _(
            "The deadlines of posts that were open during the crisis are moved forward by "
            "its duration (%(duration)s)."
        )
        % {"duration": duration_label(duration)}
    )
    return "\n".join(lines)


@transaction.atomic
def crisis_post_answer_official(*, actor: User, post: Post) -> Post:
    """Answer a post on a covered account with the current official message, in one step
    (the crisis team; ``post_answer`` refuses anyone else, and records the answer)."""
    crisis = crisis_covering(account=post.account)
    message = crisis_message_current(crisis=crisis) if crisis is not None else None
    if message is None:
        raise CrisisError(_("No crisis covers this account now; answer the post as usual."))
    return post_answer(actor=actor, post=post, text=official_answer_text(message=message))
