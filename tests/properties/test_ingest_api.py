"""The ingest API, driven by Hypothesis with a valid token: 2xx or 4xx with a message,
never a 5xx, never half a post."""

from typing import Any

import pytest
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import Account
from moskenes_social.people.models import Unit
from tests.accounts.factories import make_account
from tests.factories import make_user
from tests.posts.factories import make_token

from .invariants import assert_no_partial_rows
from .strategies import any_text, encoded, json_values, maybe, times

pytestmark = pytest.mark.django_db

posts = st.fixed_dictionaries(
    {},
    optional={
        "id": maybe(st.one_of(any_text, st.integers())),
        "author": maybe(any_text),
        "text": maybe(any_text),
        "url": maybe(st.one_of(any_text, st.just("https://www.facebook.com/1"))),
        "posted_at": times,
    },
)
bodies = st.one_of(
    st.one_of(posts, st.dictionaries(any_text, json_values, max_size=3), json_values).map(encoded),
    st.binary(max_size=200),
)


@pytest.fixture
def account_token(unit: Unit) -> tuple[Account, str]:
    owner = make_user(username="eier", unit=unit)
    account = make_account(unit=unit, owner=owner)
    return account, make_token(account=account, created_by=owner)[1]


@given(body=bodies)
@example(body=encoded({"id": "1", "text": "Hei", "posted_at": "0001-01-01T00:00:00+14:00"}))
@example(body=encoded({"id": "1", "text": "Hei", "posted_at": "2026-02-30T10:00:00+0000"}))
@example(body=encoded({"id": "1\x00", "text": "Hei", "posted_at": "2026-11-25T09:30:00Z"}))
@example(body=encoded({"\ud800": 1}))
@example(body=b"[" * 100_000)
def test_a_body_with_a_valid_token_is_never_a_server_error(
    account_token: tuple[Account, str], body: bytes
) -> None:
    account, token = account_token
    response: Any = Client(raise_request_exception=False).post(
        f"/innlegg/api/kontoer/{account.pk}/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert response.json()["error"]
    assert_no_partial_rows()
