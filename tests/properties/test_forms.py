"""The main forms, driven by Hypothesis as a user (or someone with a tool) could fill
them: any text, any number, any date. A form answers 2xx or 3xx (an error shown, or the
change saved), never a 5xx, and never leaves half a write."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import (
    Account,
    CrisisPeriod,
    CrisisStatus,
    MediaCommentChange,
    PageUser,
    PlatformConnection,
    Post,
)
from accounts.posts.services import platform_connect, post_register
from approvals.models import AccountRequest
from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role
from policy.parameters import parse_version_parameters
from standins.meta_graph import GraphStandIn
from tests.accounts.factories import make_account
from tests.approvals.factories import make_submitted
from tests.conftest import Persona
from tests.crisis.factories import make_crisis
from tests.factories import make_user
from tests.policy.factories import make_draft
from tests.posts.conftest import IG_USER, instagram_connected

from .invariants import assert_no_partial_rows

pytestmark = pytest.mark.django_db

# What a browser can send: any text but lone surrogates (form data is UTF-8).
typed = st.text(st.characters(codec="utf-8"), max_size=120)
long_typed = st.one_of(typed, st.text(max_size=5).map(lambda text: text * 4_000))
numbers = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "-5", "1", "60", "99999999999", "1e309", "2,5", "NaN"]),
    typed,
)
moments = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat()[:16]),
    st.sampled_from(["0001-01-01T00:00", "2003-12-31T23:59", "9999-12-31T23:59", ""]),
    typed,
)
days = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["0001-01-01", "2003-12-31", "9999-12-31", "2026-02-30"]),
    typed,
)
links = st.one_of(st.just("https://www.facebook.com/1"), typed)
ticks = st.sampled_from(["", "on"])


def post(client: Client, url: str, data: dict[str, Any]) -> bool:
    """Send the form; True if it saved (a redirect), False if it showed an error."""
    # Hypothesis' dictionaries may leave out fields: a browser would send them empty.
    response = client.post(url, {key: value for key, value in data.items() if value is not None})
    assert response.status_code < 500, response.content[:500]
    assert_no_partial_rows()
    return response.status_code in (301, 302, 303)


_clients: dict[int, Client] = {}


def client_for(user: User) -> Client:
    """A logged-in client, one per user and test (logging in for every example would be
    most of the run)."""
    client = _clients.get(user.pk)
    if client is None:
        client = _clients[user.pk] = Client(raise_request_exception=False)
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_clients() -> None:
    _clients.clear()


@pytest.fixture
def responder_account(unit: Unit) -> tuple[User, Account]:
    responder = make_user(username="svarer", unit=unit)
    other = make_user(username="svarer2", unit=unit)
    return responder, make_account(unit=unit, owner=responder, responders=[responder, other])


def fields(**strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Every field of a form, each one possibly missing."""
    return st.fixed_dictionaries({}, optional=strategies)


@given(
    data=fields(
        author=typed,
        text=long_typed,
        url=links,
        posted_at=moments,
        platform_id=typed,
        account=numbers,
    )
)
@example(data={"author": "Kari", "text": "Hei", "posted_at": "0001-01-01T00:00"})
def test_registering_a_post_by_hand(
    responder_account: tuple[User, Account], data: dict[str, Any]
) -> None:
    responder, account = responder_account
    if post(client_for(responder), "/innlegg/registrer/", {"account": account.pk, **data}):
        assert client_for(responder).get("/innlegg/").status_code == 200


@given(
    data=fields(
        name=typed,
        url=links,
        contact_instance=typed,
        contact_person=typed,
        contact_title=typed,
        contact_email=typed,
        homepage=links,
        follow_up_interval_days=numbers,
        answer_deadline_working_hours=numbers,
    )
)
@example(data={"name": "Konto", "follow_up_interval_days": "99999999999"})
@example(data={"name": "Konto", "follow_up_interval_days": "0"})
def test_editing_an_account(personas: dict[str, Persona], unit: Unit, data: dict[str, Any]) -> None:
    leader = personas["leder"].user
    assert leader is not None
    account = Account.objects.filter(name="Eksempel").first() or make_account(
        unit=unit, owner=leader, name="Eksempel"
    )
    if post(client_for(leader), f"/kontoer/{account.pk}/endre/", data):
        assert client_for(leader).get(f"/kontoer/{account.pk}/").status_code == 200


REQUEST_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "unit": numbers,
    "platform": st.one_of(st.sampled_from(["facebook", "instagram"]), typed),
    "name": typed,
    "handle": typed,
    "url": links,
    "not_case_handling": ticks,
    "goals": long_typed,
    "not_used_for": typed,
    "responsible_leader": numbers,
    "responders": st.lists(numbers, max_size=3),
    "follow_up_interval_days": numbers,
    "hours_per_week": numbers,
    "mandate": typed,
    "contact_instance": typed,
    "contact_person": typed,
    "contact_title": typed,
    "contact_email": typed,
    "homepage": links,
    "web_pages_updated": ticks,
    "web_pages_note": typed,
    "reputation_checked": ticks,
    "reputation_note": typed,
    "acknowledge": ticks,
}


@given(data=fields(**REQUEST_FIELDS), button=st.sampled_from(["save", "submit"]))
@example(data={"name": "Skolen", "hours_per_week": "-5"}, button="submit")
def test_requesting_a_profile(
    personas: dict[str, Persona], data: dict[str, Any], button: str
) -> None:
    staff = personas["kommunikasjon"].user
    assert staff is not None
    post(client_for(staff), "/soknader/ny/", {**data, button: "1"})


@given(
    decision=st.one_of(st.sampled_from(["approved", "returned", "rejected"]), typed),
    text=st.one_of(typed, st.sampled_from(["\u200b", "\ufeff\u2060", " "])),
)
def test_deciding_a_request(
    personas: dict[str, Persona], unit: Unit, decision: str, text: str
) -> None:
    radmann, leader = personas["radmann"].user, personas["leder"].user
    assert radmann is not None and leader is not None
    request = AccountRequest.objects.filter(status="submitted").first()
    if request is None:
        request = make_submitted(
            requester=leader, unit=unit, leader=leader, handle=f"h{AccountRequest.objects.count()}"
        )
    post(
        client_for(radmann), f"/soknader/{request.pk}/avgjor/", {"decision": decision, "text": text}
    )


HANDLING: dict[str, Callable[[], st.SearchStrategy[dict[str, Any]]]] = {
    "vurder": lambda: fields(
        category=st.one_of(st.sampled_from(["question", "sensitive", "rumours"]), typed),
        expects_answer=st.one_of(st.sampled_from(["yes", "no"]), typed),
    ),
    "svar": lambda: fields(text=long_typed, url=links),
    "lukk": lambda: fields(
        reason=st.one_of(st.sampled_from(["duplicate", "no_answer_expected"]), typed), note=typed
    ),
    "gjenapne": lambda: fields(reason=typed),
}


@pytest.mark.parametrize("step", HANDLING)
@given(data=st.data())
def test_handling_a_post(
    responder_account: tuple[User, Account], step: str, data: st.DataObject
) -> None:
    responder, account = responder_account
    target = Post.objects.filter(account=account).order_by("-id").first()
    if target is None or target.status == "removed":
        target = post_register(
            actor=responder,
            account=account,
            author="Kari",
            text="Når åpner badet?",
            posted_at=timezone.now(),
        )
    if post(client_for(responder), f"/innlegg/{target.pk}/{step}/", data.draw(HANDLING[step]())):
        # What was saved can be shown.
        assert client_for(responder).get(f"/innlegg/{target.pk}/").status_code == 200


@given(data=fields(reason=typed))
def test_deciding_a_post_is_not_sensitive(
    responder_account: tuple[User, Account], data: dict[str, Any]
) -> None:
    responder, account = responder_account
    target = Post.objects.filter(account=account, screening="flagged").first()
    if target is None:
        target = post_register(
            actor=responder,
            account=account,
            author="Kari",
            text="Barnevernet var her i går",
            posted_at=timezone.now(),
        )
    if post(client_for(responder), f"/innlegg/{target.pk}/ikke-sensitivt/", data):
        target.refresh_from_db()
        assert target.screening == "dismissed" and target.screening_reason
        assert client_for(responder).get(f"/innlegg/{target.pk}/").status_code == 200


_terms = st.one_of(
    long_typed,
    st.lists(
        st.lists(st.sampled_from(["kreft", "Barnevern*", "psykisk syk", "x", "a-b", "", "*"])).map(
            ", ".join
        ),
        max_size=4,
    ).map("\n".join),
)


@given(
    data=fields(
        sensitive_terms=_terms,
        sensitive_hide_at_once=ticks,
        screened_personal_data=st.lists(st.one_of(st.sampled_from(["phone", "email"]), typed)),
    )
)
@example(data={"sensitive_terms": "kreft\nkreft"})
@example(
    data={"sensitive_terms": "kreft, kreften\nbarnevern*", "screened_personal_data": ["phone"]}
)
def test_editing_the_screening_of_a_draft(
    personas: dict[str, Persona], data: dict[str, Any]
) -> None:
    radmann = personas["radmann"].user
    assert radmann is not None
    draft = make_draft(actor=radmann)
    base = {
        "answer_deadline_working_hours": "8",
        "working_day_start": "08:00",
        "working_day_end": "15:30",
        "stage_due_after": "0",
        "stage_due_notify": "responders",
        "stage_escalation_after": "7.5",
        "stage_escalation_notify": "owner",
        "crisis_leader_roles": ["ordfører", "kriseleder"],
    }
    if post(
        client_for(radmann), f"/veileder/versjoner/{draft.number}/parametre/", {**base, **data}
    ):
        draft.refresh_from_db()
        # What was saved reads back (the parser is the one the app reads versions with).
        parse_version_parameters(draft.parameters)
        assert (
            client_for(radmann).get(f"/veileder/versjoner/{draft.number}/utkast/").status_code
            == 200
        )


@given(
    data=fields(
        reason=typed,
        message_text=long_typed,
        message_link=links,
        covers_all_accounts=st.one_of(st.sampled_from(["yes", "no", "True", "False"]), typed),
        accounts=st.lists(numbers, max_size=3),
        confirmed=ticks,
    )
)
def test_starting_a_crisis(personas: dict[str, Persona], data: dict[str, Any]) -> None:
    crisis_leader = personas["kriseleder"].user
    assert crisis_leader is not None
    post(client_for(crisis_leader), "/krise/start/", data)


PAGE_ID, PAGE_TOKEN = "100000000000077", "EAAproperty-page-token"


@given(
    data=fields(
        page_id=st.one_of(st.just(PAGE_ID), numbers), token=st.one_of(st.just(PAGE_TOKEN), typed)
    )
)
@example(data={"page_id": PAGE_ID, "token": PAGE_TOKEN})
@example(data={"page_id": PAGE_ID, "token": "EAA wrong"})
def test_connecting_a_facebook_page(
    responder_account: tuple[User, Account], meta_graph: GraphStandIn, data: dict[str, Any]
) -> None:
    """Against the Graph API stand-in: saved only with the Page's own id and token, the
    token then stored encrypted; anything else an error shown, nothing stored."""
    owner, account = responder_account
    meta_graph.page_add(PAGE_ID, "Reine skole", PAGE_TOKEN)
    saved = post(client_for(owner), f"/innlegg/kontoer/{account.pk}/facebook-side/", data)
    connection = PlatformConnection.objects.filter(account=account).first()
    if saved:
        assert data.get("page_id", "").strip() == PAGE_ID
        assert data.get("token", "").strip() == PAGE_TOKEN
        assert connection is not None and PAGE_TOKEN not in connection.token_encrypted
    elif connection is not None:
        # Connected by an earlier example; a refused attempt changed nothing.
        assert connection.object_id == PAGE_ID and connection.is_connected


@given(business_id=st.one_of(numbers, typed), first=st.one_of(numbers, typed), second=numbers)
@example(business_id="5550001", first="9101", second="9101")
@example(business_id="5550001", first="9101", second="9102")
def test_setting_up_the_crisis_lockout_on_the_page(
    responder_account: tuple[User, Account],
    meta_graph: GraphStandIn,
    business_id: str,
    first: str,
    second: str,
) -> None:
    """Saved only with digits (or blanks) and no id twice; anything else an error shown,
    what was stored before unchanged."""
    owner, account = responder_account
    if not PlatformConnection.objects.filter(account=account).exists():
        meta_graph.page_add(PAGE_ID, "Reine skole", PAGE_TOKEN)
        platform_connect(actor=owner, account=account, page_id=PAGE_ID, token=PAGE_TOKEN)
    other = account.responsibilities.exclude(user=owner).get().user
    before = set(PageUser.objects.values_list("user_id", "scoped_id"))
    data = {"business_id": business_id, f"user_{owner.pk}": first, f"user_{other.pk}": second}
    url = f"/innlegg/kontoer/{account.pk}/facebook-side/krisesperre/"
    saved = post(client_for(owner), url, data)
    ids = [value.strip() for value in (first, second)]
    valid = all(not value or (value.isascii() and value.isdigit()) for value in ids)
    valid = valid and not (ids[0] and ids[0] == ids[1])
    business = business_id.strip()
    valid = valid and (not business or (business.isascii() and business.isdigit()))
    valid = valid and all(len(value) <= 64 for value in [*ids, business])
    assert saved == valid, data
    after = set(PageUser.objects.values_list("user_id", "scoped_id"))
    if saved:
        assert after == {(u.pk, v) for u, v in zip([owner, other], ids, strict=True) if v}
    else:
        assert after == before


@pytest.fixture
def instagram(meta_graph: GraphStandIn, unit: Unit, settings: Any) -> Account:
    owner = make_user(username="ig_eier", unit=unit)
    return instagram_connected(meta_graph, settings, unit=unit, owner=owner, responders=[owner])


@given(chosen=st.lists(st.one_of(st.sampled_from(["new", "closed", "first"]), typed), max_size=4))
@example(chosen=[])
@example(chosen=["new"])
@example(chosen=["new", "closed"])
def test_turning_comments_off_on_instagram_posts(
    instagram: Account, meta_graph: GraphStandIn, chosen: list[str]
) -> None:
    """Saved only when every choice is a post of the account with comments on that the
    crisis has not chosen yet; anything else an error shown, nothing stored."""
    leader = User.objects.filter(username="krisesjef").first() or make_user(
        username="krisesjef", roles=[Role.CRISIS_LEADER]
    )
    crisis = CrisisPeriod.objects.filter(status=CrisisStatus.ACTIVE).first() or make_crisis(
        started_by=leader, accounts=[instagram]
    )
    state = meta_graph.state()["posts"]
    if len(state) == 1:
        meta_graph.instagram_media_add(IG_USER, "Kulturkveld")
        meta_graph.instagram_media_add(IG_USER, "Stengt", comments_enabled=False)
        state = meta_graph.state()["posts"]
    ids = dict(zip(["first", "new", "closed"], state, strict=True))
    values = [ids.get(value, value) for value in chosen]
    before = set(MediaCommentChange.objects.values_list("media_id", flat=True))
    choosable = {ids["first"], ids["new"]} - before
    saved = post(
        client_for(leader), f"/krise/{crisis.pk}/instagram/{instagram.pk}/", {"posts": values}
    )
    assert saved == (bool(values) and set(values) <= choosable), values
    after = set(MediaCommentChange.objects.values_list("media_id", flat=True))
    assert after == (before | set(values) if saved else before)
