from django.http import HttpRequest

from moskenes_social.people.models import User
from moskenes_social.people.roles import CRISIS_TEAM, user_roles

from .selectors import crisis_banner_of


def crisis(request: HttpRequest) -> dict[str, object]:
    """For every member's page: the active crisis's banner (one query) and whether to show
    the "Krise" menu entry (the roles are read once per request already). Anonymous pages
    (login, the public register, which is cached publicly) show neither and cost nothing.

    The menu follows the crisis roles of ``people.roles``; what a user may do is decided by
    ``accounts.crisis.permissions`` from the guideline version in force.
    """
    user = request.user
    if not isinstance(user, User):
        return {"crisis_banner": None, "crisis_leader": False}
    return {
        "crisis_banner": crisis_banner_of(request),
        "crisis_leader": bool(user_roles(user) & CRISIS_TEAM),
    }
