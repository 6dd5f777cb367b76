"""Reads of crises: the active one, the banner every page shows, history, recipients."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from accounts.lockout import crisis_team_group_names
from accounts.models import (
    Account,
    AccountStatus,
    CrisisMessage,
    CrisisPeriod,
    CrisisStatus,
    MediaCommentChange,
    PageTaskChange,
    PlatformAction,
    Post,
    PostStatus,
    Responsibility,
)
from moskenes_social.people.models import User


@dataclass(frozen=True)
class CrisisBanner:
    """What every page shows while a crisis is active."""

    crisis_id: int
    started_at: datetime
    leader: str
    message: str
    link: str
    covers_all_accounts: bool


def crisis_active() -> CrisisPeriod | None:
    """The crisis going on now, if any (at most one, a database constraint)."""
    return (
        CrisisPeriod.objects.filter(status=CrisisStatus.ACTIVE).select_related("started_by").first()
    )


def _latest_message() -> QuerySet[CrisisMessage]:
    return CrisisMessage.objects.filter(crisis=OuterRef("pk")).order_by("-version")


def crisis_banner_of(request: HttpRequest) -> CrisisBanner | None:
    """``crisis_banner()`` once per request: the context processor shows it, and a view
    that must know whether a crisis is active asks the same answer without a second
    query."""
    if not hasattr(request, "crisis_banner"):
        request.crisis_banner = crisis_banner()  # type: ignore[attr-defined]
    return request.crisis_banner  # type: ignore[attr-defined,no-any-return]


def crisis_banner() -> CrisisBanner | None:
    """The active crisis for the banner on every member's page: one query, served by the
    partial unique index on the active crisis, so every process shows a new crisis (and
    stops showing an ended one) at once. Pages for anonymous visitors (the public register,
    publicly cached) never show it."""
    crisis = (
        CrisisPeriod.objects.filter(status=CrisisStatus.ACTIVE)
        .select_related("started_by")
        .annotate(
            message_text=Subquery(_latest_message().values("text")[:1]),
            message_link=Subquery(_latest_message().values("link")[:1]),
        )
        .first()
    )
    if crisis is None:
        return None
    return CrisisBanner(
        crisis_id=crisis.pk,
        started_at=crisis.started_at,
        leader=str(crisis.started_by),
        message=crisis.message_text or "",
        link=crisis.message_link or "",
        covers_all_accounts=crisis.covers_all_accounts,
    )


def crisis_message_current(*, crisis: CrisisPeriod) -> CrisisMessage | None:
    return crisis.messages.select_related("author").order_by("-version").first()


def accounts_not_closed() -> QuerySet[Account]:
    """What a crisis covering all accounts covers now."""
    return (
        Account.objects.exclude(status=AccountStatus.CLOSED)
        .select_related("unit")
        .order_by("name", "id")
    )


def crisis_accounts_covered(*, crisis: CrisisPeriod) -> QuerySet[Account]:
    """The accounts a crisis covers: every account not closed, or the chosen ones."""
    if crisis.covers_all_accounts:
        return accounts_not_closed()
    return Account.objects.filter(crises=crisis).select_related("unit").order_by("name", "id")


def people_to_notify(
    *, covers_all_accounts: bool, account_ids: Collection[int] | QuerySet[Any] = ()
) -> list[User]:
    """Everyone currently responsible for a covered account (every account not closed, or
    those listed), and the crisis team: one query for the people, whatever their number."""
    responsible = Responsibility.objects.filter(ended_at__isnull=True)
    if covers_all_accounts:
        responsible = responsible.exclude(account__status=AccountStatus.CLOSED)
    else:
        responsible = responsible.filter(account_id__in=account_ids)
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(id__in=responsible.values("user_id")) | Q(groups__name__in=crisis_team_group_names())
        )
        .distinct()
        .order_by("id")
    )


def crisis_recipients(*, crisis: CrisisPeriod) -> list[User]:
    """Whom a crisis's start and end are told to (``people_to_notify``)."""
    return people_to_notify(
        covers_all_accounts=crisis.covers_all_accounts,
        account_ids=CrisisPeriod.accounts.through.objects.filter(crisisperiod_id=crisis.pk).values(
            "account_id"
        ),
    )


def crises_history() -> QuerySet[CrisisPeriod]:
    """Every crisis, the newest first, with who started and ended it and how many accounts
    and message versions it has: one query."""
    return (
        CrisisPeriod.objects.select_related("started_by", "ended_by")
        .annotate(
            chosen_count=Count("accounts", distinct=True),
            message_count=Count("messages", distinct=True),
        )
        .order_by("-started_at", "-id")
    )


def crisis_for_page(*, crisis_id: int) -> CrisisPeriod:
    """One crisis with its message versions (and their authors) and chosen accounts;
    raises ``CrisisPeriod.DoesNotExist``."""
    return (
        CrisisPeriod.objects.select_related("started_by", "ended_by")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=CrisisMessage.objects.select_related("author").order_by("-version"),
            ),
            Prefetch("accounts", queryset=Account.objects.select_related("unit")),
        )
        .get(id=crisis_id)
    )


# --- Posts in a crisis ----------------------------------------------------------------------


def _covered_posts(posts: QuerySet[Post], crisis: CrisisPeriod) -> QuerySet[Post]:
    if crisis.covers_all_accounts:
        return posts
    return posts.filter(account__crises=crisis)


def crisis_open_posts(*, crisis: CrisisPeriod) -> QuerySet[Post]:
    """Every open post on the accounts the crisis covers (the end moves their deadlines)."""
    return _covered_posts(Post.objects.filter(status=PostStatus.OPEN), crisis)


def crisis_inbox(*, crisis: CrisisPeriod) -> QuerySet[Post]:
    """The crisis team's single inbox: open posts on the active accounts the crisis covers,
    the most urgent first, with their account and unit: one query."""
    return (
        _covered_posts(
            Post.objects.filter(status=PostStatus.OPEN, account__status=AccountStatus.ACTIVE),
            crisis,
        )
        .select_related("account__unit")
        .order_by("due_at", "id")
    )


def crisis_posts(*, crisis: CrisisPeriod) -> QuerySet[Post]:
    """The posts of a crisis: those on covered accounts that came in while it lasted or
    were waiting for an answer when it began, in order, with who handled them. One query."""
    start = crisis.started_at
    posts = Post.objects.filter(received_at__lte=crisis.ended_at or timezone.now()).exclude(
        Q(answered_at__lt=start) | Q(closed_at__lt=start) | Q(removed_at__lt=start)
    )
    return (
        _covered_posts(posts, crisis)
        .select_related("account", "answered_by", "closed_by", "removed_by")
        .order_by("received_at", "id")
    )


def crisis_publications(*, crisis: CrisisPeriod) -> list[PlatformAction]:
    """The crisis's official message as published on Facebook Pages, in the order queued."""
    return list(
        PlatformAction.objects.filter(crisis=crisis)
        .select_related("account__connection", "requested_by")
        .order_by("id")
    )


def crisis_page_task_changes(*, crisis: CrisisPeriod) -> list[PageTaskChange]:
    """Whose Page tasks the crisis took away, and whether they have them back."""
    return list(
        PageTaskChange.objects.filter(crisis=crisis)
        .select_related("account", "user")
        .order_by("account__name", "id")
    )


def crisis_media_changes(*, crisis: CrisisPeriod) -> list[MediaCommentChange]:
    """The Instagram posts whose comments the crisis turned off, and whether they are on."""
    return list(
        MediaCommentChange.objects.filter(crisis=crisis)
        .select_related("account", "requested_by")
        .order_by("account__name", "id")
    )


def official_answer_text(*, message: CrisisMessage) -> str:
    """What the crisis team answers with in one step: the message, and its link if any."""
    return f"{message.text}\n\n{message.link}" if message.link else message.text


@dataclass(frozen=True)
class CrisisPostRow:
    """A post of a crisis, as the crisis page shows it."""

    post: Post
    # From reception to answer (wall-clock time), if answered.
    answer_time: timedelta | None
    # Answered with one of the crisis's official messages, word for word.
    official: bool


@dataclass(frozen=True)
class CrisisPostStats:
    received: int
    answered: int
    answered_official: int
    still_open: int
    median_answer_time: timedelta | None


def crisis_post_rows(
    *, posts: Sequence[Post], versions: Sequence[CrisisMessage]
) -> list[CrisisPostRow]:
    official = {official_answer_text(message=m) for m in versions}
    return [
        CrisisPostRow(
            post=post,
            answer_time=(
                post.answered_at - post.received_at
                if post.status == PostStatus.ANSWERED and post.answered_at
                else None
            ),
            official=post.status == PostStatus.ANSWERED and post.answer_text in official,
        )
        for post in posts
    ]


def crisis_post_stats(
    *, crisis: CrisisPeriod, versions: Sequence[CrisisMessage]
) -> CrisisPostStats:
    """How the posts of the crisis were handled: one query."""
    official = {official_answer_text(message=m) for m in versions}
    rows = list(
        crisis_posts(crisis=crisis).values_list(
            "status", "received_at", "answered_at", "answer_text"
        )
    )
    times = sorted(
        answered_at - received_at
        for status, received_at, answered_at, _text in rows
        if status == PostStatus.ANSWERED and answered_at is not None
    )
    return CrisisPostStats(
        received=len(rows),
        answered=len(times),
        answered_official=sum(
            1 for status, _r, _a, text in rows if status == PostStatus.ANSWERED and text in official
        ),
        still_open=sum(1 for status, *_rest in rows if status == PostStatus.OPEN),
        median_answer_time=times[len(times) // 2] if times else None,
    )


@dataclass(frozen=True)
class AwaitingAccount:
    name: str
    open_posts: int
    first_due: datetime | None


def crisis_awaiting_by_user(*, crisis: CrisisPeriod) -> dict[int, list[AwaitingAccount]]:
    """For each person responsible for a covered account: their covered accounts and how
    many posts await an answer on each (the end's summary). Two queries, whatever the
    number of people."""
    responsible = Responsibility.objects.filter(ended_at__isnull=True, user__is_active=True)
    if crisis.covers_all_accounts:
        responsible = responsible.exclude(account__status=AccountStatus.CLOSED)
    else:
        responsible = responsible.filter(account__crises=crisis)
    counts = {
        account_id: (n, first_due)
        for account_id, n, first_due in crisis_open_posts(crisis=crisis)
        .values("account_id")
        .annotate(n=Count("id"), first_due=Min("due_at"))
        .values_list("account_id", "n", "first_due")
    }
    awaiting: dict[int, dict[int, AwaitingAccount]] = {}
    for user_id, account_id, name in responsible.values_list(
        "user_id", "account_id", "account__name"
    ).order_by("account__name", "account_id"):
        n, first_due = counts.get(account_id, (0, None))
        awaiting.setdefault(user_id, {})[account_id] = AwaitingAccount(
            name=name, open_posts=n, first_due=first_due
        )
    return {user_id: list(accounts.values()) for user_id, accounts in awaiting.items()}
