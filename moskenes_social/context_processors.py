from django.conf import settings
from django.http import HttpRequest

from moskenes_social.notifications.selectors import notifications_unread_count
from moskenes_social.people.models import User


def shell(request: HttpRequest) -> dict[str, object]:
    """What the base layout needs on every page: the municipality and the unread count.
    The menu's entries come from the apps' own context processors, which ask their
    permission predicates."""
    user = request.user
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        "unread_notifications": (
            notifications_unread_count(user=user) if isinstance(user, User) else 0
        ),
    }
