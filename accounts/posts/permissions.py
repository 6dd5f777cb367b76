"""Who may see and handle the posts of an account. One predicate per decision.

A post holds a citizen's words, so it is not for every member: those responsible for the
account (owner, responders, backups) and the leaders of its unit see its posts, as do the
rådmann (formally responsible for all the municipality publishes), the communication staff
and the crisis team (who coordinate in a crisis). Answering, closing, removing and
reopening belong to those responsible for the account; the services decide it in one
place, ``services._check_may_act``.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from accounts.models import Account, AccountStatus, Responsibility, ResponsibilityRole
from moskenes_social.people.models import User
from moskenes_social.people.permissions import leads_unit
from moskenes_social.people.roles import CRISIS_TEAM, Role, has_role

AnyUser = AbstractBaseUser | AnonymousUser

# Roles that see the posts of every account.
OVERVIEW_ROLES = (Role.CHIEF_EXECUTIVE, Role.COMMUNICATION_STAFF, *CRISIS_TEAM)


def _active_user(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def _responsible(user: AnyUser, account: Account, *roles: ResponsibilityRole) -> bool:
    member = _active_user(user)
    if member is None:
        return False
    prefetched: list[Responsibility] | None = getattr(account, "open_responsibilities", None)
    if prefetched is not None:
        return any(r.user_id == member.pk and (not roles or r.role in roles) for r in prefetched)
    rows = Responsibility.objects.filter(account=account, user=member, ended_at__isnull=True)
    if roles:
        rows = rows.filter(role__in=roles)
    return rows.exists()


def _leads_unit(user: AnyUser, account: Account) -> bool:
    member = _active_user(user)
    if member is None or not has_role(member, Role.LEADER):
        return False
    return leads_unit(member, account.unit_id)


def sees_all_posts(user: AnyUser) -> bool:
    """The rådmann, the communication staff and the crisis team see every account's posts."""
    return _active_user(user) is not None and has_role(user, *OVERVIEW_ROLES)


def can_view_posts(user: AnyUser, account: Account) -> bool:
    """See an account's posts: those responsible, the unit's leaders, the overview roles."""
    if _active_user(user) is None:
        return False
    return sees_all_posts(user) or _responsible(user, account) or _leads_unit(user, account)


def can_act_on_posts(user: AnyUser, account: Account) -> bool:
    """Triage, answer, close, remove and reopen posts: anyone currently responsible for the
    account (owner, responder, backup) while it is active."""
    return account.status == AccountStatus.ACTIVE and _responsible(user, account)


def can_register_post(user: AnyUser, account: Account) -> bool:
    """Register a post by hand on an account one answers for (the same people)."""
    return can_act_on_posts(user, account)


def can_manage_integrations(user: AnyUser, account: Account) -> bool:
    """Create and revoke ingest tokens, connect the Facebook Page: the account's owner."""
    return account.status == AccountStatus.ACTIVE and _responsible(
        user, account, ResponsibilityRole.OWNER
    )
