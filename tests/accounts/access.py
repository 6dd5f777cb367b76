"""Access decisions for the accounts app.

The account belongs to the personas' unit (Reine skole, led by "leder"), which owns it;
"kommunikasjon" is a responder. Responsibility is assigned by a leader of the unit or the
rådmann; check-in is for the people responsible; suspending and the overview are the
rådmann's; the public register is open to everyone.
"""

from accounts.models import Account, AccountStatus, ResponsibilityRole
from moskenes_social.people.models import User
from tests.access import Access, another_unit, everyone, members, only
from tests.conftest import Persona

from .factories import make_account, make_responsibility


def _user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


def _account(personas: dict[str, Persona], status: AccountStatus = AccountStatus.ACTIVE) -> Account:
    leader = _user(personas, "leder")
    return make_account(
        unit=leader.unit,
        owner=leader,
        responders=[_user(personas, "kommunikasjon")],
        status=status,
    )


def _account_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _account(personas).pk}


def _suspended_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _account(personas, status=AccountStatus.SUSPENDED).pk}


def _responsibility_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    account = _account(personas)
    responsibility = make_responsibility(
        account=account, user=_user(personas, "no_role"), role=ResponsibilityRole.BACKUP
    )
    return {"responsibility_id": responsibility.pk}


# --- What the forms send: data each accepts.


def _register_existing(
    personas: dict[str, Persona], kwargs: dict[str, object]
) -> dict[str, object]:
    leader = _user(personas, "leder")
    return {
        "unit": leader.unit_id,
        "platform": "facebook",
        "name": "Reine skole SFO",
        "handle": "reine.skole.sfo",
        "follow_up_interval_days": 1,
        "owner": leader.pk,
        "note": "Fantes før veilederen",
    }


def _edit(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"name": "Nytt navn", "follow_up_interval_days": 2, "answer_deadline_working_hours": 4}


def _assign(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"user": _user(personas, "no_role").pk, "role": ResponsibilityRole.BACKUP}


def _reason(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"reason": "Sommerstengt"}


ASSIGNERS = ["radmann", "leder"]
RESPONSIBLE = ["leder", "kommunikasjon"]
LOG_READERS = ["radmann", "kommunikasjon", "leder"]

ACCESS: dict[str, Access] = {
    "accounts:list": Access(get=members(200)),
    "accounts:overview": Access(get=only(["radmann"], 200)),
    "accounts:register_existing": Access(
        get=only(["radmann"], 200), post=only(["radmann"], 302), data=_register_existing
    ),
    "accounts:detail": Access(get=members(200), kwargs=_account_kwargs),
    "accounts:edit": Access(
        get=only(ASSIGNERS, 200), post=only(ASSIGNERS, 302), kwargs=_account_kwargs, data=_edit
    ),
    # The log: the rådmann, communication staff, the unit's leader (and those responsible).
    "accounts:log": Access(get=only(LOG_READERS, 200), kwargs=_account_kwargs),
    "accounts:responsibility_assign": Access(
        get=only(ASSIGNERS, 200),
        post=only(ASSIGNERS, 302),
        kwargs=_account_kwargs,
        data=_assign,
    ),
    "accounts:responsibility_end": Access(post=only(ASSIGNERS, 302), kwargs=_responsibility_kwargs),
    "accounts:check_in": Access(post=only(RESPONSIBLE, 302), kwargs=_account_kwargs),
    "accounts:suspend": Access(
        get=only(["radmann"], 200),
        post=only(["radmann"], 302),
        kwargs=_account_kwargs,
        data=_reason,
    ),
    "accounts:resume": Access(post=only(["radmann"], 302), kwargs=_suspended_kwargs),
    "accounts:register": Access(get=everyone(200)),
    "accounts:register_json": Access(get=everyone(200)),
}


# --- Object level: an account of another unit (Helse og omsorg), which no persona leads
# or answers for. Every member sees accounts (the register is public anyway), so the
# account's page is 200 and the actions 403; only the rådmann acts on any account.


def _other_account(
    personas: dict[str, Persona], status: AccountStatus = AccountStatus.ACTIVE
) -> Account:
    unit, leader, member = another_unit()
    return make_account(unit=unit, owner=leader, responders=[member], status=status)


def _other_account_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _other_account(personas).pk}


def _other_suspended_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _other_account(personas, status=AccountStatus.SUSPENDED).pk}


def _other_responsibility_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    account = _other_account(personas)
    _unit, leader, _member = another_unit()
    responsibility = make_responsibility(
        account=account, user=leader, role=ResponsibilityRole.BACKUP
    )
    return {"responsibility_id": responsibility.pk}


OTHER = "another unit's account"
RADMANN = ["radmann"]
OBJECT_ACCESS: dict[str, Access] = {
    f"accounts:detail [{OTHER}]": Access(get=members(200), kwargs=_other_account_kwargs),
    f"accounts:edit [{OTHER}]": Access(
        get=only(RADMANN, 200), post=only(RADMANN, 302), kwargs=_other_account_kwargs, data=_edit
    ),
    # Communication staff read every account's log; a leader only their units'.
    f"accounts:log [{OTHER}]": Access(
        get=only(["radmann", "kommunikasjon"], 200), kwargs=_other_account_kwargs
    ),
    f"accounts:responsibility_assign [{OTHER}]": Access(
        get=only(RADMANN, 200),
        post=only(RADMANN, 302),
        kwargs=_other_account_kwargs,
        data=_assign,
    ),
    f"accounts:responsibility_end [{OTHER}]": Access(
        post=only(RADMANN, 302), kwargs=_other_responsibility_kwargs
    ),
    # No persona answers for it, the rådmann included.
    f"accounts:check_in [{OTHER}]": Access(post=members(403), kwargs=_other_account_kwargs),
    f"accounts:suspend [{OTHER}]": Access(
        get=only(RADMANN, 200),
        post=only(RADMANN, 302),
        kwargs=_other_account_kwargs,
        data=_reason,
    ),
    f"accounts:resume [{OTHER}]": Access(post=only(RADMANN, 302), kwargs=_other_suspended_kwargs),
}
