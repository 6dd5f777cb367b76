"""Reads of accounts and responsibilities. List selectors cost a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from moskenes_social.audit.models import Event
from moskenes_social.people.models import Unit, User
from moskenes_social.people.selectors import user_name_fields, user_other_fields
from moskenes_social.worktime import OSLO

from .models import ANSWERING_ROLES, Account, AccountStatus, Responsibility, ResponsibilityRole
from .permissions import can_assign

# "at least two people who can answer, so that one absence does not leave posts unanswered"
MIN_ANSWERERS = 2


def handle_normalize(handle: str) -> str:
    """The handle as stored and compared: no surrounding space, no leading "@"."""
    return handle.strip().lstrip("@").strip()


@dataclass(frozen=True)
class Coverage:
    """Whether an account has an owner and enough people to answer while one is away."""

    has_owner: bool
    answerers_count: int
    # Coverage is required of active accounts only; a suspended or closed one is not flagged.
    required: bool = True

    @property
    def ok(self) -> bool:
        return self.has_owner and self.answerers_count >= MIN_ANSWERERS

    @property
    def flagged(self) -> bool:
        return self.required and not self.ok

    @property
    def answerers_missing(self) -> int:
        return max(0, MIN_ANSWERERS - self.answerers_count)

    def missing_text(self) -> str:
        """What is missing, in words, for the coverage badge."""
        missing = [] if self.has_owner else [gettext("No owner.")]
        if self.answerers_missing:
            missing.append(
                ngettext(
                    "Needs %(missing)s more person who can answer.",
                    "Needs %(missing)s more people who can answer.",
                    self.answerers_missing,
                )
                % {"missing": self.answerers_missing}
            )
        return " ".join(missing)


def _open_responsibility_rows() -> QuerySet[Responsibility]:
    """Open responsibilities with what the pages and the permission checks read of them:
    role, since when, and the person's name, title and whether they are active."""
    return (
        Responsibility.objects.filter(ended_at__isnull=True)
        .select_related("user")
        .only(
            "account_id",
            "user_id",
            "role",
            "assigned_at",
            "ended_at",
            "user__is_active",
            "user__title",
            *user_name_fields("user"),
        )
        .order_by("role", "user__first_name", "user__last_name", "id")
    )


def _open_responsibilities() -> Prefetch[str, QuerySet[Responsibility], str]:
    return Prefetch(
        "responsibilities",
        queryset=_open_responsibility_rows(),
        to_attr="open_responsibilities",
    )


def _with_coverage_counts(accounts: QuerySet[Account]) -> QuerySet[Account]:
    """Annotate ``owner_count`` and ``answerer_count`` (distinct people) in the same query.

    Correlated subqueries rather than a join with GROUP BY: PostgreSQL evaluates them only
    for the rows a page shows (after ORDER BY ... LIMIT), and a paginator's COUNT leaves
    them out, so a page of the list costs the same with 30 accounts or 10,000
    (``make bench``).
    """
    open_rows = Responsibility.objects.filter(account=OuterRef("pk"), ended_at__isnull=True)
    owners = (
        open_rows.filter(role=ResponsibilityRole.OWNER)
        .values("account")
        .annotate(n=Count("id"))
        .values("n")
    )
    answerers = (
        open_rows.filter(role__in=ANSWERING_ROLES)
        .values("account")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    return accounts.annotate(
        owner_count=Coalesce(Subquery(owners, output_field=IntegerField()), 0),
        answerer_count=Coalesce(Subquery(answerers, output_field=IntegerField()), 0),
    )


def account_coverage(*, account: Account) -> Coverage:
    """Coverage of one account: from its prefetched open responsibilities or annotated
    counts when a list selector loaded them, else one query."""
    required = account.status == AccountStatus.ACTIVE
    prefetched: list[Responsibility] | None = getattr(account, "open_responsibilities", None)
    if prefetched is not None:
        pairs = [(r.user_id, r.role) for r in prefetched]
    elif hasattr(account, "owner_count") and hasattr(account, "answerer_count"):
        return Coverage(
            has_owner=account.owner_count > 0,
            answerers_count=account.answerer_count,
            required=required,
        )
    else:
        pairs = list(
            Responsibility.objects.filter(account=account, ended_at__isnull=True).values_list(
                "user_id", "role"
            )
        )
    return Coverage(
        has_owner=any(role == ResponsibilityRole.OWNER for _, role in pairs),
        answerers_count=len({user_id for user_id, role in pairs if role in ANSWERING_ROLES}),
        required=required,
    )


def accounts_active_with_handle(*, platform: str, handle: str) -> QuerySet[Account]:
    """Accounts that still hold this handle on this platform (active or suspended; not
    closed), compared without case and without a leading "@"."""
    return Account.objects.filter(
        platform=platform, handle__iexact=handle_normalize(handle)
    ).exclude(status=AccountStatus.CLOSED)


def accounts_list(
    *,
    unit: Unit | None = None,
    unit_name: str = "",
    platform: str = "",
    status: str = "",
    responsible: User | None = None,
) -> QuerySet[Account]:
    """The account list, filtered (``unit_name``: part of the unit's name); with the unit
    and coverage counts in one query."""
    accounts = Account.objects.select_related("unit")
    if unit is not None:
        accounts = accounts.filter(unit=unit)
    if unit_name.strip():
        accounts = accounts.filter(unit__name__icontains=unit_name.strip())
    if platform:
        accounts = accounts.filter(platform=platform)
    if status:
        accounts = accounts.filter(status=status)
    if responsible is not None:
        accounts = accounts.filter(
            id__in=Responsibility.objects.filter(user=responsible, ended_at__isnull=True).values(
                "account_id"
            )
        )
    return _with_coverage_counts(accounts).order_by("name", "id")


def accounts_below_coverage() -> QuerySet[Account]:
    """Active accounts without an owner or with fewer than two people who can answer."""
    return (
        _with_coverage_counts(
            Account.objects.filter(status=AccountStatus.ACTIVE).select_related("unit")
        )
        .filter(Q(owner_count=0) | Q(answerer_count__lt=MIN_ANSWERERS))
        .order_by("unit__name", "name", "id")
    )


def accounts_follow_up_overdue(*, now: datetime | None = None) -> QuerySet[Account]:
    """Active accounts whose next check-in is past due, the longest overdue first."""
    return (
        Account.objects.filter(
            status=AccountStatus.ACTIVE, follow_up_due_at__lt=now or timezone.now()
        )
        .select_related("unit", "last_check_in_by")
        .order_by("follow_up_due_at", "id")
    )


def accounts_public_register() -> QuerySet[Account]:
    """Every active official account, for the public register (which is cached; see
    ``accounts.register``)."""
    return (
        Account.objects.filter(status=AccountStatus.ACTIVE)
        .select_related("unit")
        .order_by("platform", "name", "id")
    )


def accounts_for_responder(*, user: User) -> QuerySet[Account]:
    """Active accounts the user currently has any responsibility for (owner, responder,
    backup)."""
    return (
        Account.objects.filter(
            status=AccountStatus.ACTIVE,
            id__in=Responsibility.objects.filter(user=user, ended_at__isnull=True).values(
                "account_id"
            ),
        )
        .select_related("unit")
        .order_by("name", "id")
    )


def accounts_for_leader(*, user: User) -> list[Account]:
    """The accounts (not closed) of the units the user leads and those of any unit the
    user owns or answers for, each with its open responsibilities prefetched
    (``open_responsibilities``): two queries in all."""
    responsible = Responsibility.objects.filter(user=user, ended_at__isnull=True)
    return list(
        Account.objects.filter(Q(unit__leaders=user) | Q(id__in=responsible.values("account_id")))
        .exclude(status=AccountStatus.CLOSED)
        .select_related("unit")
        .prefetch_related(_open_responsibilities())
        .order_by("unit__name", "name", "id")
        .distinct()
    )


@dataclass(frozen=True)
class AccountPanelRow:
    """An account on the leader's start page: its people by role, and its coverage."""

    account: Account
    coverage: Coverage
    owners: list[User]
    responders: list[User]
    backups: list[User]
    # Whether the user may give responsibility here (``permissions.can_assign``).
    can_assign: bool


def leader_panel_rows(*, user: User) -> list[AccountPanelRow]:
    """The leader's start page: the accounts of the units the user leads (two queries)."""
    rows = []
    for account in accounts_for_leader(user=user):
        responsibilities: list[Responsibility] = account.open_responsibilities  # type: ignore[attr-defined]

        def holders(
            role: ResponsibilityRole, rs: list[Responsibility] = responsibilities
        ) -> list[User]:
            return [r.user for r in rs if r.role == role]

        rows.append(
            AccountPanelRow(
                account=account,
                coverage=account_coverage(account=account),
                owners=holders(ResponsibilityRole.OWNER),
                responders=holders(ResponsibilityRole.RESPONDER),
                backups=holders(ResponsibilityRole.BACKUP),
                can_assign=can_assign(user, account),
            )
        )
    return rows


def _account_for_page(*, account_id: int) -> QuerySet[Account]:
    return (
        Account.objects.select_related("unit", "created_by", "last_check_in_by")
        .defer(*user_other_fields("created_by"), *user_other_fields("last_check_in_by"))
        .filter(id=account_id)
    )


def _open_responsibilities_of(*, account_id: int) -> QuerySet[Responsibility]:
    return _open_responsibility_rows().filter(account_id=account_id)


def account_with_open_responsibilities(*, account_id: int) -> Account:
    """One account for its page, with its unit, the users it names (by name) and the open
    responsibilities (``open_responsibilities``, so permission checks cost no query but
    the one for the units the viewer leads, ``people.permissions.led_unit_ids``); raises
    ``Account.DoesNotExist``. Two queries."""
    account = _account_for_page(account_id=account_id).get()
    rows = list(_open_responsibilities_of(account_id=account.pk))
    for row in rows:
        row.account = account  # as a prefetch links each row to its account
    account.open_responsibilities = rows  # type: ignore[attr-defined]
    return account


def _history_of(*, account_id: int) -> QuerySet[Responsibility]:
    return (
        Responsibility.objects.filter(account_id=account_id)
        .select_related("user", "assigned_by", "ended_by")
        .only(
            "role",
            "assigned_at",
            "ended_at",
            *user_name_fields("user"),
            *user_name_fields("assigned_by"),
            *user_name_fields("ended_by"),
        )
        .order_by("-assigned_at", "-id")
    )


def responsibilities_history(*, account: Account) -> list[Responsibility]:
    """Every responsibility the account has had, newest first (one query)."""
    return list(_history_of(account_id=account.pk))


def responsibilities_at(*, account: Account, moment: datetime) -> QuerySet[Responsibility]:
    """Who was responsible for the account at a moment."""
    return (
        Responsibility.objects.filter(account=account, assigned_at__lte=moment)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name", "id")
    )


def responsibilities_on_date(*, account: Account, day: date) -> QuerySet[Responsibility]:
    """Who was responsible for the account at any time during a day (Europe/Oslo)."""
    start = datetime.combine(day, time.min, tzinfo=OSLO)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=OSLO)
    return (
        Responsibility.objects.filter(account=account, assigned_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name", "id")
    )


def account_events(*, account: Account) -> QuerySet[Event]:
    """The audit history of an account (its responsibilities are recorded on it too)."""
    return _events_of(
        target_type_id=ContentType.objects.get_for_model(Account).pk, target_id=str(account.pk)
    )


def _events_of(*, target_type_id: int, target_id: str) -> QuerySet[Event]:
    return (
        Event.objects.filter(target_type_id=target_type_id, target_id=target_id)
        .select_related("actor")
        .defer(*user_other_fields("actor"))
    )


# The account page shows this many of the latest events and links to the whole log.
ACCOUNT_PAGE_EVENTS = 10


def _latest_events_of(*, target_type_id: int, target_id: str) -> QuerySet[Event]:
    # One more than shown: whether there are more.
    return _events_of(target_type_id=target_type_id, target_id=target_id)[: ACCOUNT_PAGE_EVENTS + 1]


def account_events_latest(*, account: Account) -> tuple[list[Event], bool]:
    """The account's latest ``ACCOUNT_PAGE_EVENTS`` events, newest first, and whether it
    has more (one query)."""
    events = list(
        _latest_events_of(
            target_type_id=ContentType.objects.get_for_model(Account).pk,
            target_id=str(account.pk),
        )
    )
    return events[:ACCOUNT_PAGE_EVENTS], len(events) > ACCOUNT_PAGE_EVENTS


def users_assignable() -> QuerySet[User]:
    """Who can be given a responsibility: active users."""
    return User.objects.filter(is_active=True).select_related("unit")


def units_with_accounts() -> QuerySet[Unit]:
    """Units for the account list's filter."""
    return Unit.objects.filter(Exists(Account.objects.filter(unit=OuterRef("pk")))).order_by("name")


def account_owners(*, account: Account) -> list[User]:
    """The account's owners now (one in practice: the approval makes one, a handover moves it)."""
    return list(
        User.objects.filter(
            account_responsibilities__account=account,
            account_responsibilities__role=ResponsibilityRole.OWNER,
            account_responsibilities__ended_at__isnull=True,
        ).order_by("pk")
    )
