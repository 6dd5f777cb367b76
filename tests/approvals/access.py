"""Access decisions for requests: requester, rådmann, unit leaders; others get 404."""

from accounts.services import account_create
from approvals.models import AccountRequest
from tests.access import Access, members, only
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


ACCESS: dict[str, Access] = {
    # Everyone logged in sees their own list; only staff with a role may ask.
    "approvals:list": Access(members(200)),
    "approvals:create": Access({**members(200), "no_role": 403}),
    "approvals:queue": Access(only(["radmann"], 200)),
    "approvals:archive": Access(only(["radmann"], 200)),
    "approvals:detail": Access(_visible(200), kwargs=_submitted),
    # Only the requester edits a draft; the rådmann and the leader may see but not edit.
    "approvals:edit": Access({**_visible(403), "kommunikasjon": 200}, kwargs=_draft),
    "approvals:withdraw": Access(
        {**_visible(403), "kommunikasjon": 302}, method="post", kwargs=_submitted
    ),
    "approvals:decide": Access({**_visible(403), "radmann": 200}, kwargs=_submitted),
    # The owner (the unit's leader) may ask to close; the rådmann sees the account but
    # does not ask himself; others do not see the account's closing page.
    "approvals:close_account": Access({**members(403), "leder": 200}, kwargs=_account),
}
