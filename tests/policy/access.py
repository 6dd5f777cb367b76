"""Access decisions for the guideline: everyone logged in reads, the rådmann edits."""

from django.utils import timezone

from tests.access import Access, members, only
from tests.conftest import Persona

from .factories import make_draft


def _v1(personas: dict[str, Persona]) -> dict[str, object]:
    return {"number": 1}


def _draft(personas: dict[str, Persona]) -> dict[str, object]:
    user = personas["radmann"].user
    assert user is not None
    return {"number": make_draft(actor=user).number}


RULE = "2-svar-snarest"


def _draft_rule(personas: dict[str, Persona]) -> dict[str, object]:
    return {**_draft(personas), "code": RULE}


# --- What the forms send: data each accepts.


def _parameters(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {
        "answer_deadline_working_hours": "6",
        "working_day_start": "08:00",
        "working_day_end": "15:30",
        "stage_due_after": "0",
        "stage_due_notify": "responders",
        "stage_escalation_after": "7.5",
        "stage_escalation_notify": "owner",
        "crisis_leader_roles": ["ordfører", "kriseleder"],
    }


def _rule(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {
        "code": "2-ny-regel",
        "section": "2",
        "heading": "Slik bør du svare",
        "title": "Ny regel",
        "text": "Svar *vennlig*.",
        "category": "conduct",
    }


def _rule_changed(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {
        "section": "2",
        "heading": "Slik bør du svare",
        "title": "Svar snarest",
        "text": "Alle innlegg der det forventes svar skal snarest besvares.",
        "category": "answering_duty",
        "always_answer": ["complaint", "factual_error"],
        "sets_deadline": "on",
    }


def _move(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"direction": "down"}


def _adopt(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    today = timezone.localdate().isoformat()
    return {
        "adopted_by": "AMU",
        "adopted_on": today,
        "effective_from": today,
        "change_summary": "Kortere svarfrist.",
    }


RADMANN_ONLY = only(["radmann"], 200)
RADMANN_POSTS = only(["radmann"], 302)

ACCESS: dict[str, Access] = {
    "policy:current": Access(get=members(200)),
    "policy:version_list": Access(get=members(200)),
    "policy:version_detail": Access(get=members(200), kwargs=_v1),
    "policy:compare": Access(get=members(200)),
    "policy:acknowledge": Access(post=members(302), kwargs=_v1),
    "policy:acknowledgement_list": Access(get=RADMANN_ONLY, kwargs=_v1),
    "policy:draft_create": Access(post=RADMANN_POSTS),
    "policy:draft_edit": Access(get=RADMANN_ONLY, kwargs=_draft),
    "policy:draft_parameters": Access(
        get=RADMANN_ONLY, post=RADMANN_POSTS, kwargs=_draft, data=_parameters
    ),
    "policy:rule_add": Access(get=RADMANN_ONLY, post=RADMANN_POSTS, kwargs=_draft, data=_rule),
    "policy:rule_change": Access(
        get=RADMANN_ONLY, post=RADMANN_POSTS, kwargs=_draft_rule, data=_rule_changed
    ),
    "policy:rule_remove": Access(post=RADMANN_POSTS, kwargs=_draft_rule),
    "policy:rule_move": Access(post=RADMANN_POSTS, kwargs=_draft_rule, data=_move),
    "policy:version_adopt": Access(
        get=RADMANN_ONLY, post=RADMANN_POSTS, kwargs=_draft, data=_adopt
    ),
    "policy:version_discard": Access(post=RADMANN_POSTS, kwargs=_draft),
}


# --- Object level: a draft version. Only editors read drafts; to everyone else a draft
# does not exist (404, as for a version number never used), on every page that names it.
# The editor's pages on an adopted version: it never changes, so to the rådmann it has no
# editor (404); everyone else is refused before the version is looked up (403).


def _v1_rule(personas: dict[str, Persona]) -> dict[str, object]:
    return {"number": 1, "code": RULE}


ADOPTED = only(["radmann"], 404)

OBJECT_ACCESS: dict[str, Access] = {
    "policy:version_detail [a draft]": Access(get={**members(404), "radmann": 200}, kwargs=_draft),
    # The rådmann is told with a message that a draft cannot be acknowledged.
    "policy:acknowledge [a draft]": Access(
        post={**members(404), "radmann": 302}, kwargs=_draft, changes_nothing=("radmann",)
    ),
    "policy:acknowledgement_list [a draft]": Access(
        get={**members(404), "radmann": 403}, kwargs=_draft
    ),
    "policy:draft_edit [an adopted version]": Access(get=ADOPTED, kwargs=_v1),
    "policy:draft_parameters [an adopted version]": Access(
        get=ADOPTED,
        post=ADOPTED,
        kwargs=_v1,
        data=_parameters,
    ),
    "policy:rule_add [an adopted version]": Access(
        get=ADOPTED, post=ADOPTED, kwargs=_v1, data=_rule
    ),
    "policy:rule_change [an adopted version]": Access(
        get=ADOPTED,
        post=ADOPTED,
        kwargs=_v1_rule,
        data=_rule_changed,
    ),
    "policy:rule_remove [an adopted version]": Access(post=ADOPTED, kwargs=_v1_rule),
    "policy:rule_move [an adopted version]": Access(post=ADOPTED, kwargs=_v1_rule, data=_move),
    "policy:version_adopt [an adopted version]": Access(
        get=ADOPTED, post=ADOPTED, kwargs=_v1, data=_adopt
    ),
    "policy:version_discard [an adopted version]": Access(post=ADOPTED, kwargs=_v1),
}
