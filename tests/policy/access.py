"""Access decisions for the guideline: everyone logged in reads, the rådmann edits."""

from tests.access import Access, members, only
from tests.conftest import Persona

from .factories import make_draft


def _v1(personas: dict[str, Persona]) -> dict[str, object]:
    return {"number": 1}


def _draft(personas: dict[str, Persona]) -> dict[str, object]:
    user = personas["radmann"].user
    assert user is not None
    return {"number": make_draft(actor=user).number}


def _draft_rule(personas: dict[str, Persona]) -> dict[str, object]:
    return {**_draft(personas), "code": "2-svar-snarest"}


RADMANN_ONLY = only(["radmann"], 200)

ACCESS: dict[str, Access] = {
    "policy:current": Access(members(200)),
    "policy:version_list": Access(members(200)),
    "policy:version_detail": Access(members(200), kwargs=_v1),
    "policy:compare": Access(members(200)),
    "policy:acknowledge": Access(members(302), method="post", kwargs=_v1),
    "policy:acknowledgement_list": Access(RADMANN_ONLY, kwargs=_v1),
    "policy:draft_create": Access(only(["radmann"], 302), method="post"),
    "policy:draft_edit": Access(RADMANN_ONLY, kwargs=_draft),
    "policy:draft_parameters": Access(RADMANN_ONLY, kwargs=_draft),
    "policy:rule_add": Access(RADMANN_ONLY, kwargs=_draft),
    "policy:rule_change": Access(RADMANN_ONLY, kwargs=_draft_rule),
    "policy:rule_remove": Access(only(["radmann"], 302), method="post", kwargs=_draft_rule),
    "policy:rule_move": Access(only(["radmann"], 302), method="post", kwargs=_draft_rule),
    "policy:version_adopt": Access(RADMANN_ONLY, kwargs=_draft),
    "policy:version_discard": Access(only(["radmann"], 302), method="post", kwargs=_draft),
}


# --- Object level: a draft version. Only editors read drafts; to everyone else a draft
# does not exist (404, as for a version number never used), on every page that names it.

OBJECT_ACCESS: dict[str, Access] = {
    "policy:version_detail [a draft]": Access({**members(404), "radmann": 200}, kwargs=_draft),
    # The rådmann is told with a message that a draft cannot be acknowledged.
    "policy:acknowledge [a draft]": Access(
        {**members(404), "radmann": 302}, method="post", kwargs=_draft
    ),
    "policy:acknowledgement_list [a draft]": Access(
        {**members(404), "radmann": 403}, kwargs=_draft
    ),
}
