from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Unit, User
from .roles import Role, has_role

_LED_UNITS_ATTR = "_moskenes_led_unit_ids"


def led_unit_ids(user: User) -> frozenset[int]:
    """The units the user leads: one query per user object (a request's ``request.user``),
    then cached on it, as ``user_roles`` caches the roles. A page that decides several
    things about one or many accounts asks once, whatever their units. Like the roles, a
    user object that outlives a change of leaders (a shell, a long task) keeps what it
    read; load the user again to see the change."""
    cached: frozenset[int] | None = getattr(user, _LED_UNITS_ATTR, None)
    if cached is None:
        rows = Unit.leaders.through.objects.filter(user_id=user.pk).values_list(
            "unit_id", flat=True
        )
        cached = frozenset(rows)
        setattr(user, _LED_UNITS_ATTR, cached)
    return cached


def leads_unit(user: AbstractBaseUser | AnonymousUser, unit_id: int | None) -> bool:
    """True if an active user is one of the leaders of the unit ``unit_id``: the id is all
    it needs, so a caller's account or request need not load its unit."""
    if unit_id is None or not isinstance(user, User) or not user.is_active:
        return False
    return unit_id in led_unit_ids(user)


def can_lift_login_locks(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The rådmann (and an operator in the admin or with `manage.py axes_reset`)."""
    return has_role(user, Role.CHIEF_EXECUTIVE)
