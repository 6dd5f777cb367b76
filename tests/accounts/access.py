"""Access decisions for the accounts app.

The account belongs to the personas' unit (Reine skole, led by "leder"), which owns it;
"kommunikasjon" is a responder. Responsibility is assigned by a leader of the unit or the
rådmann; check-in is for the people responsible; suspending and the overview are the
rådmann's; the public register is open to everyone.
"""

from accounts.models import Account, ResponsibilityRole
from moskenes_social.people.models import User
from tests.access import Access, another_unit, everyone, members, only
from tests.conftest import Persona

from .factories import make_account, make_responsibility


def _user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


def _account(personas: dict[str, Persona]) -> Account:
    leader = _user(personas, "leder")
    return make_account(
        unit=leader.unit, owner=leader, responders=[_user(personas, "kommunikasjon")]
    )


def _account_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _account(personas).pk}


def _responsibility_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    account = _account(personas)
    responsibility = make_responsibility(
        account=account, user=_user(personas, "no_role"), role=ResponsibilityRole.BACKUP
    )
    return {"responsibility_id": responsibility.pk}


ASSIGNERS = ["radmann", "leder"]
RESPONSIBLE = ["leder", "kommunikasjon"]
LOG_READERS = ["radmann", "kommunikasjon", "leder"]

ACCESS: dict[str, Access] = {
    "accounts:list": Access(members(200)),
    "accounts:overview": Access(only(["radmann"], 200)),
    "accounts:register_existing": Access(only(["radmann"], 200)),
    "accounts:detail": Access(members(200), kwargs=_account_kwargs),
    "accounts:edit": Access(only(ASSIGNERS, 200), kwargs=_account_kwargs),
    # The log: the rådmann, communication staff, the unit's leader (and those responsible).
    "accounts:log": Access(only(LOG_READERS, 200), kwargs=_account_kwargs),
    "accounts:responsibility_assign": Access(only(ASSIGNERS, 200), kwargs=_account_kwargs),
    "accounts:responsibility_end": Access(
        only(ASSIGNERS, 302), method="post", kwargs=_responsibility_kwargs
    ),
    "accounts:check_in": Access(only(RESPONSIBLE, 302), method="post", kwargs=_account_kwargs),
    "accounts:suspend": Access(only(["radmann"], 200), kwargs=_account_kwargs),
    # Resuming an active account is refused with a message and a redirect.
    "accounts:resume": Access(only(["radmann"], 302), method="post", kwargs=_account_kwargs),
    "accounts:register": Access(everyone(200)),
    "accounts:register_json": Access(everyone(200)),
}


# --- Object level: an account of another unit (Helse og omsorg), which no persona leads
# or answers for. Every member sees accounts (the register is public anyway), so the
# account's page is 200 and the actions 403; only the rådmann acts on any account.


def _other_account(personas: dict[str, Persona]) -> Account:
    unit, leader, member = another_unit()
    return make_account(unit=unit, owner=leader, responders=[member])


def _other_account_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _other_account(personas).pk}


def _other_responsibility_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    account = _other_account(personas)
    _unit, leader, _member = another_unit()
    responsibility = make_responsibility(
        account=account, user=leader, role=ResponsibilityRole.BACKUP
    )
    return {"responsibility_id": responsibility.pk}


OTHER = "another unit's account"
OBJECT_ACCESS: dict[str, Access] = {
    f"accounts:detail [{OTHER}]": Access(members(200), kwargs=_other_account_kwargs),
    f"accounts:edit [{OTHER}]": Access(only(["radmann"], 200), kwargs=_other_account_kwargs),
    # Communication staff read every account's log; a leader only their units'.
    f"accounts:log [{OTHER}]": Access(
        only(["radmann", "kommunikasjon"], 200), kwargs=_other_account_kwargs
    ),
    f"accounts:responsibility_assign [{OTHER}]": Access(
        only(["radmann"], 200), kwargs=_other_account_kwargs
    ),
    f"accounts:responsibility_end [{OTHER}]": Access(
        only(["radmann"], 302), method="post", kwargs=_other_responsibility_kwargs
    ),
    # No persona answers for it, the rådmann included.
    f"accounts:check_in [{OTHER}]": Access(
        only([], 302), method="post", kwargs=_other_account_kwargs
    ),
}
