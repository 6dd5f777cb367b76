from django.http import HttpRequest

from moskenes_social.audit.permissions import can_read_log

from . import permissions


def menu(request: HttpRequest) -> dict[str, bool]:
    """The menu's entries for the account overview and the log, asked of the predicates
    (no query: the roles are read once per request)."""
    user = request.user
    return {
        "menu_overview": permissions.can_view_overview(user),
        "menu_log": can_read_log(user),
    }
