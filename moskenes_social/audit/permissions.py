from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from moskenes_social.people.roles import Role, has_role


def can_read_log(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The rådmann is formally responsible for everything and reads the whole log."""
    return has_role(user, Role.CHIEF_EXECUTIVE)
