"""Posts from outside: the JSON ingest API and the Facebook Page webhook.

Each path: a delivery becomes one post with its deadline; a replay creates nothing; a bad
token or signature is 403, a malformed body 400, an oversize body 413, and nothing is
half-stored. The webhook never answers 500 to a payload it does not understand.
"""

import json
import logging
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings

from accounts.models import Account, AccountStatus, IngestToken, Post, PostSource, PostStatus
from accounts.posts.services import ingest_token_revoke
from moskenes_social.audit.models import Event
from moskenes_social.people.models import User
from moskenes_social.worktime import OSLO
from policy.services import version_parameters_update
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.policy.factories import adopt, make_draft

from .conftest import persona_user
from .factories import make_token
from .webhooks import PAGE_ID, SECRET, comment, delivery, sign

pytestmark = pytest.mark.django_db

VERIFY = "verify-token-for-tests"


def oslo(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=OSLO)


@pytest.fixture
def token(account: Account, people: dict[str, User]) -> str:
    return make_token(account=account, created_by=people["eier"])[1]


def api(
    account: Account,
    body: object,
    *,
    token: str | None,
    raw: bytes | None = None,
    client: Client | None = None,
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return (client or Client()).post(
        f"/innlegg/api/kontoer/{account.pk}/",
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


GOOD = {
    "id": "fb-123",
    "author": "Ola Nordmann",
    "text": "Når åpner badet?",
    "url": "https://www.facebook.com/123",
    "posted_at": "2026-11-25T09:30:00+01:00",
}


# --- The ingest API -------------------------------------------------------------------------


def test_api_stores_a_post_with_its_deadline(
    frozen: time_machine.Traveller, account: Account, token: str
) -> None:
    response = api(account, GOOD, token=token)
    assert response.status_code == 201
    data = response.json()
    post = Post.objects.get()
    assert data == {
        "post": post.pk,
        "created": True,
        "status": "open",
        "due_at": "2026-11-26T10:00:00+01:00",
    }
    assert post.source == PostSource.API and post.platform_id == "fb-123"
    assert post.author == "Ola Nordmann" and post.text == "Når åpner badet?"
    assert post.posted_at == oslo(11, 25, 9, 30)
    # Wednesday 09:30 + 8 working hours (08:00-15:30): 6 h that day, 2 h on Thursday.
    assert post.due_at == oslo(11, 26, 10, 0)
    assert post.next_reminder_at == post.due_at and post.next_reminder_stage == "due"
    assert IngestToken.objects.get().last_used_at is not None
    event = Event.objects.get(action="posts.post_received")
    assert event.actor is None and "badet" not in json.dumps(event.data) + event.target_repr


def test_api_replay_creates_nothing_new(account: Account, token: str) -> None:
    first = api(account, GOOD, token=token)
    again = api(account, {**GOOD, "text": "Endret tekst"}, token=token)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["created"] is False and again.json()["post"] == first.json()["post"]
    assert Post.objects.count() == 1 and Post.objects.get().text == "Når åpner badet?"
    assert Event.objects.filter(action="posts.post_received").count() == 1


def test_the_same_id_on_another_account_is_another_post(
    account: Account, token: str, people: dict[str, User]
) -> None:
    other = make_account(unit=account.unit, owner=people["eier"])
    _token, other_token = make_token(account=other, created_by=people["eier"])
    assert api(account, GOOD, token=token).status_code == 201
    assert api(other, GOOD, token=other_token).status_code == 201
    assert Post.objects.count() == 2


def test_api_without_a_token_is_401(account: Account) -> None:
    response = api(account, GOOD, token=None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["error"]
    assert not Post.objects.exists()


@pytest.mark.parametrize("bad", ["msk_wrong", "", "Basic abc"])
def test_api_with_a_bad_token_is_refused(account: Account, token: str, bad: str) -> None:
    response = api(account, GOOD, token=bad)
    assert response.status_code in (401, 403)
    assert not Post.objects.exists()


def test_api_with_a_wrong_token_is_403(account: Account, token: str) -> None:
    response = api(account, GOOD, token=token + "x")
    assert response.status_code == 403
    assert response.json() == {"error": "API-nøkkelen gjelder ikke for denne kontoen."}


def test_a_token_of_another_account_is_403(
    account: Account, token: str, people: dict[str, User]
) -> None:
    other = make_account(unit=account.unit, owner=people["eier"])
    assert api(other, GOOD, token=token).status_code == 403
    assert not Post.objects.exists()


def test_a_revoked_token_is_403(account: Account, token: str, people: dict[str, User]) -> None:
    ingest_token_revoke(actor=people["eier"], token=IngestToken.objects.get())
    assert api(account, GOOD, token=token).status_code == 403


def test_unknown_account_is_404(token: str) -> None:
    response = Client().post(
        "/innlegg/api/kontoer/999999/", data=GOOD, content_type="application/json"
    )
    assert response.status_code == 404


def test_get_is_not_allowed(account: Account, token: str) -> None:
    response = Client().get(
        f"/innlegg/api/kontoer/{account.pk}/", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "ikke gyldig JSON"),
        (b"\xff\xfe", "ikke gyldig JSON"),
        (b"[1, 2]", "JSON-objekt"),
        (b"[" * 100_000, "ikke gyldig JSON"),
        (json.dumps({**GOOD, "text": "Hei\u0000du"}).encode(), "«text» inneholder et tegn"),
        (json.dumps({**GOOD, "id": "fb-\ud800"}).encode(), "«id» inneholder et tegn"),
        (json.dumps({**GOOD, "author": "\udfff"}).encode(), "«author» inneholder et tegn"),
        (json.dumps({**GOOD, "\ud800": 1}).encode(), "Ukjente felt: \\ud800"),
        (json.dumps({**GOOD, "posted_at": "2026-02-30T10:00:00+0000"}).encode(), "«posted_at»"),
        (json.dumps({**GOOD, "posted_at": "2026-11-25T09:30:00+25:00"}).encode(), "«posted_at»"),
        (json.dumps({**GOOD, "posted_at": "0001-01-01T00:00:00+14:00"}).encode(), "før 1. januar"),
        (json.dumps({**GOOD, "posted_at": "2003-12-31T23:59:59Z"}).encode(), "før 1. januar"),
        (json.dumps({**GOOD, "extra": 1}).encode(), "Ukjente felt: extra"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "text"}).encode(), "«text»"),
        (json.dumps({**GOOD, "text": "   "}).encode(), "«text»"),
        (json.dumps({**GOOD, "id": ""}).encode(), "«id»"),
        (json.dumps({**GOOD, "id": None}).encode(), "«id»"),
        (json.dumps({**GOOD, "id": "x" * 201}).encode(), "«id»"),
        (json.dumps({**GOOD, "author": 5}).encode(), "«author»"),
        (json.dumps({**GOOD, "url": "javascript:alert(1)"}).encode(), "«url»"),
        (json.dumps({**GOOD, "posted_at": "2026-11-25T09:30:00"}).encode(), "tidssone"),
        (json.dumps({**GOOD, "posted_at": "i går"}).encode(), "«posted_at»"),
        (json.dumps({**GOOD, "posted_at": 1795595400}).encode(), "«posted_at»"),
    ],
)
def test_api_malformed_bodies_are_400_and_store_nothing(
    account: Account, token: str, raw: bytes, message: str
) -> None:
    response = api(account, None, token=token, raw=raw)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Post.objects.exists()


def test_a_numeric_id_is_taken_as_text(account: Account, token: str) -> None:
    assert api(account, {**GOOD, "id": 123}, token=token).status_code == 201
    assert Post.objects.get().platform_id == "123"


@override_settings(INGEST_MAX_BODY_BYTES=1024)
def test_api_oversize_body_is_413(account: Account, token: str) -> None:
    response = api(account, {**GOOD, "text": "x" * 2000}, token=token)
    assert response.status_code == 413
    assert "1024" in response.json()["error"]
    assert not Post.objects.exists()


def test_api_refuses_an_account_that_is_not_active(account: Account, token: str) -> None:
    Account.objects.filter(pk=account.pk).update(status=AccountStatus.SUSPENDED)
    response = api(account, GOOD, token=token)
    assert response.status_code == 409
    assert not Post.objects.exists()


def test_a_time_in_the_future_is_taken_as_now(
    frozen: time_machine.Traveller, account: Account, token: str
) -> None:
    assert (
        api(account, {**GOOD, "posted_at": "2027-01-01T00:00:00Z"}, token=token).status_code == 201
    )
    assert Post.objects.get().posted_at == oslo(11, 25, 10, 0)


def test_the_documented_example_is_accepted(account: Account, token: str) -> None:
    """The curl example in docs/operations.md sends a body the API takes."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    example = re.search(r"curl -X POST .*?-d '(\{.*?\})'", docs, re.S)
    assert example is not None
    response = api(account, json.loads(example.group(1)), token=token)
    assert response.status_code == 201, response.json()


# --- The Facebook Page webhook --------------------------------------------------------------


@pytest.fixture
def page_account(account: Account) -> Account:
    Account.objects.filter(pk=account.pk).update(facebook_page_id=PAGE_ID)
    account.refresh_from_db()
    return account


def webhook(body: bytes, signature: str | None = None) -> Any:
    headers = {"X-Hub-Signature-256": signature if signature is not None else sign(body)}
    return Client().post(
        "/innlegg/webhook/facebook/", data=body, content_type="application/json", headers=headers
    )


@pytest.fixture(autouse=True)
def _facebook_settings(settings: Any) -> None:
    settings.FACEBOOK_APP_SECRET = SECRET
    settings.FACEBOOK_VERIFY_TOKEN = VERIFY


def test_handshake_echoes_the_challenge() -> None:
    response = Client().get(
        "/innlegg/webhook/facebook/",
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"},
    )
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
        {},
    ],
)
def test_handshake_with_a_wrong_token_is_403(params: dict[str, str]) -> None:
    assert Client().get("/innlegg/webhook/facebook/", params).status_code == 403


def test_handshake_is_refused_when_no_verify_token_is_configured(settings: Any) -> None:
    settings.FACEBOOK_VERIFY_TOKEN = ""
    response = Client().get(
        "/innlegg/webhook/facebook/",
        {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"},
    )
    assert response.status_code == 403


def test_a_comment_on_an_official_page_becomes_a_post(
    frozen: time_machine.Traveller, page_account: Account
) -> None:
    response = webhook(delivery(comment()))
    assert response.status_code == 200 and response.json() == {"created": 1}
    post = Post.objects.get()
    assert post.account == page_account and post.source == PostSource.FACEBOOK
    assert post.platform_id == "111_222" and post.author == "Kari Nordmann"
    assert post.text == "Hvorfor er veien ikke brøytet?"
    assert post.url == "https://www.facebook.com/100000000000042_555"
    assert post.posted_at == oslo(11, 25, 9, 30)
    assert post.due_at == oslo(11, 26, 10, 0) and post.status == PostStatus.OPEN


def test_a_replayed_delivery_creates_nothing_new(page_account: Account) -> None:
    body = delivery(comment(), comment("111_333"))
    assert webhook(body).json() == {"created": 2}
    assert webhook(body).json() == {"created": 0}
    assert Post.objects.count() == 2


def test_a_new_comment_costs_five_statements_and_a_replay_one(
    page_account: Account, django_assert_num_queries: Any
) -> None:
    """One query tells the account, whether the comment is stored and the guideline
    version in force; a replay ends there, without a transaction. A new comment: in one
    transaction, the post (one insert that a concurrent replay cannot duplicate) and its
    audit event. (The guideline version is parsed once per process: warmed here.)"""
    assert webhook(delivery(comment("111_warm"))).json() == {"created": 1}
    body = delivery(comment())
    with django_assert_num_queries(5):  # BEGIN and COMMIT included
        assert webhook(body).json() == {"created": 1}
    with django_assert_num_queries(1):
        assert webhook(body).json() == {"created": 0}
    post = Post.objects.get(platform_id="111_222")
    (event,) = Event.objects.filter(action="posts.post_received", target_id=str(post.pk))
    assert event.target_repr == str(post) == f"Innlegg {post.pk} på {page_account.name}"
    assert event.actor is None
    due_at = event.data.pop("due_at")
    assert datetime.fromisoformat(due_at) == post.due_at
    assert event.data == {
        "source": "facebook",
        "platform_id": "111_222",
        "account": page_account.pk,
    }


def test_a_comment_follows_a_guideline_version_adopted_meanwhile(
    frozen: time_machine.Traveller, page_account: Account, personas: dict[str, Persona]
) -> None:
    """The version in force is read with the account on every delivery, so a version
    adopted after this process parsed the last one decides the next post's deadline."""
    assert webhook(delivery(comment("111_before"))).json() == {"created": 1}
    radmann = persona_user(personas, "radmann")
    draft = make_draft(actor=radmann)
    version_parameters_update(
        actor=radmann,
        version=draft,
        parameters={**draft.parameters, "answer_deadline_working_hours": 4},
    )
    adopt(
        actor=radmann,
        version=draft,
        adopted_on=date(2026, 11, 24),
        effective_from=date(2026, 11, 25),
    )
    assert webhook(delivery(comment("111_after"))).json() == {"created": 1}
    # Posted Wednesday 09:30: 8 working hours under version 1, 4 under version 2.
    assert Post.objects.get(platform_id="111_before").due_at == oslo(11, 26, 10, 0)
    assert Post.objects.get(platform_id="111_after").due_at == oslo(11, 25, 13, 30)


def test_a_replay_that_passed_the_look_up_stores_nothing(page_account: Account) -> None:
    """What a replay racing the first delivery meets: ``post_ingest`` has no look-up of
    its own, the insert's ON CONFLICT keeps one post and one audit event."""
    from accounts.posts.services import post_ingest

    fields: dict[str, Any] = {
        "account": page_account,
        "platform_id": "111_222",
        "author": "Kari Nordmann",
        "text": "Hvorfor er veien ikke brøytet?",
        "url": "",
        "posted_at": oslo(11, 25, 9, 30),
        "source": PostSource.FACEBOOK,
    }
    first, created = post_ingest(**fields)
    again, created_again = post_ingest(**fields)
    assert created and not created_again and again.pk == first.pk
    assert Post.objects.count() == 1
    assert Event.objects.filter(action="posts.post_received").count() == 1


def test_a_bad_signature_is_403_and_stores_nothing(page_account: Account) -> None:
    body = delivery(comment())
    assert webhook(body, signature=sign(body, "another-secret")).status_code == 403
    assert webhook(body, signature="").status_code == 403
    assert webhook(body, signature=sign(body).removeprefix("sha256=")).status_code == 403
    assert webhook(body, signature="sha1=" + sign(body)[7:]).status_code == 403
    # A signature of other bytes than those sent.
    assert webhook(body + b" ", signature=sign(body)).status_code == 403
    assert not Post.objects.exists()


def test_without_an_app_secret_every_delivery_is_refused(
    settings: Any, page_account: Account
) -> None:
    settings.FACEBOOK_APP_SECRET = ""
    body = delivery(comment())
    assert webhook(body, signature=sign(body, "")).status_code == 403
    assert not Post.objects.exists()


def test_a_malformed_body_is_400(page_account: Account) -> None:
    for body in (b"{oops", b"\xff", b"[]", b'"page"'):
        assert webhook(body).status_code == 400, body
    assert not Post.objects.exists()


@override_settings(INGEST_MAX_BODY_BYTES=512)
def test_an_oversize_delivery_is_413(page_account: Account) -> None:
    body = delivery(comment(message="x" * 1000))
    assert webhook(body).status_code == 413
    assert not Post.objects.exists()


def test_an_unknown_page_is_ignored_with_a_log_line(
    page_account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="accounts.posts.ingest"):
        response = webhook(delivery(comment(page_id="999"), page_id="999"))
    assert response.status_code == 200 and response.json() == {"created": 0}
    assert "facebook webhook: 999 is not an official account" in caplog.text
    assert not Post.objects.exists()


def test_the_pages_own_comments_and_other_events_are_ignored(page_account: Account) -> None:
    body = delivery(
        comment("1_own", sender={"id": PAGE_ID, "name": "Reine skole"}),
        comment("1_edit", verb="edited"),
        comment("1_like", item="reaction"),
        comment("1_photo", message=""),
        {"field": "mention", "value": {"item": "comment", "verb": "add"}},
    )
    assert webhook(body).json() == {"created": 0}
    assert not Post.objects.exists()


def test_a_page_of_a_suspended_account_is_ignored(page_account: Account) -> None:
    Account.objects.filter(pk=page_account.pk).update(status=AccountStatus.SUSPENDED)
    assert webhook(delivery(comment())).json() == {"created": 0}
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"object": "user", "entry": []},
        {"object": "page"},
        {"object": "page", "entry": "nope"},
        {"object": "page", "entry": [None, 1, "x", {}]},
        {"object": "page", "entry": [{"id": 42, "changes": []}]},
        {"object": "page", "entry": [{"id": PAGE_ID, "changes": "x"}]},
        {"object": "page", "entry": [{"id": PAGE_ID, "changes": [None, [], {"field": "feed"}]}]},
        {"object": "page", "entry": [{"id": PAGE_ID, "changes": [{"field": "feed", "value": []}]}]},
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "comment_id": 5,
                                "message": {"a": 1},
                                "from": "someone",
                                "created_time": "yesterday",
                            },
                        }
                    ],
                }
            ],
        },
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "comment_id": "1_9",
                                "message": "Tekst",
                                "from": ["x"],
                                "created_time": 10**20,
                                "post": "x",
                                "post_id": {"x": 1},
                            },
                        }
                    ],
                }
            ],
        },
    ],
)
def test_a_payload_it_does_not_understand_is_never_a_500(
    page_account: Account, payload: dict[str, Any]
) -> None:
    response = webhook(json.dumps(payload).encode())
    assert response.status_code == 200


def test_an_odd_but_usable_comment_is_stored_with_defaults(
    frozen: time_machine.Traveller, page_account: Account
) -> None:
    """The last payload above: no sender name, a time out of range, no link."""
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "comment_id": "1_9",
                                "message": "Tekst",
                                "created_time": 10**20,
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    assert webhook(body).json() == {"created": 1}
    post = Post.objects.get()
    assert post.author == "" and post.url == "" and post.posted_at == oslo(11, 25, 10, 0)


def test_a_comment_that_cannot_be_stored_is_skipped_and_the_others_kept(
    frozen: time_machine.Traveller, page_account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    """NUL and lone surrogates cannot be stored (PostgreSQL, UTF-8): such a comment is
    logged and skipped; the good ones of the same delivery are stored, and a time that is
    no date (30 February) or lies outside the window is taken as the time of arrival."""
    bad_date = comment("1_c")
    bad_date["value"]["created_time"] = "2026-02-30T10:00:00+0000"
    far_offset = comment("1_d")
    far_offset["value"]["created_time"] = "2026-11-25T09:30:00+25:00"
    year_one = comment("1_e")
    year_one["value"]["created_time"] = "0001-01-01T00:00:00+14:00"
    body = delivery(
        comment("1_a"),
        comment("1_nul", message="Hei\u0000du"),
        comment("1_\ud800"),
        comment("1_b", sender={"id": "5", "name": "Kari \ud800"}),
        bad_date,
        far_offset,
        year_one,
    )
    with caplog.at_level(logging.INFO, logger="accounts.posts.ingest"):
        response = webhook(body)
    assert response.status_code == 200 and response.json() == {"created": 4}
    stored = dict(Post.objects.values_list("platform_id", "posted_at"))
    assert stored == {
        "1_a": oslo(11, 25, 9, 30),
        "1_c": oslo(11, 25, 10, 0),
        "1_d": oslo(11, 25, 10, 0),
        "1_e": oslo(11, 25, 10, 0),
    }
    assert Event.objects.filter(action="posts.post_received").count() == 4
    assert "cannot be stored" in caplog.text


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b'{"object": "page", "entry": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        json.dumps({"object": "page", "entry": [{"id": "1\u0000", "changes": []}]}).encode(),
        b'{"object": "page\\ud800", "entry": []}',
    ],
)
def test_a_hostile_but_signed_body_is_never_a_500(page_account: Account, raw: bytes) -> None:
    response = Client(raise_request_exception=False).post(
        "/innlegg/webhook/facebook/",
        data=raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": sign(raw)},
    )
    assert response.status_code in (200, 400)
    assert not Post.objects.exists()
