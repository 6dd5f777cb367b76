"""Access decisions for crisis mode.

Starting, updating and ending belong to the roles that lead in a crisis under the guideline
in force (the crisis leader and the mayor); the history and each crisis's page are open to
every member, as the banner is.
"""

from tests.access import Access, members, only
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.posts.factories import make_post

from .factories import make_crisis

TEAM = ["kriseleder", "ordforer"]


def _active(personas: dict[str, Persona]) -> dict[str, object]:
    return {"crisis_id": make_crisis(started_by=personas["kriseleder"].user).pk}


def _ended(personas: dict[str, Persona]) -> dict[str, object]:
    return {"crisis_id": make_crisis(started_by=personas["ordforer"].user, active=False).pk}


ACCESS: dict[str, Access] = {
    "crisis:list": Access(members(200)),
    "crisis:start": Access(only(TEAM, 200)),
    "crisis:detail": Access(members(200), kwargs=_ended),
    "crisis:update": Access(only(TEAM, 200), kwargs=_active),
    "crisis:end": Access(only(TEAM, 200), kwargs=_active),
}


def _post_on_covered_account(personas: dict[str, Persona]) -> dict[str, object]:
    make_crisis(started_by=personas["kriseleder"].user)
    return {"post_id": make_post(account=make_account()).pk}


ACCESS |= {
    "crisis:inbox": Access(only(TEAM, 200)),
    # Answered, then redirected to the post's page.
    "crisis:answer_official": Access(
        only(TEAM, 302), method="post", kwargs=_post_on_covered_account
    ),
}


# --- Object level: the one-step answer names a post by number. Outside the crisis team,
# a post that does not exist is refused like one that does (403), so the answer tells an
# outsider nothing about which posts exist; the team gets 404.
OBJECT_ACCESS: dict[str, Access] = {
    "crisis:answer_official [a post that does not exist]": Access(
        only(TEAM, 404), method="post", kwargs=lambda personas: {"post_id": 999_999}
    ),
}
