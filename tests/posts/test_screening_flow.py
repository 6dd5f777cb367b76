"""What follows when the screening finds possibly sensitive information in an incoming post:
marked with what matched (masked), first in the inbox, its people told at once, hidden on
the platform through the outbox where the account is connected and the guideline version
says so; then a person removes it or shows it again with a reason. Against the Graph API
stand-in; the outbox is delivered as its task does (``platform_action_deliver``)."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts.models import (
    Account,
    ActionKind,
    ActionState,
    PlatformAction,
    Post,
    PostCategory,
    PostSource,
    PostStatus,
    ScreeningStatus,
)
from accounts.posts.delivery import platform_action_deliver
from accounts.posts.services import (
    PostError,
    platform_connect,
    post_answer,
    post_close,
    post_ingest,
    post_register,
    post_remove_sensitive,
    post_screening_dismiss,
    post_triage,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from policy.parameters import parse_version_parameters, version_parameters_to_json
from policy.selectors import version_policy_cache_clear
from policy.services import version_parameters_update
from standins.meta_graph import GraphStandIn
from tests.crisis.factories import make_crisis
from tests.factories import make_user
from tests.policy.factories import adopt, make_draft

from . import webhooks
from .conftest import IG_USER, SECRET
from .factories import make_post

pytestmark = pytest.mark.django_db

PAGE = webhooks.PAGE_ID
TOKEN = "EAAGstandinpagetoken42"  # noqa: S105 - the stand-in's, not a secret
# Valid by the check digits of today (python-stdnum's documented example).
NUMBER = "15108695088"
SENSITIVE = f"Sønnen min har fått diagnosen ADHD, fnr {NUMBER}. Hva gjør skolen?"


@pytest.fixture(autouse=True)
def _facebook_settings(settings: Any) -> None:
    settings.FACEBOOK_APP_SECRET = webhooks.SECRET


@pytest.fixture
def connected(meta_graph: GraphStandIn, account: Account, people: dict[str, User]) -> Account:
    meta_graph.page_add(PAGE, "Reine skole", TOKEN)
    platform_connect(actor=people["eier"], account=account, page_id=PAGE, token=TOKEN)
    account.refresh_from_db()
    return account


def _webhook(*changes: dict[str, Any]) -> None:
    body = webhooks.delivery(*changes)
    response = Client().post(
        "/innlegg/webhook/facebook/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": webhooks.sign(body)},
    )
    assert response.status_code == 200


def _citizen(meta_graph: GraphStandIn, text: str) -> Post:
    """A citizen's comment on the Page, brought by the webhook."""
    comment = meta_graph.comment_add(
        PAGE, text, from_id="987654", from_name="Kari Nordmann", webhook=False
    )
    _webhook(webhooks.comment(comment["id"], message=text))
    return Post.objects.get(platform_id=comment["id"])


def _deliver(post: Post) -> list[str]:
    return [
        platform_action_deliver(action_id=pk)
        for pk in PlatformAction.objects.filter(post=post)
        .order_by("id")
        .values_list("id", flat=True)
    ]


def _hidden(meta_graph: GraphStandIn, post: Post) -> bool:
    return bool(meta_graph.state()["comments"][post.platform_id]["is_hidden"])


def _version_with(*, actor: User, **screening: Any) -> None:
    """Adopt a version whose screening parameters differ as given."""
    draft = make_draft(actor=actor)
    parameters = version_parameters_to_json(parse_version_parameters(draft.parameters))
    version_parameters_update(actor=actor, version=draft, parameters={**parameters, **screening})
    adopt(actor=actor, version=draft)
    version_policy_cache_clear()


# --- Coming in through the webhook ----------------------------------------------------------


def test_a_match_is_marked_hidden_at_once_and_its_people_told(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    assert post.screening == ScreeningStatus.FLAGGED and post.screened_at is not None
    assert post.findings is not None
    assert [(f["kind"], f["confidence"]) for f in post.findings] == [
        ("term", "medium"),
        ("term", "medium"),
        ("national_id", "high"),
    ]
    assert NUMBER not in post.text_masked and "diagnosen" not in post.text_masked
    # The hide is queued in the webhook's transaction, by the screening in the owner's name.
    (hide,) = PlatformAction.objects.filter(post=post)
    assert hide.kind == ActionKind.HIDE and hide.by_screening
    assert hide.requested_by == people["eier"]
    assert _deliver(post) == [ActionState.DONE]
    assert _hidden(meta_graph, post)
    post.refresh_from_db()
    assert post.hidden_on_platform
    # The owner and the responders are told at once (the backup is not: there are
    # responders), never with the post's words.
    told = Notification.objects.filter(url=f"/innlegg/{post.pk}/")
    assert {n.recipient.username for n in told} == {"eier", "svarer1", "svarer2"}
    for notification in told:
        assert notification.subject == "Mulig sensitive opplysninger i et innlegg på Reine skole"
        assert "fødselsnummer" in notification.body and "skjules på Facebook" in notification.body
        assert NUMBER not in notification.body and "diagnose" not in notification.body


def test_the_log_never_holds_what_matched(connected: Account, meta_graph: GraphStandIn) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    _deliver(post)
    events = Event.objects.filter(target_id=str(post.pk))
    logged = json.dumps([(e.action, e.data, e.reason, e.target_repr) for e in events])
    for secret in (NUMBER, "151086", "diagnose", "adhd", "ADHD"):
        assert secret not in logged
    (screened,) = events.filter(action="posts.post_screened")
    assert screened.actor is None
    assert screened.data == {
        "findings": [
            {"kind": "national_id", "confidence": "high", "count": 1},
            {"kind": "term", "confidence": "medium", "count": 2},
        ],
        "hide": True,
        "edited": False,
    }


def test_an_ordinary_comment_is_not_marked_and_costs_nothing_more(
    connected: Account, meta_graph: GraphStandIn, django_assert_num_queries: Any
) -> None:
    _citizen(meta_graph, "Varm-opp")  # the guideline version is parsed once per process
    comment = meta_graph.comment_add(
        PAGE, "Når åpner biblioteket?", from_id="1", from_name="Ola", webhook=False
    )
    # As tests/posts/test_ingest.py pins it without the screening: BEGIN, the query of the
    # comment's target, the insert, the event, COMMIT.
    with django_assert_num_queries(5):
        _webhook(webhooks.comment(comment["id"], message="Når åpner biblioteket?"))
    post = Post.objects.get(platform_id=comment["id"])
    assert post.screening == "" and post.findings is None
    assert not PlatformAction.objects.exists() and not Notification.objects.exists()


def test_without_a_connection_it_is_marked_and_told_but_not_hidden(
    account: Account, people: dict[str, User]
) -> None:
    post, created = post_ingest(
        account=account,
        platform_id="api-1",
        author="Kari",
        text=f"Personnummer {NUMBER}",
        url="",
        posted_at=timezone.now(),
        source=PostSource.API,
    )
    assert created and post.screening == ScreeningStatus.FLAGGED
    assert not PlatformAction.objects.exists()
    assert Notification.objects.filter(recipient=people["eier"]).exists()
    event = Event.objects.get(action="posts.post_screened")
    assert event.data["hide"] is False


def test_registered_by_hand_is_screened_and_the_registrar_not_told(
    account: Account, people: dict[str, User]
) -> None:
    post = post_register(
        actor=people["svarer1"],
        account=account,
        author="Kari",
        text="Barnevernet har vært hos naboen",
        posted_at=timezone.now() - timedelta(hours=1),
    )
    assert post.screening == ScreeningStatus.FLAGGED
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"eier", "svarer2"}


def test_the_version_may_say_not_to_hide_at_once(
    connected: Account, meta_graph: GraphStandIn
) -> None:
    radmann = make_user(username="radmann", roles=[Role.CHIEF_EXECUTIVE])
    _version_with(actor=radmann, sensitive_hide_at_once=False)
    post = _citizen(meta_graph, SENSITIVE)
    assert post.screening == ScreeningStatus.FLAGGED
    assert not PlatformAction.objects.filter(post=post).exists()
    assert not _hidden(meta_graph, post)


def test_the_versions_own_list_decides_which_words_match(
    connected: Account, meta_graph: GraphStandIn
) -> None:
    radmann = make_user(username="radmann", roles=[Role.CHIEF_EXECUTIVE])
    _version_with(actor=radmann, sensitive_terms=[["sosialkontor*"]])
    assert _citizen(meta_graph, "Sosialkontoret ringte meg").screening == ScreeningStatus.FLAGGED
    assert _citizen(meta_graph, "Barnevernet ringte meg").screening == ""


def test_an_account_number_is_marked_for_a_person_but_not_hidden(
    connected: Account, meta_graph: GraphStandIn
) -> None:
    post = _citizen(meta_graph, f"Betal til {NUMBER[:4]}.{NUMBER[4:6]}.{NUMBER[6:]}")
    assert post.screening == ScreeningStatus.FLAGGED and post.findings is not None
    assert post.findings[0]["confidence"] == "low"
    assert not PlatformAction.objects.filter(post=post).exists()


def test_a_crisis_does_not_hold_the_hide_back_and_the_crisis_team_is_told(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    leader = make_user(username="kriseleder", roles=[Role.CRISIS_LEADER])
    make_crisis(started_by=leader)
    post = _citizen(meta_graph, SENSITIVE)
    assert _deliver(post) == [ActionState.DONE]
    assert _hidden(meta_graph, post)
    assert Notification.objects.filter(recipient=leader, url=f"/innlegg/{post.pk}/").exists()


# --- Deciding ---------------------------------------------------------------------------------


def test_a_marked_post_is_neither_answered_nor_closed_until_decided(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    with pytest.raises(PostError, match="kan inneholde sensitive opplysninger"):
        post_answer(actor=people["svarer1"], post=post, text="Svar.")
    with pytest.raises(PostError, match="kan inneholde sensitive opplysninger"):
        post_close(actor=people["svarer1"], post=post, reason="duplicate")
    post.refresh_from_db()
    assert post.status == PostStatus.OPEN


def test_a_false_match_is_shown_again_with_a_reason_and_then_answered(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, "Kreft-løpet går i morgen, hvor er start?")
    assert _deliver(post) == [ActionState.DONE] and _hidden(meta_graph, post)
    with pytest.raises(PostError):
        post_screening_dismiss(actor=people["svarer1"], post=post, reason="  \u200b ")
    reason = "Løpet er en innsamling, ikke en sykdom."
    post_screening_dismiss(actor=people["svarer1"], post=post, reason=reason)
    post.refresh_from_db()
    assert post.screening == ScreeningStatus.DISMISSED
    assert post.screening_decided_by == people["svarer1"]
    unhide = PlatformAction.objects.get(post=post, kind=ActionKind.UNHIDE)
    assert platform_action_deliver(action_id=unhide.pk) == ActionState.DONE
    assert not _hidden(meta_graph, post)
    post.refresh_from_db()
    assert not post.hidden_on_platform
    event = Event.objects.get(action="posts.post_screening_dismissed")
    assert event.data == {"reason_chars": len(reason), "hide_cancelled": False, "unhide": True}
    # Decided once: a second dismissal is refused.
    with pytest.raises(PostError):
        post_screening_dismiss(actor=people["svarer2"], post=post, reason="Igjen.")
    post_answer(actor=people["svarer1"], post=post, text="Start ved rådhuset kl. 12.")
    assert Post.objects.get(pk=post.pk).status == PostStatus.ANSWERED


def test_dismissing_before_the_hide_went_out_cancels_it(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    post_screening_dismiss(actor=people["svarer1"], post=post, reason="Falskt treff.")
    hide = PlatformAction.objects.get(post=post, kind=ActionKind.HIDE)
    assert hide.state == ActionState.CANCELLED and hide.settled_by == people["svarer1"]
    assert not PlatformAction.objects.filter(kind=ActionKind.UNHIDE).exists()
    assert platform_action_deliver(action_id=hide.pk) == ""
    assert not _hidden(meta_graph, post)


def test_removal_deletes_it_on_the_page_and_blanks_what_was_found(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    _deliver(post)
    post_remove_sensitive(actor=people["svarer1"], post=post)
    assert Post.objects.get(pk=post.pk).screening == ScreeningStatus.CONFIRMED
    delete = PlatformAction.objects.get(post=post, kind=ActionKind.DELETE)
    assert platform_action_deliver(action_id=delete.pk) == ActionState.DONE
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and post.text == ""
    assert post.findings is None and post.screening_reason == ""
    assert meta_graph.state()["comments"][post.platform_id]["deleted"] is True


def test_triage_as_sensitive_decides_and_does_not_hide_twice(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.SENSITIVE, expects_answer=False
    )
    post.refresh_from_db()
    assert post.screening == ScreeningStatus.CONFIRMED
    assert PlatformAction.objects.filter(post=post, kind=ActionKind.HIDE).count() == 1


def test_only_those_responsible_decide(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    with pytest.raises(PermissionDenied):
        post_screening_dismiss(actor=people["utenforstaende"], post=post, reason="Nei.")
    assert Post.objects.get(pk=post.pk).screening == ScreeningStatus.FLAGGED


def test_a_post_not_marked_cannot_be_dismissed(account: Account, people: dict[str, User]) -> None:
    post = make_post(account=account)
    with pytest.raises(PostError, match="Bare et innlegg som er merket"):
        post_screening_dismiss(actor=people["svarer1"], post=post, reason="Falskt treff.")


# --- The author's edit ------------------------------------------------------------------------


def test_an_edit_that_adds_a_number_marks_and_hides_the_post(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, "Når er foreldremøtet?")
    assert post.screening == ""
    edited = f"Når er foreldremøtet? Datteren min har fnr {NUMBER}"
    _webhook(webhooks.comment(post.platform_id, message=edited, verb="edited"))
    post.refresh_from_db()
    assert post.text == edited and post.screening == ScreeningStatus.FLAGGED
    assert post.findings == [{"kind": "national_id", "start": 43, "end": 54, "confidence": "high"}]
    assert _deliver(post) == [ActionState.DONE] and _hidden(meta_graph, post)
    event = Event.objects.get(action="posts.post_screened")
    assert event.data["edited"] is True


def test_an_edit_of_a_marked_post_keeps_the_mark_for_a_person_to_decide(
    connected: Account, meta_graph: GraphStandIn
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    _webhook(webhooks.comment(post.platform_id, message="Jeg fjernet det.", verb="edited"))
    post.refresh_from_db()
    assert post.screening == ScreeningStatus.FLAGGED and post.findings is None
    assert Event.objects.filter(action="posts.post_screened").count() == 1


# --- Instagram --------------------------------------------------------------------------------


def test_an_instagram_comment_is_screened_and_hidden_there(
    instagram: Account, meta_graph: GraphStandIn, settings: Any
) -> None:
    settings.INSTAGRAM_APP_SECRET = SECRET
    comment = meta_graph.instagram_comment_add(
        IG_USER, SENSITIVE, from_id="5550001", from_username="kari.n", webhook=False
    )
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": IG_USER,
                    "time": 1795595400,
                    "changes": [
                        {
                            "field": "comments",
                            "value": {
                                "id": comment["id"],
                                "from": {"id": "5550001", "username": "kari.n"},
                                "text": SENSITIVE,
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    response = Client().post(
        "/innlegg/webhook/instagram/",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": webhooks.sign(body, SECRET)},
    )
    assert response.status_code == 200
    post = Post.objects.get(platform_id=comment["id"])
    assert post.screening == ScreeningStatus.FLAGGED
    assert _deliver(post) == [ActionState.DONE]
    assert meta_graph.state()["comments"][comment["id"]]["is_hidden"] is True


# --- The pages --------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_shows_marked_posts_first_masked(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    for n in range(3):
        make_post(account=connected, text=f"Vanlig spørsmål {n}")
    post = _citizen(meta_graph, SENSITIVE)
    page = _client(people["svarer1"]).get("/innlegg/").text
    block = page.index("Mulig sensitivt: avgjør først")
    assert block < page.index("Vanlig spørsmål 0")
    assert page.index(f"/innlegg/{post.pk}/") > block
    assert NUMBER not in page and "diagnosen" not in page
    assert "d•••••••• A•••" in page


def test_the_inbox_block_costs_one_query_whatever_the_number_of_marked_posts(
    connected: Account, people: dict[str, User], django_assert_num_queries: Any
) -> None:
    client = _client(people["svarer1"])

    def mark(n: int) -> None:
        for i in range(n):
            post_register(
                actor=people["svarer2"],
                account=connected,
                author="Kari",
                text=f"Barnevernet {i}",
                posted_at=timezone.now() - timedelta(minutes=5),
            )

    mark(1)
    with django_assert_num_queries(10) as few:
        client.get("/innlegg/")
    mark(30)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/innlegg/")
    assert response.text.count("Mulig sensitivt</span>") == 20 + 25


def test_the_post_page_shows_what_matched_masked_and_the_decisions(
    connected: Account, meta_graph: GraphStandIn, people: dict[str, User]
) -> None:
    post = _citizen(meta_graph, SENSITIVE)
    client = _client(people["svarer1"])
    page = client.get(f"/innlegg/{post.pk}/").text
    assert "Mulig sensitive opplysninger" in page
    assert 'Fødselsnummer: <span class="font-monospace">1••••••••••</span>' in page
    assert NUMBER not in page and "diagnosen" not in page
    assert "Ikke sensitivt (falskt treff)" in page and "Slett (sensitive opplysninger)" in page
    assert "Registrer svaret" not in page and "Svar på Facebook" not in page
    form = client.get(f"/innlegg/{post.pk}/ikke-sensitivt/")
    assert form.status_code == 200 and NUMBER not in form.text
    refused = client.post(f"/innlegg/{post.pk}/ikke-sensitivt/", {"reason": ""})
    assert refused.status_code == 200
    done = client.post(f"/innlegg/{post.pk}/ikke-sensitivt/", {"reason": "Et ordrenummer."})
    assert done.status_code == 302
    page = client.get(f"/innlegg/{post.pk}/").text
    assert "Merket som ikke sensitivt" in page and "Et ordrenummer." in page
    assert "bedt om av kontrollen, i navnet til" in page


def test_the_demo_has_a_post_the_screening_marked() -> None:
    from accounts.posts.demo import DEMO_SENSITIVE_ID
    from moskenes_social.people.demo import demo_seed

    demo_seed()
    post = Post.objects.get(platform_id=DEMO_SENSITIVE_ID)
    assert post.screening == ScreeningStatus.FLAGGED and post.findings is not None
    assert {(f["kind"], f["confidence"]) for f in post.findings} == {
        ("term", "medium"),
        ("national_id", "high"),
    }
    marked = Post.objects.exclude(screening="").values_list("platform_id", flat=True)
    assert list(marked) == [DEMO_SENSITIVE_ID]
