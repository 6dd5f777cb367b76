from django.http import HttpRequest

from . import permissions


def menu(request: HttpRequest) -> dict[str, bool]:
    """The menu's entries for requests, asked of the predicates (no query: the roles are
    read once per request)."""
    user = request.user
    return {
        # Whoever may ask for a profile has requests of their own to follow.
        "menu_requests": permissions.can_create_request(user),
        "menu_decisions": permissions.can_see_queue(user),
    }
