from django.db.models import QuerySet

from .models import User
from .roles import Role


def users_with_role(*roles: Role) -> QuerySet[User]:
    """Active users who have any of the roles."""
    return User.objects.filter(
        is_active=True, groups__name__in=[role.value for role in roles]
    ).distinct()


# What ``str(user)`` reads: a list that shows people by name loads only these of each
# related user (``.only(*user_name_fields("requester"))``), not the password hash and
# the other twelve columns.
USER_NAME_FIELDS = ("first_name", "last_name", "username")


def user_name_fields(relation: str) -> tuple[str, ...]:
    """``USER_NAME_FIELDS`` of the user a query reaches through ``relation``."""
    return tuple(f"{relation}__{field}" for field in USER_NAME_FIELDS)


def user_other_fields(relation: str) -> tuple[str, ...]:
    """Every other field of the user a query reaches through ``relation``: for ``.defer()``
    where the query's own model is loaded whole and the user is only shown by name."""
    return tuple(
        f"{relation}__{field.name}"
        for field in User._meta.concrete_fields
        if not field.primary_key and field.name not in USER_NAME_FIELDS
    )
