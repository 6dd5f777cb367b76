"""Acting on Facebook through the outbox, against the Graph API stand-in as a real server.

Each test connects the account to a Page of the stand-in (``platform_connect``: the token
is checked and the app subscribes), then acts as a responder would and delivers the
outbox as the Celery task does (``platform_action_deliver``); what the Page shows is read
from the stand-in's own state.
"""

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.crisis.services import CrisisError, crisis_end, crisis_start
from accounts.models import (
    Account,
    ActionKind,
    ActionState,
    ConnectionStatus,
    CrisisPeriod,
    PlatformAction,
    PlatformConnection,
    Post,
    PostCategory,
    PostSource,
    PostStatus,
)
from accounts.posts.crypto import token_decrypt
from accounts.posts.delivery import (
    platform_action_deliver,
    platform_action_release,
    platform_outbox_sweep,
)
from accounts.posts.services import (
    PostError,
    platform_connect,
    platform_disconnect,
    post_answer,
    post_remove_sensitive,
    post_triage,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from standins.meta_graph import GraphStandIn
from tests.accounts.factories import make_account
from tests.crisis.factories import make_crisis
from tests.factories import make_user
from tests.posts import webhooks
from tests.posts.factories import make_post

pytestmark = pytest.mark.django_db

PAGE = "100000000000042"
TOKEN = "EAAGstandinpagetoken42"  # noqa: S105 - the stand-in's, not a secret


@pytest.fixture
def connected(meta_graph: GraphStandIn, account: Account, people: dict[str, User]) -> Account:
    meta_graph.page_add(PAGE, "Reine skole", TOKEN)
    platform_connect(actor=people["eier"], account=account, page_id=PAGE, token=TOKEN)
    account.refresh_from_db()
    return account


def _comment(meta_graph: GraphStandIn, account: Account, text: str = "Når åpner skolen?") -> Post:
    """A citizen's comment on the Page, as the webhook would have stored it."""
    comment = meta_graph.comment_add(PAGE, text, from_id="987654", from_name="Kari Nordmann")
    return make_post(
        account=account, source=PostSource.FACEBOOK, platform_id=comment["id"], text=text
    )


def _answered(meta_graph: GraphStandIn, account: Account, responder: User) -> Post:
    """A citizen's comment that ``responder`` has answered in the app (the reply queued)."""
    post = _comment(meta_graph, account)
    post_answer(actor=responder, post=post, text="Svar.")
    return post


def _deliver_all(post: Post) -> list[str]:
    return [
        platform_action_deliver(action_id=pk)
        for pk in PlatformAction.objects.filter(post=post).values_list("id", flat=True)
    ]


def _replies(meta_graph: GraphStandIn, comment_id: str) -> list[dict[str, object]]:
    return [
        c
        for c in meta_graph.state()["comments"].values()
        if c.get("parent_id") == comment_id and not c.get("deleted")
    ]


# --- Connecting ------------------------------------------------------------------------------


def test_connecting_checks_the_token_subscribes_and_stores_it_encrypted(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    connection = PlatformConnection.objects.get(account=connected)
    assert connection.status == ConnectionStatus.CONNECTED
    assert connection.name == "Reine skole" and connection.connected_by == people["eier"]
    assert TOKEN not in connection.token_encrypted
    assert token_decrypt(connection.token_encrypted) == TOKEN
    assert connected.facebook_page_id == PAGE
    assert meta_graph.state()["pages"][PAGE]["subscribed_fields"] == ["feed"]
    event = Event.objects.get(action="posts.platform_connected")
    assert TOKEN not in str(event.data) and event.data["page_id"] == PAGE


def test_a_wrong_token_is_refused_in_norwegian_and_nothing_is_stored(
    meta_graph: GraphStandIn, account: Account, people: dict[str, User]
) -> None:
    meta_graph.page_add(PAGE, "Reine skole", TOKEN)
    with pytest.raises(PostError) as refused:
        platform_connect(actor=people["eier"], account=account, page_id=PAGE, token="feil")
    assert refused.value.message_dict["token"] == [
        "Facebook godtar ikke tilgangsnøkkelen: den er feil, utløpt eller trukket tilbake."
    ]
    assert not PlatformConnection.objects.exists()
    account.refresh_from_db()
    assert account.facebook_page_id is None


def test_only_the_owner_connects(
    meta_graph: GraphStandIn, account: Account, people: dict[str, User]
) -> None:
    meta_graph.page_add(PAGE, "Reine skole", TOKEN)
    with pytest.raises(PermissionDenied):
        platform_connect(actor=people["svarer1"], account=account, page_id=PAGE, token=TOKEN)
    assert meta_graph.requests == []


def test_the_connect_page_never_shows_the_token(
    connected: Account, people: dict[str, User], client: Client
) -> None:
    client.force_login(people["eier"])
    page = client.get(f"/innlegg/kontoer/{connected.pk}/facebook-side/")
    assert page.status_code == 200
    assert TOKEN not in page.text and "Reine skole" in page.text


# --- Answering ---------------------------------------------------------------------------


def test_an_answer_goes_out_as_the_pages_reply(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _comment(meta_graph, connected)
    post_answer(actor=people["svarer1"], post=post, text="Skolen åpner mandag.")
    action = PlatformAction.objects.get(post=post)
    assert action.kind == ActionKind.REPLY and action.state == ActionState.QUEUED
    assert platform_action_deliver(action_id=action.pk) == ActionState.DONE
    replies = _replies(meta_graph, post.platform_id)
    assert [r["message"] for r in replies] == ["Skolen åpner mandag."]
    assert replies[0]["from"] == {"id": PAGE, "name": "Reine skole"}
    action.refresh_from_db()
    post.refresh_from_db()
    assert action.result_id == replies[0]["id"] and action.sent_at is not None
    assert post.status == PostStatus.ANSWERED
    assert post.answer_url == f"https://www.facebook.com/{replies[0]['id']}"
    # Delivered twice (a replayed task): nothing more is sent.
    assert platform_action_deliver(action_id=action.pk) == ""
    assert len(_replies(meta_graph, post.platform_id)) == 1


def test_a_post_registered_by_hand_is_not_sent(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = make_post(account=connected)
    post_answer(actor=people["svarer1"], post=post, text="Svar gitt på telefon.")
    assert not PlatformAction.objects.exists()


def test_a_double_answer_decides_once(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _comment(meta_graph, connected)
    post_answer(actor=people["svarer1"], post=post, text="Først.")
    with pytest.raises(PostError):
        post_answer(actor=people["svarer2"], post=Post.objects.get(pk=post.pk), text="Andre.")
    assert PlatformAction.objects.filter(post=post).count() == 1


# --- Hiding and removing -------------------------------------------------------------------


def test_sensitive_is_hidden_at_once_then_removed_and_only_then_blanked(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _comment(meta_graph, connected, "Sønnen min har diagnosen ...")
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.SENSITIVE, expects_answer=False
    )
    assert _deliver_all(post) == [ActionState.DONE]
    assert meta_graph.state()["comments"][post.platform_id]["is_hidden"] is True
    post.refresh_from_db()
    assert post.hidden_on_platform

    post_remove_sensitive(actor=people["svarer1"], post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.OPEN and post.text, "blanked only after the delete"
    delete = PlatformAction.objects.get(post=post, kind=ActionKind.DELETE)
    assert platform_action_deliver(action_id=delete.pk) == ActionState.DONE
    assert meta_graph.state()["comments"][post.platform_id]["deleted"] is True
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and post.text == "" and post.author == ""
    assert post.removed_by == people["svarer1"] and post.removed_on_platform


def test_removing_twice_queues_one_delete(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _comment(meta_graph, connected)
    post_remove_sensitive(actor=people["svarer1"], post=post)
    with pytest.raises(PostError):
        post_remove_sensitive(actor=people["svarer2"], post=post)
    assert PlatformAction.objects.filter(post=post, kind=ActionKind.DELETE).count() == 1


def test_without_a_connection_removal_blanks_at_once(
    account: Account, people: dict[str, User]
) -> None:
    post = make_post(account=account, source=PostSource.FACEBOOK, platform_id="1_2")
    post_remove_sensitive(actor=people["svarer1"], post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and not post.removed_on_platform
    assert not PlatformAction.objects.exists()


# --- Meta's errors ---------------------------------------------------------------------------


def test_an_invalid_token_disconnects_the_page_and_tells_the_owner(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    meta_graph.fault_add(
        method="POST",
        path_suffix="/comments",
        code=190,
        subcode=463,
        message="Error validating access token: Session has expired",
    )
    assert _deliver_all(post) == [ActionState.FAILED]
    connection = PlatformConnection.objects.get(account=connected)
    assert connection.status == ConnectionStatus.DISCONNECTED and connection.token_encrypted == ""
    assert connection.disconnect_reason == "token"
    assert Notification.objects.filter(recipient=people["eier"]).exists()
    post.refresh_from_db()
    # The citizen got no answer: the post waits again, and its reminders resume.
    assert post.status == PostStatus.OPEN and post.next_reminder_at is not None
    assert _replies(meta_graph, post.platform_id) == []


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_throttling_waits_as_long_as_meta_says(
    code: int, connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    meta_graph.fault_add(
        method="POST", path_suffix="/comments", code=code, message="limit", regain_minutes=7
    )
    before = timezone.now()
    assert _deliver_all(post) == [ActionState.QUEUED]
    action = PlatformAction.objects.get(post=post)
    assert action.not_before >= before + timedelta(minutes=7)
    assert action.attempts == 0
    # Not due yet: the sweep leaves it, and nothing reaches Meta meanwhile.
    calls = len(meta_graph.requests)
    assert platform_outbox_sweep() == 0
    assert len(meta_graph.requests) == calls
    PlatformAction.objects.filter(pk=action.pk).update(not_before=timezone.now())
    PlatformConnection.objects.filter(account=connected).update(paused_until=None)
    assert platform_outbox_sweep() == 1
    assert len(_replies(meta_graph, post.platform_id)) == 1


def test_the_sender_paces_itself_on_the_usage_header(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    connection = PlatformConnection.objects.get(account=connected)
    PlatformConnection.objects.filter(pk=connection.pk).update(
        paused_until=timezone.now() + timedelta(minutes=3)
    )
    post = _answered(meta_graph, connected, people["svarer1"])
    calls = len(meta_graph.requests)
    assert _deliver_all(post) == [ActionState.QUEUED]
    assert len(meta_graph.requests) == calls


@pytest.mark.parametrize("code", [1, 2, None])
def test_transient_errors_retry_with_backoff_and_never_double(
    code: int | None, connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    # The reply is made, but the answer is lost on the way back.
    meta_graph.fault_add(
        method="POST",
        path_suffix="/comments",
        code=code,
        message="oops",
        http_status=500 if code else 502,
        after_effect=True,
    )
    assert _deliver_all(post) == [ActionState.QUEUED]
    action = PlatformAction.objects.get(post=post)
    assert action.attempts == 1 and action.not_before > timezone.now()
    PlatformAction.objects.filter(pk=action.pk).update(not_before=timezone.now())
    assert platform_action_deliver(action_id=action.pk) == ActionState.DONE
    # Reconciled: the reply already there was found, not sent again.
    replies = _replies(meta_graph, post.platform_id)
    assert len(replies) == 1
    action.refresh_from_db()
    assert action.result_id == replies[0]["id"]


def test_a_comment_gone_closes_the_post_as_removed_on_the_platform(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    meta_graph.fault_add(
        method="POST",
        path_suffix="/comments",
        code=100,
        subcode=33,
        message="Unsupported post request.",
    )
    assert _deliver_all(post) == [ActionState.FAILED]
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and post.removed_by is None
    assert post.removed_on_platform and post.text == ""
    assert Event.objects.filter(action="posts.post_removed_on_platform").count() == 1


def test_a_missing_permission_is_named(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _comment(meta_graph, connected)
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.SENSITIVE, expects_answer=False
    )
    meta_graph.fault_add(
        method="POST",
        path_suffix="",
        code=200,
        http_status=403,
        message="(#200) Requires pages_manage_engagement permission",
    )
    assert _deliver_all(post) == [ActionState.FAILED]
    action = PlatformAction.objects.get(post=post)
    assert "pages_manage_engagement" in action.error_message
    assert Notification.objects.filter(recipient=people["svarer1"]).exists()
    assert Notification.objects.filter(recipient=people["eier"]).exists()


def test_any_other_error_fails_visibly_and_the_answer_can_be_sent_again(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User], client: Client
) -> None:
    post = _comment(meta_graph, connected)
    post_answer(actor=people["svarer1"], post=post, text="Et svar som ikke kom fram.")
    meta_graph.fault_add(
        method="POST", path_suffix="/comments", code=368, message="Temporarily blocked"
    )
    assert _deliver_all(post) == [ActionState.FAILED]
    client.force_login(people["svarer1"])
    page = client.get(f"/innlegg/{post.pk}/")
    assert "Temporarily blocked" in page.text
    form = client.get(f"/innlegg/{post.pk}/svar/")
    # Nothing typed is lost: the form starts from the answer that did not go out.
    assert "Et svar som ikke kom fram." in form.text


# --- The crisis between queue and send -------------------------------------------------------


def test_a_crisis_that_starts_before_the_send_holds_the_action(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _comment(meta_graph, connected)
    post_answer(actor=people["svarer1"], post=post, text="Svar før krisen.")
    crisis = make_crisis()
    assert _deliver_all(post) == [ActionState.HELD]
    action = PlatformAction.objects.get(post=post)
    assert action.held_by_crisis == crisis
    assert _replies(meta_graph, post.platform_id) == []


def test_a_sender_no_longer_responsible_fails_the_action(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    connected.responsibilities.filter(user=people["svarer1"]).update(ended_at=timezone.now())
    assert _deliver_all(post) == [ActionState.FAILED]
    assert _replies(meta_graph, post.platform_id) == []


def test_a_disconnected_page_sends_nothing(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    platform_disconnect(actor=people["eier"], account=connected)
    assert _deliver_all(post) == [ActionState.FAILED]
    assert _replies(meta_graph, post.platform_id) == []


def test_the_sweep_leaves_the_actions_of_a_paused_page_unclaimed(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    until = timezone.now() + timedelta(minutes=3)
    PlatformConnection.objects.filter(account=connected).update(paused_until=until)
    calls = len(meta_graph.requests)
    assert platform_outbox_sweep() == 0
    action = PlatformAction.objects.get(post=post)
    assert (action.state, action.claimed_at) == (ActionState.QUEUED, None)
    assert len(meta_graph.requests) == calls
    PlatformConnection.objects.filter(account=connected).update(paused_until=timezone.now())
    assert platform_outbox_sweep() == 1
    assert len(_replies(meta_graph, post.platform_id)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("code", [None, 32], ids=["success", "throttled"])
def test_a_pause_another_worker_set_meanwhile_is_neither_ended_nor_shortened(
    code: int | None, connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    action = PlatformAction.objects.get(post=post)
    # This worker's call answers late: a success, or throttled for a minute.
    meta_graph.fault_add(
        method="POST",
        path_suffix="/comments",
        code=code,
        http_status=200 if code is None else 400,
        regain_minutes=0 if code is None else 1,
        delay=1.0,
    )
    outcome: list[str] = []

    def deliver() -> None:
        try:
            outcome.append(platform_action_deliver(action_id=action.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=deliver)
    worker.start()
    deadline = time.monotonic() + 10
    while not any(r["path"].endswith("/comments") for r in meta_graph.requests):
        assert time.monotonic() < deadline, "the reply never reached the stand-in"
        time.sleep(0.02)
    # Meanwhile another worker was told to wait ten minutes.
    until = timezone.now() + timedelta(minutes=10)
    PlatformConnection.objects.filter(account=connected).update(paused_until=until)
    worker.join(timeout=20)
    assert outcome == [ActionState.DONE if code is None else ActionState.QUEUED]
    assert PlatformConnection.objects.get(account=connected).paused_until == until


def test_delivering_a_reply_costs_a_fixed_number_of_queries(
    connected: Account,
    meta_graph: GraphStandIn,
    people: dict[str, User],
    django_assert_num_queries: Any,
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    action = PlatformAction.objects.get(post=post)
    # Claim, read, lockout and right, settle, answer's link, audit event (savepoints counted).
    with django_assert_num_queries(9):
        assert platform_action_deliver(action_id=action.pk) == ActionState.DONE


# --- A worker that died mid-send -------------------------------------------------------------


def test_a_stale_claim_is_reconciled_before_sending_again(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User], settings: Any
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    action = PlatformAction.objects.get(post=post)
    # The worker sent the reply and died before it could settle the row.
    meta_graph.fault_add(
        method="POST",
        path_suffix="/comments",
        drop=True,
        after_effect=True,
        code=None,
        http_status=502,
    )
    assert platform_action_deliver(action_id=action.pk) == ActionState.QUEUED
    PlatformAction.objects.filter(pk=action.pk).update(
        state=ActionState.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert platform_outbox_sweep() == 1
    assert len(_replies(meta_graph, post.platform_id)) == 1
    action.refresh_from_db()
    assert action.state == ActionState.DONE


def test_reconciliation_reads_the_replies_page_by_page(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _answered(meta_graph, connected, people["svarer1"])
    action = PlatformAction.objects.get(post=post)
    # The reply goes out, the answer is lost; then the Page answers 120 others below it.
    meta_graph.fault_add(
        method="POST", path_suffix="/comments", code=None, http_status=502, after_effect=True
    )
    assert platform_action_deliver(action_id=action.pk) == ActionState.QUEUED
    for n in range(120):
        meta_graph.comment_add(
            PAGE,
            f"Takk, {n}.",
            from_id=PAGE,
            from_name="Reine skole",
            parent_id=post.platform_id,
            webhook=False,
        )
    PlatformAction.objects.filter(pk=action.pk).update(not_before=timezone.now())
    calls = len(meta_graph.requests)
    assert platform_action_deliver(action_id=action.pk) == ActionState.DONE
    ours = [r for r in _replies(meta_graph, post.platform_id) if r["message"] == "Svar."]
    assert len(ours) == 1
    reads = [r for r in meta_graph.requests[calls:] if r["method"] == "GET"]
    assert [bool(r["params"].get("after")) for r in reads] == [False, True]
    action.refresh_from_db()
    assert action.result_id == ours[0]["id"]


# --- What comes back: the webhook ----------------------------------------------------------


def _deliver_webhook(settings: Any, *changes: dict[str, Any]) -> None:
    settings.FACEBOOK_APP_SECRET = webhooks.SECRET
    body = webhooks.delivery(*changes, page_id=PAGE)
    response = Client().post(
        "/innlegg/webhook/facebook/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": webhooks.sign(body)},
    )
    assert response.status_code == 200


def _change(
    verb: str, comment_id: str, *, sender: str, message: str = "", parent: str = ""
) -> dict[str, Any]:
    change = webhooks.comment(
        comment_id,
        page_id=PAGE,
        message=message,
        verb=verb,
        sender={"id": sender, "name": "Reine skole"},
    )
    change["value"]["parent_id"] = parent or f"{PAGE}_555"
    return change


def test_the_echo_settles_a_reply_whose_answer_was_lost(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User], settings: Any
) -> None:
    post = _comment(meta_graph, connected)
    post_answer(actor=people["svarer1"], post=post, text="Svar som kom fram.")
    meta_graph.fault_add(
        method="POST",
        path_suffix="/comments",
        code=2,
        http_status=500,
        message="Service temporarily unavailable",
        after_effect=True,
    )
    assert _deliver_all(post) == [ActionState.QUEUED]
    (reply,) = _replies(meta_graph, post.platform_id)
    _deliver_webhook(
        settings,
        _change(
            "add",
            str(reply["id"]),
            sender=PAGE,
            message="Svar som kom fram.",
            parent=post.platform_id,
        ),
    )
    action = PlatformAction.objects.get(post=post)
    assert action.state == ActionState.DONE and action.result_id == reply["id"]
    PlatformAction.objects.filter(pk=action.pk).update(not_before=timezone.now())
    assert platform_outbox_sweep() == 0
    assert len(_replies(meta_graph, post.platform_id)) == 1


def test_a_reply_made_directly_on_facebook_answers_the_post(
    connected: Account, meta_graph: GraphStandIn, settings: Any
) -> None:
    post = _comment(meta_graph, connected)
    _deliver_webhook(
        settings,
        _change(
            "add",
            "555_9001",
            sender=PAGE,
            message="Svar skrevet på Facebook.",
            parent=post.platform_id,
        ),
    )
    post.refresh_from_db()
    assert post.status == PostStatus.ANSWERED and post.answered_by is None
    assert post.answer_text == "Svar skrevet på Facebook."
    assert post.answer_url == "https://www.facebook.com/555_9001"
    assert post.next_reminder_at is None
    assert Event.objects.filter(action="posts.post_answered_on_platform").count() == 1
    assert Notification.objects.count() == 0, "no crisis: nobody is told"


def test_during_a_crisis_the_pages_own_reply_is_shown_to_the_crisis_team(
    connected: Account, meta_graph: GraphStandIn, settings: Any
) -> None:
    post = _comment(meta_graph, connected)
    crisis = make_crisis()
    _deliver_webhook(
        settings,
        _change(
            "add", "555_9002", sender=PAGE, message="Svar midt i krisen.", parent=post.platform_id
        ),
    )
    assert Notification.objects.filter(recipient=crisis.started_by).exists()


def test_a_citizens_edit_updates_the_text_and_a_removal_closes_the_post(
    connected: Account, meta_graph: GraphStandIn, settings: Any
) -> None:
    post = _comment(meta_graph, connected, "Først skrevet.")
    _deliver_webhook(
        settings, _change("edited", post.platform_id, sender="987654", message="Rettet tekst.")
    )
    post.refresh_from_db()
    assert post.text == "Rettet tekst." and post.edited_at is not None
    _deliver_webhook(settings, _change("remove", post.platform_id, sender="987654"))
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and post.removed_on_platform
    assert post.removed_by is None and post.text == ""
    # A replay of the removal changes nothing more.
    _deliver_webhook(settings, _change("remove", post.platform_id, sender="987654"))
    assert Event.objects.filter(action="posts.post_removed_on_platform").count() == 1


def test_the_crisis_team_sends_a_held_answer_in_its_own_name(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _comment(meta_graph, connected)
    post_answer(actor=people["svarer1"], post=post, text="Svar før krisen.")
    crisis = make_crisis()
    assert _deliver_all(post) == [ActionState.HELD]
    action = PlatformAction.objects.get(post=post)
    with pytest.raises(PermissionDenied):
        platform_action_release(actor=people["svarer1"], action=action, send=True)
    assert platform_action_release(actor=crisis.started_by, action=action, send=True)
    assert not platform_action_release(actor=crisis.started_by, action=action, send=False)
    assert _deliver_all(post) == [ActionState.DONE]
    action.refresh_from_db()
    assert action.requested_by == crisis.started_by and action.settled_by == crisis.started_by
    assert [r["message"] for r in _replies(meta_graph, post.platform_id)] == ["Svar før krisen."]


def test_a_cancelled_held_answer_leaves_the_post_waiting(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User], client: Client
) -> None:
    post = _comment(meta_graph, connected)
    post_answer(actor=people["svarer1"], post=post, text="Svar før krisen.")
    crisis = make_crisis()
    _deliver_all(post)
    action = PlatformAction.objects.get(post=post)
    client.force_login(crisis.started_by)
    inbox = client.get("/krise/innboks/")
    assert "Svar før krisen." in inbox.text
    client.post(f"/krise/holdt/{action.pk}/", {"decision": "cancel"})
    action.refresh_from_db()
    post.refresh_from_db()
    assert action.state == ActionState.CANCELLED and post.status == PostStatus.OPEN
    assert _replies(meta_graph, post.platform_id) == []


def test_the_official_answer_is_confirmed_with_where_it_appears(
    connected: Account, meta_graph: GraphStandIn, client: Client
) -> None:
    post = _comment(meta_graph, connected)
    crisis = make_crisis()
    client.force_login(crisis.started_by)
    confirm = client.get(f"/krise/innlegg/{post.pk}/offisielt-svar/")
    assert "«Reine skole»" in confirm.text and "Følg kommunens nettside" in confirm.text
    assert not PlatformAction.objects.exists(), "a GET changes nothing"
    client.post(f"/krise/innlegg/{post.pk}/offisielt-svar/")
    assert _deliver_all(post) == [ActionState.DONE]
    (reply,) = _replies(meta_graph, post.platform_id)
    assert str(reply["message"]).startswith("Følg kommunens nettside")


def test_the_post_page_costs_the_same_with_more_actions(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User], client: Client
) -> None:
    post = _comment(meta_graph, connected)
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.SENSITIVE, expects_answer=False
    )
    client.force_login(people["svarer1"])
    url = f"/innlegg/{post.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        PlatformAction.objects.create(
            account=connected,
            post=post,
            kind=ActionKind.UNHIDE,
            state=ActionState.DONE,
            sent_at=timezone.now(),
            target_id=post.platform_id,
            requested_by=people["svarer2"],
        )
    with CaptureQueriesContext(connection) as four:
        assert "Vis igjen" in client.get(url).text
    assert len(four) == len(one)


# --- The crisis message on the Pages ---------------------------------------------------------


def _published(meta_graph: GraphStandIn) -> list[str]:
    return [
        str(p["message"])
        for p in meta_graph.state()["posts"].values()
        if p["page_id"] == PAGE and not p["deleted"]
    ]


def test_starting_a_crisis_publishes_its_message_on_the_chosen_pages(
    connected: Account, meta_graph: GraphStandIn, client: Client
) -> None:
    leader = make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])
    crisis = crisis_start(
        actor=leader,
        reason="Flom i Reine",
        message_text="Veien er stengt.",
        message_link="https://www.moskenes.kommune.no/krise",
        publish_to=[connected],
    )
    (action,) = PlatformAction.objects.filter(crisis=crisis)
    assert (action.kind, action.target_id, action.post) == (ActionKind.PUBLISH, PAGE, None)
    assert platform_action_deliver(action_id=action.pk) == ActionState.DONE
    assert _published(meta_graph) == ["Veien er stengt.\n\nhttps://www.moskenes.kommune.no/krise"]
    action.refresh_from_db()
    client.force_login(leader)
    page = client.get(f"/krise/{crisis.pk}/").text
    assert "Det offisielle budskapet på Facebook" in page and action.result_url in page
    assert Event.objects.get(action="accounts.crisis_started").data["published_on"] == [
        connected.pk
    ]


def test_a_publish_that_may_have_gone_out_is_looked_for_on_the_feed_first(
    connected: Account, meta_graph: GraphStandIn
) -> None:
    leader = make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])
    crisis = crisis_start(
        actor=leader, reason="Flom", message_text="Veien er stengt.", publish_to=[connected]
    )
    action = PlatformAction.objects.get(crisis=crisis)
    meta_graph.fault_add(
        method="POST", path_suffix="/feed", drop=True, after_effect=True, code=None, http_status=502
    )
    assert platform_action_deliver(action_id=action.pk) == ActionState.QUEUED
    PlatformAction.objects.filter(pk=action.pk).update(not_before=timezone.now())
    assert platform_action_deliver(action_id=action.pk) == ActionState.DONE
    assert _published(meta_graph) == ["Veien er stengt."]
    feed_reads = [
        r for r in meta_graph.requests if r["method"] == "GET" and r["path"] == f"/{PAGE}/feed"
    ]
    assert len(feed_reads) == 1


def test_a_crisis_message_is_not_published_after_the_crisis(
    connected: Account, meta_graph: GraphStandIn
) -> None:
    leader = make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])
    crisis = crisis_start(
        actor=leader, reason="Flom", message_text="Veien er stengt.", publish_to=[connected]
    )
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    action = PlatformAction.objects.get(crisis=crisis)
    assert platform_action_deliver(action_id=action.pk) == ActionState.CANCELLED
    assert _published(meta_graph) == []


def test_publishing_only_on_covered_connected_pages(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    leader = make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])
    other = make_account(name="Moskenes bibliotek")
    with pytest.raises(CrisisError) as uncovered:
        crisis_start(
            actor=leader,
            reason="Flom",
            message_text="Veien er stengt.",
            covers_all_accounts=False,
            accounts=[other],
            publish_to=[connected],
        )
    assert uncovered.value.message_dict["publish_to"] == [
        "Publiser bare på sider som krisen omfatter."
    ]
    with pytest.raises(CrisisError) as unconnected:
        crisis_start(
            actor=leader, reason="Flom", message_text="Veien er stengt.", publish_to=[other]
        )
    assert "publish_to" in unconnected.value.message_dict
    assert not CrisisPeriod.objects.exists() and not PlatformAction.objects.exists()


def test_the_start_form_offers_the_connected_pages_and_the_confirmation_names_them(
    connected: Account, meta_graph: GraphStandIn, client: Client
) -> None:
    leader = make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])
    client.force_login(leader)
    form = client.get("/krise/start/").text
    assert "Publiser det offisielle budskapet på Facebook" in form and "Reine skole" in form
    data = {
        "reason": "Flom",
        "message_text": "Veien er stengt.",
        "covers_all_accounts": "1",
        "publish_to": [str(connected.pk)],
    }
    confirm = client.post("/krise/start/", data).text
    assert "publiseres på disse Facebook-sidene" in confirm and "Reine skole" in confirm
    assert not CrisisPeriod.objects.exists()
    client.post("/krise/start/", {**data, "confirmed": "on"})
    crisis = CrisisPeriod.objects.get()
    assert PlatformAction.objects.get(crisis=crisis).account == connected
