"""Reminders about posts that await an answer (Celery beat "posts-reminders").

A post's row carries its schedule: ``next_reminder_at`` and ``next_reminder_stage`` (a
stage code of the guideline version in force: v1 reminds the responders when the answer
is due, and the owner one working day later). The job handles a batch of due posts per
transaction, each claimed by a row lock that other workers skip, so two workers never both
send; a ``PostReminder`` row per post, deadline, stage and recipient (unique) makes a
duplicate impossible even so. Answering, closing or removing a post clears its schedule.

A batch costs the same handful of statements whatever the number of its posts and
recipients (``post_reminders_send_next_due``): one reminder at a time cost 17 statements
a post, and the sweep ran at a tenth of the rate of a loop that only claims (``make
bench``).
"""

import logging
from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.lockout import crisis_covered_accounts, crisis_team_users
from accounts.models import (
    AccountStatus,
    Post,
    PostReminder,
    PostStatus,
    Responsibility,
    ResponsibilityRole,
)
from moskenes_social.audit.services import EventDraft, events_record
from moskenes_social.db import insert_unless_stored
from moskenes_social.notifications.services import NotificationDraft, notifications_create_many
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO
from policy.parameters import ReminderRecipient, ReminderStage
from policy.selectors import policy_in_force

from .services import reminder_time

logger = logging.getLogger(__name__)

# How many due posts one transaction claims and reminds. Statements per post fall with the
# batch (ten a batch), but its locks, its e-mails and a failure (the whole batch
# rolls back and is retried on the next beat) grow with it. Measured with ``make bench``
# (two workers, 20,000 posts due at once): see docs/architecture.md, "Benchmarks".
REMINDER_BATCH = 50


def _recipients(
    reminders: Sequence[tuple[Post, ReminderStage]], *, covered: Collection[int]
) -> list[list[User]]:
    """Who each reminder goes to, in the order given: for "responders", the account's
    responders (else its backups, else its owners); for "owner", its owners (else the
    unit's leaders).

    The one place that decides. While a crisis covers the account (its id in ``covered``,
    from ``crisis_covered_accounts``), every stage goes to the crisis team instead: the
    ordinary responders are paused, and what falls due is the team's to answer.

    At most three queries whatever the number of posts: the responsibilities on their
    accounts; the crisis team if a crisis covers one; the leaders of units whose account
    has no owner, if an owner stage needs them.
    """
    team: list[User] = []
    if any(post.account_id in covered for post, _ in reminders):
        team = list(crisis_team_users().order_by("id"))
    ordinary = {post.account_id for post, _ in reminders if post.account_id not in covered}
    held: dict[int, list[Responsibility]] = defaultdict(list)
    if ordinary:
        for r in (
            Responsibility.objects.filter(account_id__in=ordinary, ended_at__isnull=True)
            .select_related("user")
            .order_by("id")
        ):
            if r.user.is_active:
                held[r.account_id].append(r)

    chosen: list[list[User] | None] = []
    for post, stage in reminders:
        if post.account_id in covered:
            chosen.append(team)
            continue
        rows = held[post.account_id]

        def holders(role: ResponsibilityRole, rows: list[Responsibility] = rows) -> list[User]:
            return [r.user for r in rows if r.role == role]

        owners = holders(ResponsibilityRole.OWNER)
        if stage.notify == ReminderRecipient.RESPONDERS:
            chosen.append(
                holders(ResponsibilityRole.RESPONDER)
                or holders(ResponsibilityRole.BACKUP)
                or owners
            )
        else:
            # None: the unit's leaders, looked up below for all such posts at once.
            chosen.append(owners or None)

    leaderless = {
        post.account.unit_id
        for (post, _), users in zip(reminders, chosen, strict=True)
        if users is None
    }
    leaders: dict[int, list[User]] = defaultdict(list)
    if leaderless:
        for link in (
            Unit.leaders.through.objects.filter(unit_id__in=leaderless, user__is_active=True)
            .select_related("user")
            # As ``account.unit.leaders`` lists them (``User.Meta.ordering``).
            .order_by("user__first_name", "user__last_name", "user__username")
        ):
            leaders[link.unit_id].append(link.user)
    return [
        users if users is not None else leaders[post.account.unit_id]
        for (post, _), users in zip(reminders, chosen, strict=True)
    ]


def _local(moment: datetime) -> str:
    return date_format(moment.astimezone(OSLO), "j. F Y H:i")


def _message(post: Post, stage: ReminderStage, *, crisis: bool = False) -> tuple[str, str]:
    """Subject and body; they name the account and the times, never the post's words. In
    a crisis the crisis team is told that the post is theirs to answer. The deadline counts
    from when the post was published, so that is the time named: a post registered or
    delivered late was received after its deadline had begun, even after it had passed."""
    values = {
        "account": post.account.name,
        "posted": _local(post.posted_at),
        "due": _local(post.due_at),
    }
    if crisis:
        return (
            _("Crisis mode: a post on %(account)s awaits an answer") % values,
            _(
                "A post on %(account)s, published %(posted)s, was to be answered by "
                "%(due)s. Crisis mode covers the account, so the crisis team answers it: "
                "with the official message or with your own text."
            )
            % values,
        )
    if stage.notify == ReminderRecipient.RESPONDERS:
        return (
            _("A post on %(account)s awaits an answer") % values,
            _(
                "A post on %(account)s, published %(posted)s, was to be answered by "
                "%(due)s. Open it, answer it (or close it with a reason), and record what "
                "you did."
            )
            % values,
        )
    return (
        _("A post on %(account)s is still not answered") % values,
        _(
            "You own %(account)s. A post published %(posted)s was to be answered by "
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


def post_reminders_send_next_due(
    *, now: datetime | None = None, limit: int = REMINDER_BATCH
) -> int:
    """Claim up to ``limit`` of the most overdue post reminders and send them, in one
    transaction. Returns how many posts it claimed: 0 when none is due (or other workers
    hold every due one).

    1. Lock the due posts: open, of active accounts, ``next_reminder_at`` passed (partial
       index ``posts_reminder_due``, in its order), skipping rows another worker has
       locked. The lock is the claim: no other worker sees these posts until this
       transaction ends, and then their schedule has moved on; a second worker takes the
       next posts instead of waiting.
    2. Move each schedule on to the next stage of the guideline version in force (or
       none), all in one UPDATE. A post whose stage the guideline no longer has stops
       being reminded (and is logged).
    3. Decide the recipients (``_recipients``): which accounts a crisis covers, then the
       responsibilities of all the posts' accounts at once.
    4. Insert the reminder rows (unique; one that exists is skipped), then one
       notification per post and newly reminded person and one ``posts.reminder_sent``
       event per post, one insert each. E-mails are queued after commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        posts = list(
            Post.objects.select_related("account__unit")
            .filter(
                status=PostStatus.OPEN,
                next_reminder_at__isnull=False,
                next_reminder_at__lte=now,
                account__status=AccountStatus.ACTIVE,
            )
            .order_by("next_reminder_at", "id")
            # Only the posts' rows: workers reminding of posts on the same account must
            # not lock (or skip) each other's accounts. SQLite ignores it and serialises
            # writing transactions instead.
            .select_for_update(skip_locked=True, of=("self",))[:limit]
        )
        if not posts:
            return 0
        policy = policy_in_force()
        stages = {s.code: i for i, s in enumerate(policy.reminder_stages)}
        reminders: list[tuple[Post, ReminderStage]] = []
        for post in posts:
            index = stages.get(post.next_reminder_stage)
            if index is None:
                # The guideline changed its stages since this was scheduled: stop, log it.
                logger.warning(
                    "post %s: reminder stage %r is no longer in the guideline",
                    post.pk,
                    post.next_reminder_stage,
                )
                post.next_reminder_at, post.next_reminder_stage = None, ""
                continue
            stage = policy.reminder_stages[index]
            following = (
                policy.reminder_stages[index + 1]
                if index + 1 < len(policy.reminder_stages)
                else None
            )
            post.next_reminder_at = (
                reminder_time(
                    due_at=post.due_at,
                    after_working_hours=following.after_working_hours,
                    policy=policy,
                )
                if following
                else None
            )
            post.next_reminder_stage = following.code if following else ""
            reminders.append((post, stage))
        Post.objects.bulk_update(posts, ["next_reminder_at", "next_reminder_stage"])

        covered = crisis_covered_accounts(account_ids={post.account_id for post, _ in reminders})
        chosen = _recipients(reminders, covered=covered)
        # One row per post, deadline, stage and person (unique): one that exists, from a
        # retried send, is skipped, and its person is not told again.
        inserted = set(
            insert_unless_stored(
                [
                    PostReminder(
                        post=post, stage=stage.code, due_at=post.due_at, recipient=user, sent_at=now
                    )
                    for (post, stage), users in zip(reminders, chosen, strict=True)
                    for user in users
                ],
                returning=["post", "recipient"],
            )
        )
        drafts: list[NotificationDraft] = []
        events: list[EventDraft] = []
        for (post, stage), users in zip(reminders, chosen, strict=True):
            in_crisis = post.account_id in covered
            # Those already reminded of this deadline at this stage (a retried send) are
            # not told again.
            sent = [user for user in users if (post.pk, user.pk) in inserted]
            if sent:
                subject, body = _message(post, stage, crisis=in_crisis)
                url = reverse("posts:detail", kwargs={"post_id": post.pk})
                drafts += [
                    NotificationDraft(recipient=user, subject=subject, body=body, url=url)
                    for user in sent
                ]
            events.append(
                EventDraft(
                    action="posts.reminder_sent",
                    target=post,
                    reason=_reason(post, stage, sent, crisis=in_crisis),
                    data={
                        "stage": stage.code,
                        "due_at": post.due_at.isoformat(),
                        "recipients": [user.pk for user in sent],
                    },
                )
            )
        notifications_create_many(drafts=drafts)
        events_record(actor=None, drafts=events)
        return len(posts)


def post_reminder_send_one_due(*, now: datetime | None = None) -> bool:
    """Claim and send the most overdue post reminder; False when none is due. A batch of
    one (``post_reminders_send_next_due``), for tests and a careful operator."""
    return post_reminders_send_next_due(now=now, limit=1) > 0


def post_reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every due post reminder, a batch of posts per transaction. Returns how many
    posts it claimed."""
    claimed = 0
    while batch := post_reminders_send_next_due(now=now):
        claimed += batch
    return claimed
