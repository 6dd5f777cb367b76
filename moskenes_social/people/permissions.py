from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Unit, User
from .roles import Role, has_role


def leads_unit(user: AbstractBaseUser | AnonymousUser, unit: Unit | None) -> bool:
    """True if an active user is one of the unit's leaders.

    ``.all()`` uses the leaders when a selector prefetched them (the account page), so a
    page's several decisions cost no query each; units have few leaders.
    """
    if unit is None or not isinstance(user, User) or not user.is_active:
        return False
    return any(leader.pk == user.pk for leader in unit.leaders.all())


def can_lift_login_locks(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The rådmann (and an operator in the admin or with `manage.py axes_reset`)."""
    return has_role(user, Role.CHIEF_EXECUTIVE)
