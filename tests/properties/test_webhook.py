"""The Facebook webhook, driven by Hypothesis with valid signatures over whatever bytes
it makes: never a 5xx, never half a post."""

from typing import Any

import pytest
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import Account, Post
from moskenes_social.people.models import Unit
from tests.accounts.factories import make_account
from tests.factories import make_user
from tests.posts.webhooks import PAGE_ID, SECRET, comment, delivery, sign

from .invariants import assert_no_partial_rows
from .strategies import any_text, encoded, maybe, times

pytestmark = pytest.mark.django_db


# A comment as Meta sends it, with the texts and times of ``strategies``...
well_formed = st.fixed_dictionaries(
    {
        "item": st.just("comment"),
        "verb": st.just("add"),
        "comment_id": st.from_regex(r"\A[0-9]{1,6}_[0-9]{1,6}\Z"),
        "message": st.one_of(st.text(min_size=1, max_size=80), any_text),
        "created_time": times,
        "from": st.fixed_dictionaries({"id": st.from_regex(r"\A[0-9]{1,8}\Z"), "name": any_text}),
    },
    optional={
        "post_id": any_text,
        "post": st.fixed_dictionaries({"permalink_url": any_text}),
        "parent_id": any_text,
    },
)
# ... and one in which any field may be anything.
noisy = st.fixed_dictionaries(
    {
        "item": maybe(st.sampled_from(["comment", "status", "reaction"])),
        "verb": maybe(st.sampled_from(["add", "edited", "remove"])),
        "comment_id": maybe(any_text),
        "message": maybe(any_text),
        "created_time": times,
        "from": maybe(st.fixed_dictionaries({"id": maybe(any_text), "name": maybe(any_text)})),
    },
    optional={
        "post_id": maybe(any_text),
        "post": maybe(st.fixed_dictionaries({"permalink_url": maybe(any_text)})),
        "parent_id": maybe(any_text),
    },
)
feed_change = st.fixed_dictionaries(
    {"field": st.just("feed"), "value": st.one_of(well_formed, noisy)}
)
changes = st.lists(maybe(feed_change), min_size=1, max_size=4)
entry = st.fixed_dictionaries(
    {"id": maybe(st.just(PAGE_ID)), "changes": maybe(changes)}, optional={"time": times}
)
entries = st.lists(maybe(entry), min_size=1, max_size=3)
payloads = maybe(st.fixed_dictionaries({"object": maybe(st.just("page")), "entry": maybe(entries)}))
bodies = st.one_of(payloads.map(encoded), st.binary(max_size=200))


@pytest.fixture
def page_account(unit: Unit, settings: Any) -> Account:
    settings.FACEBOOK_APP_SECRET = SECRET
    owner = make_user(username="eier", unit=unit)
    return make_account(unit=unit, owner=owner, facebook_page_id=PAGE_ID)


@given(body=bodies)
@example(body=b"[" * 100_000)
@example(body=b'{"object": "page", "entry": [{"id": "' + PAGE_ID.encode() + b'\\u0000"}]}')
@example(body=delivery(comment("1_1", message="Hei\ud800")))
def test_a_signed_body_is_never_a_server_error(page_account: Account, body: bytes) -> None:
    signature = sign(body)
    response = Client(raise_request_exception=False).post(
        "/innlegg/webhook/facebook/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )
    assert response.status_code < 500, response.content[:300]
    assert_no_partial_rows()


@given(body=payloads.map(encoded))
def test_a_body_with_a_bad_signature_stores_nothing(page_account: Account, body: bytes) -> None:
    response = Client(raise_request_exception=False).post(
        "/innlegg/webhook/facebook/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": "sha256=" + "0" * 64},
    )
    assert response.status_code == 403
    assert not Post.objects.exists()
