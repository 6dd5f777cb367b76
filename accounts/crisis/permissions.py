"""Who may do what in crisis mode. One predicate per decision.

Who leads in a crisis is a parameter of the guideline version in force
(``crisis_leader_roles``: the mayor and the crisis leader in version 1), never a constant
here. Everyone who leads may start, update and end a crisis, and is the "crisis team" that
the lockout lets through.
"""

from accounts.lockout import AnyUser, is_crisis_team
from accounts.models import CrisisPeriod
from moskenes_social.people.models import User

__all__ = [
    "can_end_crisis",
    "can_start_crisis",
    "can_update_crisis",
    "can_use_crisis_inbox",
    "can_view_crises",
    "is_crisis_team",
]


def can_start_crisis(user: AnyUser) -> bool:
    return is_crisis_team(user)


def can_update_crisis(user: AnyUser, crisis: CrisisPeriod) -> bool:
    """Publish a new version of the official message: the crisis team, while it lasts."""
    return crisis.is_active and is_crisis_team(user)


def can_end_crisis(user: AnyUser, crisis: CrisisPeriod) -> bool:
    return crisis.is_active and is_crisis_team(user)


def can_view_crises(user: AnyUser) -> bool:
    """The history and each crisis's page: every member (the banner shows it to all)."""
    return isinstance(user, User) and user.is_active


def can_use_crisis_inbox(user: AnyUser) -> bool:
    """The crisis team's inbox of every open post on the covered accounts, and its one-step
    answer with the official message (which the posts services check again)."""
    return is_crisis_team(user)
