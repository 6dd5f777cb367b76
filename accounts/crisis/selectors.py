"""Reads of crises: the active one, the banner every page shows, history, recipients."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.models import Account, AccountStatus, Responsibility
from moskenes_social.people.models import User
from policy.selectors import policy_in_force

from .models import CrisisMessage, CrisisPeriod, CrisisStatus


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


def _crisis_team_group_names() -> list[str]:
    return [role.value for role in policy_in_force().crisis_leader_roles]


def crisis_team_users() -> QuerySet[User]:
    """Active users with a role that leads in a crisis under the guideline in force."""
    return User.objects.filter(
        is_active=True, groups__name__in=_crisis_team_group_names()
    ).distinct()


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
            Q(id__in=responsible.values("user_id")) | Q(groups__name__in=_crisis_team_group_names())
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
