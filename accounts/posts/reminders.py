"""Reminders about posts that await an answer (Celery beat "posts-reminders").

A post's row carries its schedule: ``next_reminder_at`` and ``next_reminder_stage`` (a
stage code of the guideline version in force: v1 reminds the responders when the answer
is due, and the owner one working day later). The job handles one due post at a time,
claimed by a conditional update of that schedule, so two workers never both send; a
``PostReminder`` row per post, deadline, stage and recipient (unique) makes a duplicate
impossible even so. Answering, closing or removing a post clears its schedule.
"""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.crisis.lockout import crisis_covering
from accounts.crisis.selectors import crisis_team_users
from accounts.models import AccountStatus, Responsibility, ResponsibilityRole
from moskenes_social.audit.services import event_record
from moskenes_social.notifications.services import notifications_create
from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO
from policy.parameters import ReminderRecipient, ReminderStage
from policy.selectors import policy_in_force

from .models import Post, PostReminder, PostStatus
from .services import reminder_time

logger = logging.getLogger(__name__)

# How many due posts one call looks at before giving up to other workers.
_BATCH = 20


def _reminder_recipients(post: Post, stage: ReminderStage, *, in_crisis: bool) -> list[User]:
    """Who a reminder stage goes to: for "responders", the account's responders (else its
    backups, else its owners); for "owner", its owners (else the unit's leaders).

    The one place that decides. While a crisis covers the account (``in_crisis``, from
    ``crisis_covering``), every stage goes to
    the crisis team instead: the ordinary responders are paused, and what falls due is
    the team's to answer.
    """
    account = post.account
    if in_crisis:
        return list(crisis_team_users().order_by("id"))
    rows = [
        r
        for r in Responsibility.objects.filter(account=account, ended_at__isnull=True)
        .select_related("user")
        .order_by("id")
        if r.user.is_active
    ]

    def holders(role: ResponsibilityRole) -> list[User]:
        return [r.user for r in rows if r.role == role]

    owners = holders(ResponsibilityRole.OWNER)
    if stage.notify == ReminderRecipient.RESPONDERS:
        return holders(ResponsibilityRole.RESPONDER) or holders(ResponsibilityRole.BACKUP) or owners
    return owners or list(account.unit.leaders.filter(is_active=True))


def _local(moment: datetime) -> str:
    return date_format(moment.astimezone(OSLO), "j. F Y H:i")


def _message(post: Post, stage: ReminderStage, *, crisis: bool = False) -> tuple[str, str]:
    """Subject and body; they name the account and the times, never the post's words. In
    a crisis the crisis team is told that the post is theirs to answer."""
    values = {
        "account": post.account.name,
        "received": _local(post.received_at),
        "due": _local(post.due_at),
    }
    if crisis:
        return (
            _("Crisis mode: a post on %(account)s awaits an answer") % values,
            _(
                "A post on %(account)s, received %(received)s, was to be answered by "
                "%(due)s. Crisis mode covers the account, so the crisis team answers it: "
                "with the official message or with your own text."
            )
            % values,
        )
    if stage.notify == ReminderRecipient.RESPONDERS:
        return (
            _("A post on %(account)s awaits an answer") % values,
            _(
                "A post on %(account)s, received %(received)s, was to be answered by "
                "%(due)s. Open it, answer it (or close it with a reason), and record what "
                "you did."
            )
            % values,
        )
    return (
        _("A post on %(account)s is still not answered") % values,
        _(
            "You own %(account)s. A post received %(received)s was to be answered by "
            "%(due)s; the responders were reminded, and it still awaits an answer."
        )
        % values,
    )


def _reason(post: Post, stage: ReminderStage, sent: list[User], *, crisis: bool) -> str:
    """Why the system acted, for the log: the deadline passed, and whom it told."""
    values = {
        "due": _local(post.due_at),
        "names": ", ".join(str(user) for user in sent) or _("nobody"),
    }
    if crisis:
        return _("The answer was due %(due)s; in crisis mode, told the crisis team: %(names)s.") % (
            values
        )
    if stage.notify == ReminderRecipient.RESPONDERS:
        return _("The answer was due %(due)s; reminded: %(names)s.") % values
    return (
        _("Still not answered after the deadline of %(due)s; told the owner: %(names)s.") % values
    )


def _post_remind(*, post_id: int, scheduled: datetime, stage_code: str, now: datetime) -> bool:
    """Claim one post's due reminder and send it. False if another worker claimed it first
    or the post stopped waiting.

    1. Read the post; find the stage by its code in the guideline version in force.
    2. Claim: move the schedule on to the next stage (or none), only if it is still
       ``(scheduled, stage_code)`` as the caller saw it, so only one worker wins.
    3. One ``PostReminder`` row per recipient (unique), their notifications, an audit event.
    """
    with transaction.atomic():
        post = Post.objects.select_related("account__unit").filter(pk=post_id).first()
        if post is None or post.status != PostStatus.OPEN:
            return False
        policy = policy_in_force()
        stages = policy.reminder_stages
        index = next((i for i, s in enumerate(stages) if s.code == stage_code), None)
        if index is None:
            # The guideline changed its stages since this was scheduled: stop, and log it.
            logger.warning(
                "post %s: reminder stage %r is no longer in the guideline", post_id, stage_code
            )
            Post.objects.filter(
                pk=post_id, next_reminder_at=scheduled, next_reminder_stage=stage_code
            ).update(next_reminder_at=None, next_reminder_stage="")
            return False
        stage = stages[index]
        following = stages[index + 1] if index + 1 < len(stages) else None
        next_at = (
            reminder_time(
                due_at=post.due_at, after_working_hours=following.after_working_hours, policy=policy
            )
            if following
            else None
        )
        claimed = Post.objects.filter(
            pk=post_id,
            status=PostStatus.OPEN,
            next_reminder_at=scheduled,
            next_reminder_stage=stage_code,
        ).update(
            next_reminder_at=next_at,
            next_reminder_stage=following.code if following else "",
        )
        if claimed != 1:
            return False
        # Looked up once: who is reminded and what they are told both depend on it.
        in_crisis = crisis_covering(account=post.account) is not None
        sent: list[User] = []
        for recipient in _reminder_recipients(post, stage, in_crisis=in_crisis):
            try:
                with transaction.atomic():
                    PostReminder.objects.create(
                        post=post,
                        stage=stage.code,
                        due_at=post.due_at,
                        recipient=recipient,
                        sent_at=now,
                    )
            except IntegrityError:
                # Already reminded of this deadline at this stage (a retried task).
                continue
            sent.append(recipient)
        if sent:
            subject, body = _message(post, stage, crisis=in_crisis)
            notifications_create(
                recipients=sent,
                subject=subject,
                body=body,
                url=reverse("posts:detail", kwargs={"post_id": post.pk}),
            )
        event_record(
            actor=None,
            action="posts.reminder_sent",
            target=post,
            reason=_reason(post, stage, sent, crisis=in_crisis),
            data={
                "stage": stage.code,
                "due_at": post.due_at.isoformat(),
                "recipients": [user.pk for user in sent],
            },
        )
        return True


def post_reminder_send_one_due(*, now: datetime | None = None) -> bool:
    """Send the most overdue post reminder; False when none is due.

    Looks at open posts of active accounts whose ``next_reminder_at`` has passed (partial
    index ``posts_reminder_due``); another worker may claim one first, then the next.
    """
    now = now or timezone.now()
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
    for post_id, scheduled, stage_code in due[:_BATCH]:
        if scheduled is not None and _post_remind(
            post_id=post_id, scheduled=scheduled, stage_code=stage_code, now=now
        ):
            return True
    return False


def post_reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every due post reminder, one claimed post at a time. Returns how many."""
    sent = 0
    while post_reminder_send_one_due(now=now):
        sent += 1
    return sent
