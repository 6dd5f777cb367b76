"""Who may do what with an account. One predicate per decision.

Every logged-in member may see the accounts (the register is public anyway); deciding who is
responsible belongs to the leaders of the account's unit and to the rådmann, who is formally
responsible for everything the municipality publishes.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from moskenes_social.people.models import User
from moskenes_social.people.permissions import leads_unit
from moskenes_social.people.roles import Role, has_role

from .models import Account, AccountStatus, Responsibility, ResponsibilityRole

AnyUser = AbstractBaseUser | AnonymousUser


def _leads_unit(user: AnyUser, account: Account) -> bool:
    return leads_unit(user, account.unit_id)


def _responsible(user: AnyUser, account: Account, *roles: ResponsibilityRole) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    prefetched: list[Responsibility] | None = getattr(account, "open_responsibilities", None)
    if prefetched is not None:
        return any(r.user_id == user.pk and (not roles or r.role in roles) for r in prefetched)
    rows = Responsibility.objects.filter(account=account, user=user, ended_at__isnull=True)
    if roles:
        rows = rows.filter(role__in=roles)
    return rows.exists()


def can_view_account(user: AnyUser, account: Account) -> bool:
    """Every logged-in member sees every account, closed ones included."""
    return isinstance(user, User) and user.is_active


def can_view_account_history(user: AnyUser, account: Account) -> bool:
    """The audit history: the rådmann, communication staff, the unit's leaders, the people
    responsible."""
    if has_role(user, Role.CHIEF_EXECUTIVE, Role.COMMUNICATION_STAFF):
        return True
    return _leads_unit(user, account) or _responsible(user, account)


def can_assign(user: AnyUser, account: Account) -> bool:
    """Assign and end responsibilities: a leader of the account's unit, the account's
    owner (who may lead another unit), or the rådmann."""
    if has_role(user, Role.CHIEF_EXECUTIVE):
        return True
    return (has_role(user, Role.LEADER) and _leads_unit(user, account)) or _responsible(
        user, account, ResponsibilityRole.OWNER
    )


def can_edit_account(user: AnyUser, account: Account) -> bool:
    """Contact facts, follow-up interval, answering deadline: those who assign, while open."""
    return account.status != AccountStatus.CLOSED and can_assign(user, account)


def can_check_in(user: AnyUser, account: Account) -> bool:
    """Report the account followed up: anyone currently responsible for an active account."""
    return account.status == AccountStatus.ACTIVE and _responsible(user, account)


def can_request_closing(user: AnyUser, account: Account) -> bool:
    """Ask for the account to be closed: its owner or a leader of its unit (approvals app)."""
    if account.status == AccountStatus.CLOSED:
        return False
    return _responsible(user, account, ResponsibilityRole.OWNER) or (
        has_role(user, Role.LEADER) and _leads_unit(user, account)
    )


def can_suspend(user: AnyUser, account: Account) -> bool:
    """Suspend or resume an account: the rådmann."""
    return account.status != AccountStatus.CLOSED and has_role(user, Role.CHIEF_EXECUTIVE)


def can_register_existing(user: AnyUser) -> bool:
    """Register an account that existed before the app: the rådmann, who approves profiles."""
    return has_role(user, Role.CHIEF_EXECUTIVE)


def can_view_overview(user: AnyUser) -> bool:
    """The overview of accounts below coverage or behind on follow-up: the rådmann."""
    return has_role(user, Role.CHIEF_EXECUTIVE)
