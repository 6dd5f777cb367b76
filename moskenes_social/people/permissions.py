from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .roles import Role, has_role


def can_lift_login_locks(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The rådmann (and an operator in the admin or with `manage.py axes_reset`)."""
    return has_role(user, Role.CHIEF_EXECUTIVE)
