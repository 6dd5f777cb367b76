"""Access decisions for the accounts app.

The account belongs to the personas' unit (Reine skole, led by "leder"), which owns it;
"kommunikasjon" is a responder. Responsibility is assigned by a leader of the unit or the
rådmann; check-in is for the people responsible; suspending and the overview are the
rådmann's; the public register is open to everyone.
"""

from accounts.models import Account, ResponsibilityRole
from moskenes_social.people.models import User
from tests.access import Access, everyone, members, only
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

ACCESS: dict[str, Access] = {
    "accounts:list": Access(members(200)),
    "accounts:overview": Access(only(["radmann"], 200)),
    "accounts:register_existing": Access(only(["radmann"], 200)),
    "accounts:detail": Access(members(200), kwargs=_account_kwargs),
    "accounts:edit": Access(only(ASSIGNERS, 200), kwargs=_account_kwargs),
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
