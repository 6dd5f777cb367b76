from django.conf import settings
from django.http import HttpRequest

from moskenes_social.notifications.selectors import notifications_unread_count
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role, user_roles


def shell(request: HttpRequest) -> dict[str, object]:
    """What the base layout needs on every page: the municipality, roles, unread count."""
    user = request.user
    roles = user_roles(user)
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        "user_roles": roles,
        "Role": Role,
        "unread_notifications": (
            notifications_unread_count(user=user) if isinstance(user, User) else 0
        ),
    }
