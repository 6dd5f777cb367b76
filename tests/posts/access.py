"""Access decisions for posts (accounts.posts).

The account belongs to the personas' unit (Reine skole, led by "leder", who owns it);
"kommunikasjon" is a responder. Those responsible and the unit's leader see its posts, as
do the rådmann, the communication staff and the crisis team; only those responsible act
on them (403 for the others who may see), and only the owner manages integrations.
Everyone else gets 404. The ingest API and the webhook are for machines: without a token
401, without a valid verification token 403, for everyone alike.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account, Platform, PostStatus, ScreeningStatus
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


def _instagram_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    leader = persona_user(personas, "leder")
    account = make_account(unit=leader.unit, owner=leader, platform=Platform.INSTAGRAM)
    return {"account_id": account.pk}


def _post_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"post_id": make_post(account=_account(personas)).pk}


def _flagged(account: Account) -> dict[str, object]:
    """A post the screening marked as possibly sensitive."""
    post = make_post(
        account=account,
        text="Barnevernet var her",
        screening=ScreeningStatus.FLAGGED,
        findings=[{"kind": "term", "start": 0, "end": 11, "confidence": "medium"}],
        screened_at=timezone.now() + timedelta(seconds=1),
    )
    return {"post_id": post.pk}


def _flagged_post_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return _flagged(_account(personas))


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


# --- What the forms send: data each accepts.


def _register(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    seen = timezone.localtime() - timedelta(hours=1)
    return {
        "account": _account(personas).pk,
        "author": "Kari",
        "text": "Hvor er bussen?",
        "url": "https://www.facebook.com/5",
        "posted_at": seen.strftime("%Y-%m-%dT%H:%M"),
        "platform_id": "5",
    }


def _triage(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"category": "question", "expects_answer": "yes"}


def _answer(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"text": "Torsdag kl. 18.", "url": "https://www.facebook.com/1"}


def _close(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"reason": "no_answer_expected"}


def _dismiss(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"reason": "Ordet handler om tjenesten."}


def _reopen(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"reason": "Nytt spørsmål i tråden"}


def _token(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"name": "Skript"}


def _page(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    # Connecting needs the Graph API (tests/posts/test_platform.py); disconnecting does not.
    return {"disconnect": "1"}


RESPONSIBLE = ["leder", "kommunikasjon"]
OWNER = ["leder"]
ACT = _see(403, RESPONSIBLE, 302)

ACCESS: dict[str, Access] = {
    "posts:inbox": Access(get=members(200)),
    # Anyone may open the form; it offers only the accounts one answers for, so to
    # anyone else the account posted is not a choice (the form again, nothing stored).
    "posts:register": Access(
        get=members(200),
        post={**members(200), **dict.fromkeys(RESPONSIBLE, 302)},
        data=_register,
        changes_nothing=("radmann", "kriseleder", "ordforer", "no_role"),
    ),
    "posts:detail": Access(get=_see(200, RESPONSIBLE, 200), kwargs=_post_kwargs),
    "posts:triage": Access(
        get=_see(403, RESPONSIBLE, 200), post=ACT, kwargs=_post_kwargs, data=_triage
    ),
    "posts:answer": Access(
        get=_see(403, RESPONSIBLE, 200), post=ACT, kwargs=_post_kwargs, data=_answer
    ),
    "posts:close": Access(
        get=_see(403, RESPONSIBLE, 200), post=ACT, kwargs=_post_kwargs, data=_close
    ),
    "posts:remove": Access(get=_see(403, RESPONSIBLE, 200), post=ACT, kwargs=_post_kwargs),
    "posts:screening_dismiss": Access(
        get=_see(403, RESPONSIBLE, 200), post=ACT, kwargs=_flagged_post_kwargs, data=_dismiss
    ),
    "posts:reopen": Access(
        get=_see(403, RESPONSIBLE, 200), post=ACT, kwargs=_answered_post_kwargs, data=_reopen
    ),
    # The new token is shown once, on a page of its own (200).
    "posts:token_create": Access(
        get=_see(403, OWNER, 200), post=_see(403, OWNER, 200), kwargs=_account_kwargs, data=_token
    ),
    "posts:token_revoke": Access(post=_see(403, OWNER, 302), kwargs=_token_kwargs),
    "posts:facebook_page": Access(
        get=_see(403, OWNER, 200), post=_see(403, OWNER, 302), kwargs=_account_kwargs, data=_page
    ),
    # An empty form shows its errors (200).
    "posts:instagram_account": Access(
        get=_see(403, OWNER, 200), post=_see(403, OWNER, 200), kwargs=_instagram_kwargs
    ),
    # Not connected yet: the owner is sent to connect the Page first (302).
    "posts:page_lockout": Access(
        get=_see(403, OWNER, 302), post=_see(403, OWNER, 302), kwargs=_account_kwargs
    ),
    # Machines: no login; a missing token is 401 and a failed handshake or a missing
    # signature 403 for everyone.
    "posts:ingest": Access(post=everyone(401), kwargs=_account_kwargs),
    "posts:facebook_webhook": Access(get=everyone(403), post=everyone(403)),
    "posts:instagram_webhook": Access(get=everyone(403), post=everyone(403)),
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


def _other_flagged_post_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return _flagged(_other_account(personas))


def _other_answered_post_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"post_id": make_post(account=_other_account(personas), status=PostStatus.ANSWERED).pk}


def _other_account_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    return {"account_id": _other_account(personas).pk}


def _other_instagram_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    unit, leader, member = another_unit()
    account = make_account(unit=unit, owner=leader, platform=Platform.INSTAGRAM)
    return {"account_id": account.pk}


def _other_token_kwargs(personas: dict[str, Persona]) -> dict[str, object]:
    _unit, leader, _member = another_unit()
    token, _raw = make_token(account=_other_account(personas), created_by=leader)
    return {"token_id": token.pk}


def _token_of_another_account(
    personas: dict[str, Persona], kwargs: dict[str, object]
) -> dict[str, str]:
    """A valid token, of the personas' own account: not one for the account posted to."""
    _token, raw = make_token(account=_account(personas), created_by=persona_user(personas, "leder"))
    return {"Authorization": f"Bearer {raw}"}


def _outsider(status: int) -> dict[str, int]:
    """The overview roles get ``status``; the leader of another unit and no_role 404."""
    return {**members(status), "leder": 404, "no_role": 404}


OTHER = "another unit's account"
OBJECT_ACCESS: dict[str, Access] = {
    f"posts:detail [{OTHER}]": Access(get=_outsider(200), kwargs=_other_post_kwargs),
    f"posts:triage [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_post_kwargs, data=_triage
    ),
    f"posts:answer [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_post_kwargs, data=_answer
    ),
    f"posts:close [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_post_kwargs, data=_close
    ),
    f"posts:remove [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_post_kwargs
    ),
    f"posts:screening_dismiss [{OTHER}]": Access(
        get=_outsider(403),
        post=_outsider(403),
        kwargs=_other_flagged_post_kwargs,
        data=_dismiss,
    ),
    f"posts:reopen [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_answered_post_kwargs, data=_reopen
    ),
    f"posts:token_create [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_account_kwargs, data=_token
    ),
    f"posts:token_revoke [{OTHER}]": Access(post=_outsider(403), kwargs=_other_token_kwargs),
    f"posts:facebook_page [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_account_kwargs, data=_page
    ),
    f"posts:instagram_account [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_instagram_kwargs
    ),
    f"posts:page_lockout [{OTHER}]": Access(
        get=_outsider(403), post=_outsider(403), kwargs=_other_account_kwargs
    ),
    # The ingest API answers machines alike: a missing token is 401 on any account, and
    # a token of another account 403.
    f"posts:ingest [{OTHER}]": Access(post=everyone(401), kwargs=_other_account_kwargs),
    f"posts:ingest [{OTHER}, with a token of ours]": Access(
        post=everyone(403), kwargs=_other_account_kwargs, headers=_token_of_another_account
    ),
}
