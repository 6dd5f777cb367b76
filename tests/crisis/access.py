"""Access decisions for crisis mode.

Starting, updating and ending belong to the roles that lead in a crisis under the guideline
in force (the crisis leader and the mayor); the history and each crisis's page are open to
every member, as the banner is.
"""

from accounts.models import (
    Account,
    ActionKind,
    ActionState,
    Platform,
    PlatformAction,
    PostStatus,
)
from tests.access import Access, DataMaker, another_unit, members, only
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import make_user
from tests.posts.factories import make_post

from .factories import make_crisis

TEAM = ["kriseleder", "ordforer"]


def _active(personas: dict[str, Persona]) -> dict[str, object]:
    return {"crisis_id": make_crisis(started_by=personas["kriseleder"].user).pk}


def _ended(personas: dict[str, Persona]) -> dict[str, object]:
    return {"crisis_id": make_crisis(started_by=personas["ordforer"].user, active=False).pk}


def _start(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {
        "reason": "Flom i Reine",
        "message_text": "Fylkesveien er stengt.",
        "message_link": "https://www.example.org/flom",
        "covers_all_accounts": "1",
        "confirmed": "on",
    }


def _message(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"text": "Veien er åpen igjen.", "link": ""}


def _summary(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"summary": "Over."}


ACCESS: dict[str, Access] = {
    "crisis:list": Access(get=members(200)),
    "crisis:start": Access(get=only(TEAM, 200), post=only(TEAM, 302), data=_start),
    "crisis:detail": Access(get=members(200), kwargs=_ended),
    "crisis:update": Access(
        get=only(TEAM, 200), post=only(TEAM, 302), kwargs=_active, data=_message
    ),
    "crisis:end": Access(get=only(TEAM, 200), post=only(TEAM, 302), kwargs=_active, data=_summary),
}


def _post_on_covered_account(personas: dict[str, Persona]) -> dict[str, object]:
    make_crisis(started_by=personas["kriseleder"].user)
    return {"post_id": make_post(account=make_account()).pk}


def _held_action(personas: dict[str, Persona]) -> dict[str, object]:
    crisis = make_crisis(started_by=personas["kriseleder"].user)
    post = make_post(account=make_account())
    action = PlatformAction.objects.create(
        account=post.account,
        post=post,
        kind=ActionKind.REPLY,
        state=ActionState.HELD,
        target_id=post.platform_id,
        text="Svar fra før krisen.",
        requested_by=make_user(username="svarer_for_krisen"),
        held_by_crisis=crisis,
    )
    return {"action_id": action.pk}


def _cancel(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"decision": "cancel"}


def _instagram_account(personas: dict[str, Persona]) -> dict[str, object]:
    crisis = make_crisis(started_by=personas["kriseleder"].user)
    account = make_account(handle="reine_ig", platform=Platform.INSTAGRAM)
    return {"crisis_id": crisis.pk, "account_id": account.pk}


def _facebook_account(personas: dict[str, Persona]) -> dict[str, object]:
    crisis = make_crisis(started_by=personas["kriseleder"].user)
    return {"crisis_id": crisis.pk, "account_id": make_account().pk}


def _posts(personas: dict[str, Persona], kwargs: dict[str, object]) -> dict[str, object]:
    return {"posts": ["17900000000000001"]}


ACCESS |= {
    "crisis:inbox": Access(get=only(TEAM, 200)),
    # Not connected here: the page says so (200), and nothing is chosen.
    "crisis:media": Access(
        get=only(TEAM, 200), post=only(TEAM, 200), kwargs=_instagram_account, data=_posts
    ),
    # Cancelled (or sent), then back to the crisis inbox.
    "crisis:action_settle": Access(post=only(TEAM, 302), kwargs=_held_action, data=_cancel),
    # A confirmation, then answered and redirected to the post's page.
    "crisis:answer_official": Access(
        get=only(TEAM, 200), post=only(TEAM, 302), kwargs=_post_on_covered_account
    ),
}


# --- Object level. The one-step answer names a post by number. Outside the crisis team,
# a post that does not exist is refused like one that does (403), so the answer tells an
# outsider nothing about which posts exist; the team gets 404.
#
# A crisis of another unit: one that covers only an account of Helse og omsorg, a unit no
# persona belongs to. Crisis roles are not a unit's: every member reads its page, the team
# updates, ends and answers on it, and to everyone else the answer is 403, whichever unit
# the post is in. A post on an account the crisis does not cover is answered as usual,
# never with the official message: the team is told so, and nothing is stored.


def _other_account() -> Account:
    unit, leader, member = another_unit()
    return make_account(unit=unit, owner=leader, responders=[member])


def _others_crisis(personas: dict[str, Persona], *, active: bool = True) -> dict[str, object]:
    crisis = make_crisis(
        started_by=personas["kriseleder"].user, accounts=[_other_account()], active=active
    )
    return {"crisis_id": crisis.pk}


def _others_ended_crisis(personas: dict[str, Persona]) -> dict[str, object]:
    return _others_crisis(personas, active=False)


def _post_on_others_covered_account(personas: dict[str, Persona]) -> dict[str, object]:
    account = _other_account()
    make_crisis(started_by=personas["kriseleder"].user, accounts=[account])
    return {"post_id": make_post(account=account).pk}


def _post_outside_others_crisis(personas: dict[str, Persona]) -> dict[str, object]:
    make_crisis(started_by=personas["kriseleder"].user, accounts=[_other_account()])
    leader = personas["leder"].user
    assert leader is not None
    return {"post_id": make_post(account=make_account(unit=leader.unit, owner=leader)).pk}


OTHERS = "a crisis of another unit's account"
OBJECT_ACCESS: dict[str, Access] = {
    "crisis:media [an account not on Instagram]": Access(
        get=only(TEAM, 404), post=only(TEAM, 404), kwargs=_facebook_account, data=_posts
    ),
    "crisis:action_settle [an action that does not exist]": Access(
        post=only(TEAM, 404), kwargs=lambda personas: {"action_id": 999_999}, data=_cancel
    ),
    "crisis:answer_official [a post that does not exist]": Access(
        get=only(TEAM, 404), post=only(TEAM, 404), kwargs=lambda personas: {"post_id": 999_999}
    ),
    f"crisis:detail [{OTHERS}]": Access(get=members(200), kwargs=_others_crisis),
    f"crisis:update [{OTHERS}]": Access(
        get=only(TEAM, 200), post=only(TEAM, 302), kwargs=_others_crisis, data=_message
    ),
    f"crisis:end [{OTHERS}]": Access(
        get=only(TEAM, 200), post=only(TEAM, 302), kwargs=_others_crisis, data=_summary
    ),
    # An ended crisis takes no new message and cannot end again, not even for the team.
    f"crisis:update [{OTHERS}, ended]": Access(
        get=members(403), post=members(403), kwargs=_others_ended_crisis, data=_message
    ),
    f"crisis:end [{OTHERS}, ended]": Access(
        get=members(403), post=members(403), kwargs=_others_ended_crisis, data=_summary
    ),
    f"crisis:answer_official [{OTHERS}]": Access(
        get=only(TEAM, 200), post=only(TEAM, 302), kwargs=_post_on_others_covered_account
    ),
    # Refused with a message on the post's page.
    f"crisis:answer_official [{OTHERS}, a post of ours it does not cover]": Access(
        get=only(TEAM, 302),
        post=only(TEAM, 302),
        kwargs=_post_outside_others_crisis,
        changes_nothing=tuple(TEAM),
    ),
}


# --- The lockout on the posts' pages. While a crisis covers our account (the personas'
# unit's, which "leder" owns and "kommunikasjon" answers for), only the crisis team
# handles its posts: those responsible are locked out (403), the team acts without being
# responsible. A crisis of another unit's account locks nobody out of ours, and lets the
# team act on none of its posts.


def _our_account(personas: dict[str, Persona]) -> Account:
    leader, responder = personas["leder"].user, personas["kommunikasjon"].user
    assert leader is not None and responder is not None
    return make_account(unit=leader.unit, owner=leader, responders=[responder])


def _our_post(personas: dict[str, Persona], *, ours: bool, status: PostStatus) -> dict[str, object]:
    account = _our_account(personas)
    make_crisis(
        started_by=personas["kriseleder"].user, accounts=[account if ours else _other_account()]
    )
    return {"post_id": make_post(account=account, status=status).pk}


def _our_open_post_in_crisis(personas: dict[str, Persona]) -> dict[str, object]:
    return _our_post(personas, ours=True, status=PostStatus.OPEN)


def _our_answered_post_in_crisis(personas: dict[str, Persona]) -> dict[str, object]:
    return _our_post(personas, ours=True, status=PostStatus.ANSWERED)


def _our_open_post_others_crisis(personas: dict[str, Persona]) -> dict[str, object]:
    return _our_post(personas, ours=False, status=PostStatus.OPEN)


def _our_answered_post_others_crisis(personas: dict[str, Persona]) -> dict[str, object]:
    return _our_post(personas, ours=False, status=PostStatus.ANSWERED)


def _posts_page(acting: list[str], status: int) -> dict[str, int]:
    """Every persona who sees our posts gets 403, ``acting`` ``status``; no_role 404."""
    return {**members(403), **dict.fromkeys(acting, status), "no_role": 404}


def _data(**values: str) -> DataMaker:
    return lambda personas, kwargs: dict(values)


RESPONSIBLE = ["leder", "kommunikasjon"]
POST_ACTIONS: dict[str, tuple[DataMaker, bool]] = {
    "posts:triage": (_data(category="question", expects_answer="yes"), False),
    "posts:answer": (_data(text="Torsdag kl. 18.", url=""), False),
    "posts:close": (_data(reason="no_answer_expected"), False),
    "posts:remove": (_data(), False),
    "posts:reopen": (_data(reason="Nytt spørsmål i tråden"), True),
}
for _name, (_post_data, _answered) in POST_ACTIONS.items():
    OBJECT_ACCESS[f"{_name} [a crisis of our account]"] = Access(
        get=_posts_page(TEAM, 200),
        post=_posts_page(TEAM, 302),
        kwargs=_our_answered_post_in_crisis if _answered else _our_open_post_in_crisis,
        data=_post_data,
    )
    OBJECT_ACCESS[f"{_name} [{OTHERS}]"] = Access(
        get=_posts_page(RESPONSIBLE, 200),
        post=_posts_page(RESPONSIBLE, 302),
        kwargs=_our_answered_post_others_crisis if _answered else _our_open_post_others_crisis,
        data=_post_data,
    )
