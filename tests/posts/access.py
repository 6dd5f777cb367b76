"""Access decisions for posts (accounts.posts).

The account belongs to the personas' unit (Reine skole, led by "leder", who owns it);
"kommunikasjon" is a responder. Those responsible and the unit's leader see its posts, as
do the rådmann, the communication staff and the crisis team; only those responsible act
on them (403 for the others who may see), and only the owner manages integrations.
Everyone else gets 404. The ingest API and the webhook are for machines: without a token
401, without a valid verification token 403, for everyone alike.
"""

from accounts.models import Account, PostStatus
from tests.access import Access, another_unit, everyone, members
from tests.accounts.factories import make_account
from tests.conftest import Persona

from .conftest import persona_user
from .factories import make_post, make_token


def _account(personas: dict[str, Persona]) -> Account:
    leader = persona_user(personas, "leder")
    return make_account(
        unit=leader.unit, owner=leader, responders=[persona_user(personas, "kommunikasjon")]
    )


def _post_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"post_id": make_post(account=_account(personas)).pk}


def _answered_post_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"post_id": make_post(account=_account(personas), status=PostStatus.ANSWERED).pk}


def _account_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _account(personas).pk}


def _token_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    token, _raw = make_token(account=_account(personas), created_by=persona_user(personas, "leder"))
    return {"token_id": token.pk}


def _see(status: int, acting: list[str], acting_status: int) -> dict[str, int]:
    """Those who see the posts get ``status`` (``acting_status`` for ``acting``); the
    persona without a role, who does not see them, 404."""
    return {
        **members(status),
        **dict.fromkeys(acting, acting_status),
        "no_role": 404,
    }


RESPONSIBLE = ["leder", "kommunikasjon"]
OWNER = ["leder"]

ACCESS: dict[str, Access] = {
    "posts:inbox": Access(members(200)),
    "posts:register": Access(members(200)),
    "posts:detail": Access(_see(200, RESPONSIBLE, 200), kwargs=_post_kwargs),
    "posts:triage": Access(_see(403, RESPONSIBLE, 200), kwargs=_post_kwargs),
    "posts:answer": Access(_see(403, RESPONSIBLE, 200), kwargs=_post_kwargs),
    "posts:close": Access(_see(403, RESPONSIBLE, 200), kwargs=_post_kwargs),
    "posts:remove": Access(_see(403, RESPONSIBLE, 200), kwargs=_post_kwargs),
    "posts:reopen": Access(_see(403, RESPONSIBLE, 200), kwargs=_answered_post_kwargs),
    "posts:token_create": Access(_see(403, OWNER, 200), kwargs=_account_kwargs),
    "posts:token_revoke": Access(_see(403, OWNER, 302), method="post", kwargs=_token_kwargs),
    "posts:facebook_page": Access(_see(403, OWNER, 200), kwargs=_account_kwargs),
    # Machines: no login; a missing token is 401 and a failed handshake 403 for everyone.
    "posts:ingest": Access(everyone(401), method="post", kwargs=_account_kwargs),
    "posts:facebook_webhook": Access(everyone(403)),
}


# --- Object level: posts and integrations of another unit's account (Helse og omsorg),
# which no persona answers for. The overview roles see its posts (200 to read, 403 to act);
# the leader of another unit and the persona without a role do not: 404, as if the post
# or account did not exist.


def _other_account(personas: dict[str, Persona]) -> Account:
    unit, leader, member = another_unit()
    return make_account(unit=unit, owner=leader, responders=[member])


def _other_post_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"post_id": make_post(account=_other_account(personas)).pk}


def _other_account_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _other_account(personas).pk}


def _other_token_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    _unit, leader, _member = another_unit()
    token, _raw = make_token(account=_other_account(personas), created_by=leader)
    return {"token_id": token.pk}


def _outsider(status: int) -> dict[str, int]:
    """The overview roles get ``status``; the leader of another unit and no_role 404."""
    return {**members(status), "leder": 404, "no_role": 404}


OTHER = "another unit's account"
OBJECT_ACCESS: dict[str, Access] = {
    f"posts:detail [{OTHER}]": Access(_outsider(200), kwargs=_other_post_kwargs),
    f"posts:triage [{OTHER}]": Access(_outsider(403), kwargs=_other_post_kwargs),
    f"posts:answer [{OTHER}]": Access(_outsider(403), kwargs=_other_post_kwargs),
    f"posts:close [{OTHER}]": Access(_outsider(403), kwargs=_other_post_kwargs),
    f"posts:remove [{OTHER}]": Access(_outsider(403), kwargs=_other_post_kwargs),
    f"posts:token_create [{OTHER}]": Access(_outsider(403), kwargs=_other_account_kwargs),
    f"posts:token_revoke [{OTHER}]": Access(
        _outsider(403), method="post", kwargs=_other_token_kwargs
    ),
    f"posts:facebook_page [{OTHER}]": Access(_outsider(403), kwargs=_other_account_kwargs),
    # The ingest API answers machines alike: a missing token is 401 on any account.
    f"posts:ingest [{OTHER}]": Access(everyone(401), method="post", kwargs=_other_account_kwargs),
}
