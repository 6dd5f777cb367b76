from django.db.models import QuerySet

from .models import User
from .roles import Role


def users_with_role(*roles: Role) -> QuerySet[User]:
    """Active users who have any of the roles."""
    return User.objects.filter(
        is_active=True, groups__name__in=[role.value for role in roles]
    ).distinct()
