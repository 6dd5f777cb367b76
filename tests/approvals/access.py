"""Access decisions for requests: requester, rådmann, unit leaders; others get 404."""

from accounts.services import account_create
from approvals.models import AccountRequest
from tests.access import Access, another_unit, members, only
from tests.approvals.factories import make_draft, make_submitted
from tests.conftest import PERSONA_NAMES, Persona


def _staff_request(personas: dict[str, Persona], *, submitted: bool) -> AccountRequest:
    staff, leader = personas["kommunikasjon"].user, personas["leder"].user
    assert staff is not None and leader is not None and leader.unit is not None
    maker = make_submitted if submitted else make_draft
    return maker(requester=staff, unit=leader.unit, leader=leader)


def _submitted(personas: dict[str, Persona]) -> dict[str, object]:
    return {"request_id": _staff_request(personas, submitted=True).pk}


def _draft(personas: dict[str, Persona]) -> dict[str, object]:
    return {"request_id": _staff_request(personas, submitted=False).pk}


def _account(personas: dict[str, Persona]) -> dict[str, object]:
    radmann, leader = personas["radmann"].user, personas["leder"].user
    assert radmann is not None and leader is not None and leader.unit is not None
    account = account_create(
        actor=radmann,
        unit=leader.unit,
        platform="facebook",
        name="Skolen",
        handle="skolen",
        owner=leader,
    )
    return {"account_id": account.pk}


def _visible(status: int, hidden: int = 404) -> dict[str, int]:
    """Visible to the requester (kommunikasjon), the rådmann and the unit's leader."""
    return {
        **dict.fromkeys(PERSONA_NAMES, hidden),
        "kommunikasjon": status,
        "radmann": status,
        "leder": status,
        "anonymous": 302,
    }


def _draft_data(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"name": "Skolens side", "save": "1"}


def _decision(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"decision": "returned", "text": "Målgruppen er uklar"}


def _closing(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"closing_reason": "Kontoen er ikke i bruk lenger"}


ACCESS: dict[str, Access] = {
    # Everyone logged in sees their own list; only staff with a role may ask.
    "approvals:list": Access(get=members(200)),
    "approvals:create": Access(
        get={**members(200), "no_role": 403},
        post={**members(302), "no_role": 403},
        data=_draft_data,
    ),
    "approvals:queue": Access(get=only(["radmann"], 200)),
    "approvals:archive": Access(get=only(["radmann"], 200)),
    "approvals:detail": Access(get=_visible(200), kwargs=_submitted),
    # Only the requester edits a draft; the rådmann and the leader may see but not edit.
    "approvals:edit": Access(
        get={**_visible(403), "kommunikasjon": 200},
        post={**_visible(403), "kommunikasjon": 302},
        kwargs=_draft,
        data=_draft_data,
    ),
    "approvals:withdraw": Access(post={**_visible(403), "kommunikasjon": 302}, kwargs=_submitted),
    "approvals:decide": Access(
        get={**_visible(403), "radmann": 200},
        post={**_visible(403), "radmann": 302},
        kwargs=_submitted,
        data=_decision,
    ),
    # The owner (the unit's leader) may ask to close; the rådmann sees the account but
    # does not ask himself; others do not see the account's closing page.
    "approvals:close_account": Access(
        get={**members(403), "leder": 200},
        post={**members(403), "leder": 302},
        kwargs=_account,
        data=_closing,
    ),
}


# --- Object level: a request by someone else (a communication adviser of Helse og omsorg,
# a unit no persona leads). Only the rådmann sees it; to everyone else, a colleague with
# the same role included, it does not exist (404), whatever the page.


def _others_request(personas: dict[str, Persona], *, submitted: bool) -> AccountRequest:
    unit, leader, member = another_unit()
    maker = make_submitted if submitted else make_draft
    return maker(requester=member, unit=unit, leader=leader, handle="helsestasjonen")


def _others_submitted(personas: dict[str, Persona]) -> dict[str, object]:
    return {"request_id": _others_request(personas, submitted=True).pk}


def _others_draft(personas: dict[str, Persona]) -> dict[str, object]:
    return {"request_id": _others_request(personas, submitted=False).pk}


def _other_account(personas: dict[str, Persona]) -> dict[str, object]:
    radmann = personas["radmann"].user
    assert radmann is not None
    unit, leader, _member = another_unit()
    account = account_create(
        actor=radmann, unit=unit, platform="facebook", name="Helse", handle="helse", owner=leader
    )
    return {"account_id": account.pk}


def _radmann_only(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONA_NAMES, 404), "radmann": status, "anonymous": 302}


OTHERS = "another person's request"
OBJECT_ACCESS: dict[str, Access] = {
    f"approvals:detail [{OTHERS}]": Access(get=_radmann_only(200), kwargs=_others_submitted),
    f"approvals:edit [{OTHERS}]": Access(
        get=_radmann_only(403), post=_radmann_only(403), kwargs=_others_draft, data=_draft_data
    ),
    f"approvals:withdraw [{OTHERS}]": Access(post=_radmann_only(403), kwargs=_others_submitted),
    f"approvals:decide [{OTHERS}]": Access(
        get=_radmann_only(200),
        post=_radmann_only(302),
        kwargs=_others_submitted,
        data=_decision,
    ),
    # Every member sees the account; no persona owns it or leads its unit.
    "approvals:close_account [another unit's account]": Access(
        get=members(403), post=members(403), kwargs=_other_account, data=_closing
    ),
}
