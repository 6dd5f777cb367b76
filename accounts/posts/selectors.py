"""Reads of posts and ingest tokens. List selectors cost a fixed number of queries."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import (
    Account,
    AccountStatus,
    ActionKind,
    ActionState,
    IngestToken,
    PageUser,
    Platform,
    PlatformAction,
    PlatformConnection,
    Post,
    PostReminder,
    PostStatus,
    Responsibility,
    ScreeningStatus,
)
from moskenes_social.audit.models import Event
from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role, has_role
from policy.models import ADOPTED_STATUSES
from policy.selectors import GUIDELINE_SLUG, local_date, version_in_force_key

from . import permissions
from .outbox import acts_on_platform, connection_of
from .services import integrations_may_manage, token_hash

# The inbox's category filter: a category key, or this for posts not triaged yet.
UNTRIAGED = "untriaged"


def accounts_with_posts_for(*, user: User) -> QuerySet[Account]:
    """The accounts whose posts ``user`` may see (not closed ones): every account for the
    overview roles, else those the user is responsible for or whose unit the user leads."""
    accounts = Account.objects.exclude(status=AccountStatus.CLOSED).select_related("unit")
    if not permissions.sees_all_posts(user):
        responsible = Responsibility.objects.filter(user=user, ended_at__isnull=True).values(
            "account_id"
        )
        mine = Q(id__in=responsible)
        if has_role(user, Role.LEADER):
            mine |= Q(unit__in=Unit.objects.filter(leaders=user))
        accounts = accounts.filter(mine)
    return accounts.order_by("name", "id")


# What the inbox shows of a post (and its account's name): not the answer, the closing and
# the other columns of each of 25 rows.
INBOX_FIELDS = (
    "account_id",
    "text",
    "author",
    "category",
    "status",
    "posted_at",
    "received_at",
    "due_at",
    # The row shows the text masked where the screening found something.
    "findings",
    "screening",
)


def posts_inbox(
    *,
    user: User,
    accounts: QuerySet[Account],
    account: Account | None = None,
    account_search: str = "",
    category: str = "",
    status: str = PostStatus.OPEN,
) -> QuerySet[Post]:
    """Posts on ``accounts`` (``accounts_with_posts_for(user=user)``: those the user may
    see), filtered (``account_search``: part of the account's name); open ones most urgent
    first, handled ones most recent first. One query (with the account's name)."""
    if permissions.sees_all_posts(user):
        # Every account but the closed ones: a NOT IN over the few closed accounts
        # (index ``accounts_closed``), which PostgreSQL checks against a hash as it reads
        # the open posts in order with their account (``posts_open_by_due_account``). As
        # an IN over the other 9,500 accounts it looked each post's account up: the
        # inbox's capped count took 4 ms instead of 0.5 (``make bench``).
        closed = Account.objects.filter(status=AccountStatus.CLOSED).values("id")
        posts = Post.objects.exclude(account__in=closed)
    else:
        posts = Post.objects.filter(account__in=accounts.values("id"))
    if account is not None:
        posts = posts.filter(account=account)
    if account_search:
        posts = posts.filter(account__name__icontains=account_search)
    if category == UNTRIAGED:
        posts = posts.filter(category="")
    elif category:
        posts = posts.filter(category=category)
    if status:
        posts = posts.filter(status=status)
    ordering = ("due_at", "id") if status == PostStatus.OPEN else ("-received_at", "-id")
    return posts.select_related("account").only(*INBOX_FIELDS, "account__name").order_by(*ordering)


# The inbox's first block shows at most this many posts possibly sensitive.
FLAGGED_SHOWN = 20


def posts_flagged(
    *,
    user: User,
    accounts: QuerySet[Account],
    account: Account | None = None,
    account_search: str = "",
) -> list[Post]:
    """Posts the screening marked as possibly sensitive that nobody has decided on yet, on
    ``accounts`` (as ``posts_inbox``), oldest mark first, at most ``FLAGGED_SHOWN``: they
    stand above the inbox. One query, in the partial index ``posts_flagged``."""
    posts = Post.objects.filter(screening=ScreeningStatus.FLAGGED).exclude(
        status=PostStatus.REMOVED
    )
    if permissions.sees_all_posts(user):
        closed = Account.objects.filter(status=AccountStatus.CLOSED).values("id")
        posts = posts.exclude(account__in=closed)
    else:
        posts = posts.filter(account__in=accounts.values("id"))
    if account is not None:
        posts = posts.filter(account=account)
    if account_search:
        posts = posts.filter(account__name__icontains=account_search)
    return list(
        posts.select_related("account")
        .only(*INBOX_FIELDS, "screened_at", "account__name")
        .order_by("screened_at", "id")[:FLAGGED_SHOWN]
    )


def posts_open_count(*, account: Account) -> int:
    """How many posts of the account await an answer: one query, counted in the partial
    index of open posts (``posts_open_by_due``), so it costs the same however many answered
    posts the account has."""
    return Post.objects.filter(account=account, status=PostStatus.OPEN).count()


def post_for_page(*, post_id: int) -> Post:
    """One post with everything its page shows; raises ``Post.DoesNotExist``."""
    return Post.objects.select_related(
        "account__unit",
        "registered_by",
        "triaged_by",
        "answered_by",
        "closed_by",
        "removed_by",
        "reopened_by",
        "screening_decided_by",
    ).get(pk=post_id)


def post_events(*, post: Post) -> QuerySet[Event]:
    """The audit history of a post, oldest first."""
    return (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Post), target_id=str(post.pk)
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


def post_reminders(*, post: Post) -> QuerySet[PostReminder]:
    return (
        PostReminder.objects.filter(post=post).select_related("recipient").order_by("sent_at", "id")
    )


def ingest_tokens_of(*, account: Account) -> QuerySet[IngestToken]:
    """Every token of an account, active ones first, newest first."""
    return (
        IngestToken.objects.filter(account=account)
        .select_related("created_by", "revoked_by")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-id")
    )


def ingest_token_find(*, raw: str) -> IngestToken | None:
    """The active token whose hash matches ``raw``, with its account; None otherwise."""
    if not raw:
        return None
    return (
        IngestToken.objects.select_related("account")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )


@dataclass(frozen=True)
class CommentTarget:
    """Where a platform's comment goes: the account of the Page (or Instagram account),
    whether the account already has a post with the comment's id (a replay), and the
    guideline version in force, named by its id and adoption time
    (``policy.selectors.policy_of_version``)."""

    account: Account
    stored: bool
    policy_version_id: int | None
    policy_version_adopted_at: datetime | None


def accounts_of_object(platform: str, object_id: str) -> QuerySet[Account]:
    if platform == Platform.FACEBOOK:
        return Account.objects.filter(facebook_page_id=object_id)
    return Account.objects.filter(platform=platform, connection__object_id=object_id)


def comment_target_queryset(
    *, platform: str, object_id: str, comment_id: str, today: date
) -> QuerySet[Account]:
    """The ORM's form of ``comment_target``'s SQL, which the tests hold it to."""
    stored = Post.objects.filter(account=OuterRef("pk"), platform_id=comment_id)
    version = version_in_force_key(on=today)
    return (
        accounts_of_object(platform, object_id)
        .annotate(
            comment_stored=Exists(stored),
            policy_version_id=version.id,
            policy_version_adopted_at=version.adopted_at,
        )
        .order_by("pk")[:1]
    )


# The webhooks run this for every comment they are sent. Written as SQL: building and
# compiling the queryset above cost 3 ms of Python a delivery against 0.4 ms for
# PostgreSQL to run it (``make bench``). The version in force is
# ``policy.selectors._adopted_by_recency``'s first row; its adoption time is read as a
# column of a join, so that SQLite, whose timestamps are text, converts it by the
# column's declared type like the ORM's rows. ``{where}`` is one of ``_TARGET_WHERE``.
_COMMENT_TARGET_SQL = """
SELECT a.*,
       EXISTS (SELECT 1 FROM accounts_post p
               WHERE p.account_id = a.id AND p.platform_id = %s) AS comment_stored,
       v.id AS policy_version_id,
       v.adopted_at AS policy_version_adopted_at
  FROM accounts_account a
  LEFT JOIN policy_guidelineversion v ON v.id = (
       SELECT gv.id FROM policy_guidelineversion gv
         JOIN policy_guideline g ON g.id = gv.guideline_id
        WHERE g.slug = %s AND gv.status IN (%s, %s) AND gv.effective_from <= %s
        ORDER BY gv.effective_from DESC, gv.number DESC
        LIMIT 1)
 WHERE {where}
 ORDER BY a.id
 LIMIT 1
"""
_TARGET_WHERE = {
    Platform.FACEBOOK: "a.facebook_page_id = %s",
    Platform.INSTAGRAM: (
        "a.platform = 'instagram' AND a.id IN "
        "(SELECT c.account_id FROM accounts_platformconnection c WHERE c.object_id = %s)"
    ),
}


def comment_target(*, platform: str, object_id: str, comment_id: str) -> CommentTarget | None:
    """The target of a comment on the Facebook Page (or Instagram account) ``object_id``;
    None for one that is no account's. One query: a replay costs nothing more, and a new
    post needs no query of its own to learn the guideline version in force."""
    if not object_id or platform not in _TARGET_WHERE:
        return None
    sql = _COMMENT_TARGET_SQL.format(where=_TARGET_WHERE[Platform(platform)])
    params = [comment_id, GUIDELINE_SLUG, *ADOPTED_STATUSES, local_date(), object_id]
    found = list(Account.objects.raw(sql, params))
    if not found:
        return None
    account = found[0]
    adopted_at: datetime | None = account.policy_version_adopted_at  # type: ignore[attr-defined]
    if adopted_at is not None and timezone.is_naive(adopted_at):
        # SQLite keeps UTC without an offset; the ORM adds it to its rows, a raw column not.
        adopted_at = adopted_at.replace(tzinfo=UTC)
    return CommentTarget(
        account=account,
        stored=bool(account.comment_stored),  # type: ignore[attr-defined]
        policy_version_id=account.policy_version_id,  # type: ignore[attr-defined]
        policy_version_adopted_at=adopted_at,
    )


@dataclass(frozen=True)
class AccountPostsSection:
    """The account page's section on posts: how many await an answer, and for those who
    may manage them (the owner) the ingest tokens and the Facebook Page."""

    open_count: int
    manage: bool
    tokens: list[IngestToken]
    connection: PlatformConnection | None


def account_posts_section(
    *, user: User, account: Account, crisis_active: bool
) -> AccountPostsSection | None:
    """None for those who may not see the account's posts (no query). Else one query, one
    more for an owner who may manage integrations; ``crisis_active=False`` (the caller
    knows no crisis is active) spares the lockout's look-up."""
    if not permissions.can_view_posts(user, account):
        return None
    manage = integrations_may_manage(actor=user, account=account, crisis_active=crisis_active)
    return AccountPostsSection(
        open_count=posts_open_count(account=account),
        manage=manage,
        tokens=list(ingest_tokens_of(account=account)) if manage else [],
        connection=connection_for_page(account=account) if manage else None,
    )


def connection_for_page(*, account: Account) -> PlatformConnection | None:
    """The account's connection to its Page, connected or not, with who connected it."""
    return PlatformConnection.objects.filter(account=account).select_related("connected_by").first()


def post_actions(*, post: Post) -> list[PlatformAction]:
    """What the app did or will do on the platform for a post, newest first."""
    return list(
        PlatformAction.objects.filter(post=post)
        .select_related("account", "requested_by", "settled_by")
        .order_by("-created_at", "-id")
    )


def post_sends_to_platform(*, post: Post) -> bool:
    """Whether answering and removing ``post`` act on the platform (its Page is connected
    and the post is a comment there)."""
    return acts_on_platform(post, connection_of(post.account))


def post_answer_draft(*, post: Post) -> str:
    """The text of the post's last reply that did not go out (failed or cancelled), to
    start the answer form from: nothing typed is lost."""
    action = (
        PlatformAction.objects.filter(
            post=post, kind=ActionKind.REPLY, state__in=(ActionState.FAILED, ActionState.CANCELLED)
        )
        .exclude(text="")
        .order_by("-created_at", "-id")
        .first()
    )
    return action.text if action is not None else ""


def actions_held() -> list[PlatformAction]:
    """What crises held back, oldest first, for the crisis team to send or cancel."""
    return list(
        PlatformAction.objects.filter(state=ActionState.HELD)
        .select_related("account", "post", "requested_by")
        .order_by("created_at", "id")[:100]
    )


def page_lockout_people(*, account: Account) -> list[User]:
    """The people responsible for the account now, by name: whose Page tasks a crisis
    may take away."""
    return list(
        User.objects.filter(
            account_responsibilities__account=account,
            account_responsibilities__ended_at__isnull=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def page_users_initial(*, account: Account) -> dict[str, str]:
    """The lockout form's current values: ``user_<pk>`` -> business-scoped id."""
    return {
        f"user_{user_id}": scoped_id
        for user_id, scoped_id in PageUser.objects.filter(account=account).values_list(
            "user_id", "scoped_id"
        )
    }
