"""The crisis lockout, called by every service that answers, closes or publishes.

While a crisis covers an account, only the crisis team may speak for it: the guideline says
staff "har ... ikke anledning til å gi egne kommentarer utover kommunens offisielle
budskap". The refusal happens in the services, so a form, the ingest API and a direct call
are all refused alike; reading stays open to everyone.

It sits between the models and the posts: posts obey it, crisis mode (``accounts.crisis``)
starts and ends what it reads, and neither posts nor this module import crisis mode.
Who is in the crisis team is a parameter of the guideline version in force
(``crisis_leader_roles``: the mayor and the crisis leader in version 1).
"""

from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Account, AccountStatus, CrisisPeriod, CrisisStatus
from moskenes_social.people.models import User
from moskenes_social.people.roles import has_role
from policy.selectors import policy_in_force

AnyUser = AbstractBaseUser | AnonymousUser


def is_crisis_team(user: AnyUser) -> bool:
    """The user has one of the roles that lead in a crisis under the guideline in force."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return has_role(user, *policy_in_force().crisis_leader_roles)


def crisis_team_group_names() -> list[str]:
    """The groups (roles) that lead in a crisis under the guideline in force."""
    return [role.value for role in policy_in_force().crisis_leader_roles]


def crisis_team_users() -> QuerySet[User]:
    """Active users with a role that leads in a crisis under the guideline in force."""
    return User.objects.filter(
        is_active=True, groups__name__in=crisis_team_group_names()
    ).distinct()


class CrisisLockout(PermissionDenied):
    """Refused because a crisis covers the account and the actor is not in the crisis team.

    A ``PermissionDenied``: a view that lets it through answers 403 with its message.
    """


def crisis_covering(*, account: Account) -> CrisisPeriod | None:
    """The active crisis if it covers the account (all accounts, or this one); one query."""
    chosen = CrisisPeriod.accounts.through.objects.filter(
        crisisperiod_id=OuterRef("pk"), account_id=account.pk
    )
    return (
        CrisisPeriod.objects.filter(status=CrisisStatus.ACTIVE)
        .filter(Q(covers_all_accounts=True) | Q(Exists(chosen)))
        .select_related("started_by")
        .first()
    )


def crisis_covered_accounts(*, account_ids: Collection[int]) -> set[int]:
    """Those of the accounts that the active crisis covers, as ``crisis_covering`` decides
    for one; one query whatever their number (the reminder job asks for a batch of posts),
    none for no accounts."""
    if not account_ids:
        return set()
    active = CrisisPeriod.objects.filter(status=CrisisStatus.ACTIVE)
    return set(
        Account.objects.filter(pk__in=account_ids)
        .filter(
            Exists(active.filter(covers_all_accounts=True))
            | Exists(active.filter(accounts=OuterRef("pk")))
        )
        .values_list("pk", flat=True)
    )


def crisis_lockout_message() -> str:
    return _(
        "Crisis mode is active. Until it ends, only the crisis team may answer for this "
        "account, with the municipality's official message. You can still read everything."
    )


def crisis_lockout_enforce(*, actor: AnyUser | None, account: Account) -> CrisisPeriod | None:
    """Raise ``CrisisLockout`` if an active crisis covers the account and the actor is not in
    the crisis team; else return that crisis (None if none covers the account), so that the
    caller knows without a second look whether the team acts for the account now
    (``crisis_team_acts``). One query when no crisis is active."""
    crisis = crisis_covering(account=account)
    if crisis is None:
        return None
    if actor is not None and is_crisis_team(actor):
        return crisis
    raise CrisisLockout(crisis_lockout_message())


def crisis_team_acts(*, crisis: CrisisPeriod | None, account: Account) -> bool:
    """Whether the crisis team acts for the account without being responsible for it: a
    crisis that let the actor through (``crisis_lockout_enforce``) covers it, and it is
    active."""
    return crisis is not None and account.status == AccountStatus.ACTIVE


def crisis_team_may_act(*, actor: AnyUser | None, account: Account) -> bool:
    """True if an active crisis covers the (active) account and the actor is in the crisis
    team: the team then acts for the account without being responsible for it."""
    try:
        crisis = crisis_lockout_enforce(actor=actor, account=account)
    except CrisisLockout:
        return False
    return crisis_team_acts(crisis=crisis, account=account)
