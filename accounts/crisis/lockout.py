"""The crisis lockout, called by every service that answers, closes or publishes.

While a crisis covers an account, only the crisis team may speak for it: the guideline says
staff "har ... ikke anledning til å gi egne kommentarer utover kommunens offisielle
budskap". The refusal happens in the services, so a form, the ingest API and a direct call
are all refused alike; reading stays open to everyone.
"""

from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from accounts.models import Account, AccountStatus

from .models import CrisisPeriod, CrisisStatus
from .permissions import is_crisis_team


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


def crisis_lockout_check(
    *, actor: AbstractBaseUser | AnonymousUser | None, account: Account
) -> bool:
    """Raise ``CrisisLockout`` if an active crisis covers the account and the actor is not in
    the crisis team. Return whether the crisis team acts for the account now (a crisis
    covers it, it is active, and the actor is in the team), as ``crisis_team_may_act``
    decides, so that a caller needs no second look. One query when no crisis is active."""
    if crisis_covering(account=account) is None:
        return False
    if actor is not None and is_crisis_team(actor):
        return account.status == AccountStatus.ACTIVE
    raise CrisisLockout(crisis_lockout_message())


def crisis_team_may_act(
    *, actor: AbstractBaseUser | AnonymousUser | None, account: Account
) -> bool:
    """True if an active crisis covers the (active) account and the actor is in the crisis
    team: the team then acts for the account without being responsible for it."""
    try:
        return crisis_lockout_check(actor=actor, account=account)
    except CrisisLockout:
        return False
