"""Instagram through Instagram Login, against the Graph API stand-in as a real server: the
token exchanged and renewed, comments in by the stand-in's signed webhook, answers (to
top-level comments), hiding and removal out through the outbox."""

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from accounts.models import (
    Account,
    ActionState,
    ConnectionStatus,
    Platform,
    PlatformAction,
    PlatformConnection,
    Post,
    PostCategory,
    PostSource,
    PostStatus,
)
from accounts.posts.crypto import token_decrypt
from accounts.posts.delivery import platform_action_deliver
from accounts.posts.instagram import instagram_connect, instagram_tokens_refresh
from accounts.posts.services import PostError, post_answer, post_remove_sensitive, post_triage
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import Unit, User
from standins.meta_graph import GraphStandIn
from tests.accounts.factories import make_account

from . import webhooks
from .conftest import IG_USER, SECRET, SHORT_TOKEN


def _ingest(settings: Any, *changes: dict[str, Any]) -> None:
    settings.INSTAGRAM_APP_SECRET = SECRET
    body = json.dumps(
        {"object": "instagram", "entry": [{"id": IG_USER, "time": 1795595400, "changes": changes}]}
    ).encode()
    response = Client().post(
        "/innlegg/webhook/instagram/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": webhooks.sign(body, SECRET)},
    )
    assert response.status_code == 200


def _citizen(meta_graph: GraphStandIn, text: str, parent: str | None = None) -> dict[str, Any]:
    """A comment on the stand-in (no webhook), and its webhook change."""
    comment = meta_graph.instagram_comment_add(
        IG_USER, text, from_id="5550001", from_username="kari.n", parent_id=parent, webhook=False
    )
    value: dict[str, Any] = {
        "id": comment["id"],
        "from": {"id": "5550001", "username": "kari.n"},
        "text": text,
        "media": {"id": comment["post_id"], "media_product_type": "FEED"},
    }
    if parent:
        value["parent_id"] = parent
    return {"field": "comments", "value": value}


def _deliver(post: Post) -> list[str]:
    return [
        platform_action_deliver(action_id=pk)
        for pk in PlatformAction.objects.filter(post=post).values_list("id", flat=True)
    ]


def _comments(meta_graph: GraphStandIn) -> dict[str, dict[str, Any]]:
    return dict(meta_graph.state()["comments"])


@pytest.mark.django_db
def test_connecting_exchanges_the_token_for_60_days_and_subscribes(
    instagram: Account, meta_graph: GraphStandIn
) -> None:
    connection = PlatformConnection.objects.get(account=instagram)
    assert connection.is_connected and connection.name == "reineskole"
    token = token_decrypt(connection.token_encrypted)
    assert token and token != SHORT_TOKEN, "the long-lived token, not the one pasted"
    assert connection.token_expires_at is not None
    left = connection.token_expires_at - timezone.now()
    assert timedelta(days=59) < left <= timedelta(days=60)
    assert meta_graph.state()["pages"][IG_USER]["subscribed_fields"] == ["comments"]


@pytest.mark.django_db
def test_a_wrong_token_or_id_is_refused_in_norwegian_and_nothing_is_stored(
    meta_graph: GraphStandIn, people: dict[str, User], unit: Unit, settings: Any
) -> None:
    settings.INSTAGRAM_GRAPH_URL = meta_graph.url
    settings.INSTAGRAM_APP_SECRET = SECRET
    meta_graph.instagram_webhook_configure("", SECRET)
    meta_graph.instagram_account_add(IG_USER, "reineskole", SHORT_TOKEN)
    account = make_account(unit=unit, platform=Platform.INSTAGRAM, owner=people["eier"])
    with pytest.raises(PostError) as wrong:
        instagram_connect(actor=people["eier"], account=account, user_id=IG_USER, token="feil")
    assert wrong.value.message_dict["token"] == [
        "Instagram godtar ikke tilgangsnøkkelen: den er feil, utløpt eller trukket tilbake."
    ]
    with pytest.raises(PostError) as other:
        instagram_connect(
            actor=people["eier"], account=account, user_id="17841400000000099", token=SHORT_TOKEN
        )
    assert other.value.message_dict["token"] == [
        "Tilgangsnøkkelen hører til en annen Instagram-konto."
    ]
    assert not PlatformConnection.objects.exists()


@pytest.mark.django_db
def test_a_reply_to_a_reply_keeps_its_thread_and_is_answered_under_its_comment(
    instagram: Account, meta_graph: GraphStandIn, people: dict[str, User], settings: Any
) -> None:
    top = _citizen(meta_graph, "Når er skolen ferdig?")
    reply = _citizen(meta_graph, "Og hva med SFO?", parent=top["value"]["id"])
    _ingest(settings, top, reply)
    post = Post.objects.get(platform_id=reply["value"]["id"])
    assert post.source == PostSource.INSTAGRAM and post.author == "kari.n"
    assert post.parent_platform_id == top["value"]["id"]
    post_answer(actor=people["svarer1"], post=post, text="SFO åpner 1. august.")
    assert _deliver(post) == [ActionState.DONE]
    ours = [c for c in _comments(meta_graph).values() if c["from"]["id"] == IG_USER]
    assert [(c["parent_id"], c["message"]) for c in ours] == [
        (top["value"]["id"], "SFO åpner 1. august.")
    ]
    # The echo of our reply is recognised, not taken for an answer given on Instagram.
    echo = {
        "field": "comments",
        "value": {
            "id": ours[0]["id"],
            "from": {"id": IG_USER, "username": "reineskole"},
            "text": "SFO åpner 1. august.",
            "media": {"id": ours[0]["post_id"]},
            "parent_id": top["value"]["id"],
        },
    }
    _ingest(settings, echo)
    post.refresh_from_db()
    assert post.status == PostStatus.ANSWERED and post.answered_by == people["svarer1"]
    assert Post.objects.get(platform_id=top["value"]["id"]).status == PostStatus.OPEN


@pytest.mark.django_db
def test_sensitive_is_hidden_then_removed(
    instagram: Account, meta_graph: GraphStandIn, people: dict[str, User], settings: Any
) -> None:
    change = _citizen(meta_graph, "Sønnen min har epilepsi, kan han være med på turen?")
    _ingest(settings, change)
    post = Post.objects.get(platform_id=change["value"]["id"])
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.SENSITIVE, expects_answer=False
    )
    assert _deliver(post) == [ActionState.DONE]
    assert _comments(meta_graph)[post.platform_id]["is_hidden"] is True
    post_remove_sensitive(actor=people["svarer1"], post=post)
    assert ActionState.DONE in _deliver(post)
    assert _comments(meta_graph)[post.platform_id]["deleted"] is True
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and post.text == ""


@pytest.mark.django_db
def test_a_token_about_to_expire_is_renewed_by_beat(
    instagram: Account, meta_graph: GraphStandIn
) -> None:
    connection = PlatformConnection.objects.get(account=instagram)
    before = token_decrypt(connection.token_encrypted)
    # 40 days on, 20 are left: fewer than INSTAGRAM_TOKEN_REFRESH_DAYS (30).
    with time_machine.travel(timezone.now() + timedelta(days=40), tick=True):
        assert instagram_tokens_refresh() == 1
        connection.refresh_from_db()
        assert token_decrypt(connection.token_encrypted) != before
        assert connection.token_expires_at is not None
        assert connection.token_expires_at - timezone.now() > timedelta(days=59)
        assert instagram_tokens_refresh() == 0, "nothing is due again"


@pytest.mark.django_db
def test_a_token_that_has_expired_disconnects_and_tells_the_owner(
    instagram: Account, meta_graph: GraphStandIn, people: dict[str, User], client: Client
) -> None:
    with time_machine.travel(timezone.now() + timedelta(days=61), tick=True):
        assert instagram_tokens_refresh() == 0
    connection = PlatformConnection.objects.get(account=instagram)
    assert connection.status == ConnectionStatus.DISCONNECTED and connection.token_encrypted == ""
    assert Notification.objects.filter(
        recipient=people["eier"], subject__startswith="Instagram godtar ikke lenger"
    ).exists()
    client.force_login(people["eier"])
    page = client.get(f"/kontoer/{instagram.pk}/").text
    assert "Koble til Instagram-kontoen" in page


@pytest.mark.django_db
def test_the_account_page_shows_when_the_token_expires(
    instagram: Account, people: dict[str, User], client: Client
) -> None:
    client.force_login(people["eier"])
    page = client.get(f"/kontoer/{instagram.pk}/").text
    assert "Koblet til @reineskole" in page and "Tilgangsnøkkelen utløper" in page


@pytest.mark.django_db(transaction=True)
def test_the_stand_ins_own_webhook_brings_comments_and_the_echo(
    instagram: Account,
    meta_graph: GraphStandIn,
    people: dict[str, User],
    live_server: LiveServer,
) -> None:
    """End to end: the stand-in signs and sends its webhooks to the running app."""
    meta_graph.instagram_webhook_configure(f"{live_server.url}/innlegg/webhook/instagram/", SECRET)
    comment = meta_graph.instagram_comment_add(
        IG_USER, "Er det skole i morgen?", from_id="5550002", from_username="ola.n"
    )
    assert meta_graph.webhook_flush(10)
    post = Post.objects.get(account=instagram, platform_id=comment["id"])
    post_answer(actor=people["svarer1"], post=post, text="Ja, som vanlig.")
    assert _deliver(post) == [ActionState.DONE]
    assert meta_graph.webhook_flush(10)
    post.refresh_from_db()
    assert post.status == PostStatus.ANSWERED
    assert Post.objects.filter(account=instagram).count() == 1, "our echo is no new post"
