"""Registering, triage, answering, closing, removing and reopening posts, and the tokens.

The guideline decides what follows from triage: a complaint or a factual error is always
answered; sensitive information is removed (and our copy blanked), not answered; rumours
are closed without comment; budget and the like are answered by referring to the official
statements. Each change is a conditional update on the source status, with an audit
event that never holds the citizen's words.
"""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import (
    Account,
    AccountStatus,
    CloseReason,
    IngestToken,
    Platform,
    Post,
    PostCategory,
    PostSource,
    PostStatus,
)
from accounts.posts import services
from accounts.posts.rules import Outcome, triage_rule
from accounts.posts.selectors import ingest_token_find
from accounts.posts.services import (
    PostError,
    account_facebook_page_set,
    ingest_token_create,
    ingest_token_revoke,
    post_answer,
    post_close,
    post_ingest,
    post_register,
    post_remove_sensitive,
    post_reopen,
    post_triage,
)
from moskenes_social.audit.labels import event_label
from moskenes_social.audit.models import Event
from moskenes_social.people.models import User
from policy.selectors import policy_in_force
from tests.accounts.factories import make_account

from .factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(account: Account) -> Post:
    return make_post(account=account, text="Min sønn har diagnosen X", author="Ola Nordmann")


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


# --- Triage rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "expects", "outcome", "required"),
    [
        (PostCategory.COMPLAINT, False, Outcome.ANSWER, True),
        (PostCategory.FACTUAL_ERROR, False, Outcome.ANSWER, True),
        (PostCategory.SENSITIVE, True, Outcome.REMOVE, False),
        (PostCategory.RUMOURS, True, Outcome.NOT_COMMENTED, False),
        (PostCategory.REORGANISATION_ECONOMY_BUDGET, False, Outcome.REFER_OFFICIAL, True),
        (PostCategory.QUESTION, True, Outcome.ANSWER, False),
        (PostCategory.QUESTION, False, Outcome.NO_ANSWER, False),
        (PostCategory.OTHER, False, Outcome.NO_ANSWER, False),
    ],
)
def test_the_guideline_in_force_decides_what_follows(
    category: str, expects: bool, outcome: Outcome, required: bool
) -> None:
    rule = triage_rule(category=category, expects_answer=expects, policy=policy_in_force())
    assert rule.outcome == outcome and rule.answer_required == required


def test_a_complaint_always_expects_an_answer(post: Post, people: dict[str, User]) -> None:
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.COMPLAINT, expects_answer=False
    )
    post = fresh(post)
    assert post.status == PostStatus.OPEN and post.expects_answer
    assert post.category == PostCategory.COMPLAINT and post.triaged_by == people["svarer1"]
    assert post.next_reminder_at is not None
    event = Event.objects.get(action="posts.post_triaged")
    assert event.data["outcome"] == "answer" and event.data["expects_answer"] is True
    # The guideline's advice is what was done, not a reason someone gave.
    assert event.reason == ""
    assert event_label(event) == "Innlegg vurdert: svar på innlegget"


def test_a_complaint_cannot_be_closed_without_answer(post: Post, people: dict[str, User]) -> None:
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.FACTUAL_ERROR, expects_answer=True
    )
    for reason in (CloseReason.NO_ANSWER_EXPECTED, CloseReason.CASE_HANDLING):
        with pytest.raises(PostError, match="alltid"):
            post_close(actor=people["svarer1"], post=post, reason=reason)
    # A duplicate may be closed: the other copy is answered.
    post_close(actor=people["svarer1"], post=post, reason=CloseReason.DUPLICATE)
    assert fresh(post).status == PostStatus.CLOSED


def test_rumours_are_closed_without_comment(post: Post, people: dict[str, User]) -> None:
    post_triage(
        actor=people["svarer2"], post=post, category=PostCategory.RUMOURS, expects_answer=True
    )
    post = fresh(post)
    assert post.status == PostStatus.CLOSED
    assert post.close_reason == CloseReason.NOT_COMMENTED and post.closed_by == people["svarer2"]
    assert post.next_reminder_at is None and not post.expects_answer
    event = Event.objects.get(action="posts.post_triaged")
    assert event.data["rule"] == "2-ikke-rykter" and event.data["closed"] is True


def test_a_post_that_expects_no_answer_is_closed_by_triage(
    post: Post, people: dict[str, User]
) -> None:
    post_triage(
        actor=people["svarer1"], post=post, category=PostCategory.OTHER, expects_answer=False
    )
    post = fresh(post)
    assert post.status == PostStatus.CLOSED and post.close_reason == CloseReason.NO_ANSWER_EXPECTED


def test_budget_questions_are_answered_by_referring_to_official_statements(
    post: Post, people: dict[str, User]
) -> None:
    post_triage(
        actor=people["svarer1"],
        post=post,
        category=PostCategory.REORGANISATION_ECONOMY_BUDGET,
        expects_answer=False,
    )
    post = fresh(post)
    assert post.status == PostStatus.OPEN and post.expects_answer
    assert Event.objects.get(action="posts.post_triaged").data["outcome"] == "refer_official"


def test_sensitive_posts_await_removal_and_are_not_answered_or_closed(
    post: Post, people: dict[str, User]
) -> None:
    actor = people["svarer1"]
    post_triage(actor=actor, post=post, category=PostCategory.SENSITIVE, expects_answer=True)
    post = fresh(post)
    assert post.status == PostStatus.OPEN and not post.expects_answer
    # Removal is what is due: the reminders go on until it is removed.
    assert post.next_reminder_at is not None
    with pytest.raises(PostError, match="slettes"):
        post_answer(actor=actor, post=post, text="Svar")
    with pytest.raises(PostError, match="slettes"):
        post_close(actor=actor, post=post, reason=CloseReason.NO_ANSWER_EXPECTED)


def test_removal_blanks_our_copy_and_keeps_who_and_when(
    post: Post, people: dict[str, User]
) -> None:
    actor = people["reserve"]
    with time_machine.travel(timezone.now(), tick=False):
        post_remove_sensitive(actor=actor, post=post)
        now = timezone.now()
    post = fresh(post)
    assert post.status == PostStatus.REMOVED and post.category == PostCategory.SENSITIVE
    assert post.text == "" and post.author == "" and post.url == ""
    assert post.removed_by == actor and post.removed_at == now
    assert post.next_reminder_at is None
    # What remains: that it existed, its account, its category, who removed it and when.
    assert post.account_id is not None and post.platform_id
    # Nothing of the citizen's words is left anywhere in the audit log.
    log = json.dumps(list(Event.objects.values("target_repr", "data", "reason")))
    assert "diagnosen" not in log and "Ola Nordmann" not in log
    with pytest.raises(PostError, match="allerede slettet"):
        post_remove_sensitive(actor=actor, post=post)


def test_removal_takes_staffs_words_about_the_post_too(
    account: Account, people: dict[str, User]
) -> None:
    """An answer, a closing note and a reason for reopening may quote the post: none of
    them is in the audit log, and removal blanks them on the post."""
    post = make_post(account=account, text="Barnet har diagnosen X", author="Ola Nordmann")
    responder = people["svarer1"]
    post_answer(actor=responder, post=post, text="Om diagnosen X til Ola: ring oss")
    post_reopen(actor=responder, post=post, reason="Ola skrev igjen om diagnosen X")
    post_close(
        actor=responder, post=post, reason=CloseReason.DUPLICATE, note="Samme som Olas diagnose"
    )
    post_remove_sensitive(actor=responder, post=post)
    post = fresh(post)
    assert (post.answer_text, post.close_note, post.reopen_reason) == ("", "", "")
    log = json.dumps(list(Event.objects.values("target_repr", "data", "reason")))
    assert "diagnose" not in log and "Ola" not in log
    answered = Event.objects.get(action="posts.post_answered")
    assert answered.data["answer_chars"] == len("Om diagnosen X til Ola: ring oss")
    assert Event.objects.get(action="posts.post_closed").data["note_chars"] == 23


def test_the_database_refuses_a_removed_post_with_text(post: Post) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(
            status=PostStatus.REMOVED, removed_at=timezone.now(), next_reminder_at=None
        )


def test_a_replay_of_a_removed_post_does_not_bring_its_text_back(
    account: Account, people: dict[str, User]
) -> None:
    post, created = post_ingest(
        account=account,
        platform_id="fb-1",
        author="Ola",
        text="Sensitivt",
        url="",
        posted_at=timezone.now(),
        source=PostSource.FACEBOOK,
    )
    assert created
    post_remove_sensitive(actor=people["svarer1"], post=post)
    again, created = post_ingest(
        account=account,
        platform_id="fb-1",
        author="Ola",
        text="Sensitivt",
        url="",
        posted_at=timezone.now(),
        source=PostSource.FACEBOOK,
    )
    assert not created and again.pk == post.pk and fresh(again).text == ""


# --- Answering, closing, reopening ----------------------------------------------------------


def test_answering_records_the_reply_and_stops_reminders(
    post: Post, people: dict[str, User]
) -> None:
    post_answer(
        actor=people["svarer1"],
        post=post,
        text="  Takk, vi ser på saken.  ",
        url="https://www.facebook.com/1?reply=2",
    )
    post = fresh(post)
    assert post.status == PostStatus.ANSWERED and post.answered_by == people["svarer1"]
    assert post.answer_text == "Takk, vi ser på saken."
    assert post.answer_url == "https://www.facebook.com/1?reply=2"
    assert post.next_reminder_at is None and post.next_reminder_stage == ""
    event = Event.objects.get(action="posts.post_answered")
    assert event.data["late"] is False and "working_hours" in event.data
    with pytest.raises(PostError, match="venter på svar"):
        post_answer(actor=people["svarer2"], post=post, text="Et svar til")


def test_an_answer_needs_text(post: Post, people: dict[str, User]) -> None:
    with pytest.raises(PostError):
        post_answer(actor=people["svarer1"], post=post, text="   ")
    assert fresh(post).status == PostStatus.OPEN


def test_two_people_answering_at_once_one_wins(post: Post, people: dict[str, User]) -> None:
    """Both loaded the open post; the second finds it answered."""
    first, second = fresh(post), fresh(post)
    post_answer(actor=people["svarer1"], post=first, text="Svar 1")
    with pytest.raises(PostError):
        post_answer(actor=people["svarer2"], post=second, text="Svar 2")
    assert fresh(post).answer_text == "Svar 1"


def test_closing_needs_a_reason_from_the_list(post: Post, people: dict[str, User]) -> None:
    with pytest.raises(PostError):
        post_close(actor=people["svarer1"], post=post, reason="fordi")
    with pytest.raises(PostError, match="rykter"):
        post_close(actor=people["svarer1"], post=post, reason=CloseReason.NOT_COMMENTED)
    post_close(
        actor=people["svarer1"], post=post, reason=CloseReason.CASE_HANDLING, note="Sendt videre"
    )
    post = fresh(post)
    assert post.status == PostStatus.CLOSED and post.close_note == "Sendt videre"
    event = Event.objects.get(action="posts.post_closed")
    assert event.data["close_reason"] == "case_handling" and event.reason


def test_reopening_gives_a_new_deadline_and_logs_that_there_was_an_answer(
    account: Account, people: dict[str, User]
) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        post = make_post(account=account)
        post_answer(actor=people["svarer1"], post=post, text="Første svar")
    with pytest.raises(PostError):
        post_reopen(actor=people["svarer1"], post=post, reason=" ")
    post_reopen(actor=people["svarer2"], post=post, reason="Innbyggeren svarte igjen")
    post = fresh(post)
    assert post.status == PostStatus.OPEN and post.answer_text == "" and post.answered_at is None
    assert post.reopened_by == people["svarer2"] and post.reopen_count == 1
    assert post.due_at > timezone.now() and post.next_reminder_stage == "due"
    # The log says that there was an answer and a reason, and how long; their words stay
    # on the post (and go with it if it is removed).
    event = Event.objects.get(action="posts.post_reopened")
    assert event.reason == "" and event.data["answer_chars"] == len("Første svar")
    assert event.data["reason_chars"] == len("Innbyggeren svarte igjen")
    assert post.reopen_reason == "Innbyggeren svarte igjen"
    with pytest.raises(PostError, match="besvart eller lukket"):
        post_reopen(actor=people["svarer2"], post=post, reason="Igjen")


def test_a_removed_post_cannot_be_reopened(post: Post, people: dict[str, User]) -> None:
    post_remove_sensitive(actor=people["svarer1"], post=post)
    with pytest.raises(PostError):
        post_reopen(actor=people["svarer1"], post=post, reason="Feil")


# --- Registering by hand ----------------------------------------------------------------------


def test_a_responder_registers_a_post(account: Account, people: dict[str, User]) -> None:
    post = post_register(
        actor=people["svarer1"],
        account=account,
        author="  Kari  ",
        text="  Hvorfor?  ",
        url="https://www.facebook.com/9",
        posted_at=timezone.now() - timedelta(hours=1),
        platform_id="9",
    )
    post = fresh(post)
    assert post.source == PostSource.MANUAL and post.registered_by == people["svarer1"]
    assert post.author == "Kari" and post.text == "Hvorfor?" and post.category == ""
    assert Event.objects.get(action="posts.post_received").actor == people["svarer1"]
    with pytest.raises(PostError, match="allerede registrert"):
        post_register(
            actor=people["svarer2"],
            account=account,
            author="Kari",
            text="Hvorfor?",
            posted_at=timezone.now(),
            platform_id="9",
        )


def test_registering_refuses_the_future_and_empty_text(
    account: Account, people: dict[str, User]
) -> None:
    with pytest.raises(PostError):
        post_register(
            actor=people["svarer1"],
            account=account,
            author="Kari",
            text="Hei",
            posted_at=timezone.now() + timedelta(hours=1),
        )
    with pytest.raises(PostError):
        post_register(
            actor=people["svarer1"],
            account=account,
            author="Kari",
            text=" ",
            posted_at=timezone.now(),
        )
    assert not Post.objects.exists()


def test_only_those_responsible_register(account: Account, people: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        post_register(
            actor=people["utenforstaende"],
            account=account,
            author="Kari",
            text="Hei",
            posted_at=timezone.now(),
        )


# --- Who may act: one hook for every path ---------------------------------------------------

ACTING: dict[str, Callable[[User, Post], Any]] = {
    "triage": lambda u, p: post_triage(
        actor=u, post=p, category=PostCategory.QUESTION, expects_answer=True
    ),
    "answer": lambda u, p: post_answer(actor=u, post=p, text="Svar"),
    "close": lambda u, p: post_close(actor=u, post=p, reason=CloseReason.DUPLICATE),
    "remove": lambda u, p: post_remove_sensitive(actor=u, post=p),
    "reopen": lambda u, p: post_reopen(actor=u, post=p, reason="Igjen"),
    "token_create": lambda u, p: ingest_token_create(actor=u, account=p.account, name="X"),
    "token_revoke": lambda u, p: ingest_token_revoke(
        actor=u, token=IngestToken.objects.get(account=p.account)
    ),
    "facebook_page": lambda u, p: account_facebook_page_set(
        actor=u, account=p.account, page_id="123"
    ),
}


@pytest.fixture
def with_token(account: Account, people: dict[str, User]) -> None:
    ingest_token_create(actor=people["eier"], account=account, name="Skript")


@pytest.mark.parametrize("action", sorted(ACTING))
def test_every_acting_service_asks_the_one_hook(
    action: str,
    post: Post,
    people: dict[str, User],
    with_token: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Crisis mode extends ``_check_may_act``; every path that acts must go through it."""
    asked: list[tuple[User, Account]] = []

    def refuse(*, actor: User, account: Account, crisis_active: bool = True) -> None:
        # A service that acts never skips the crisis lockout (only pages may, for showing).
        assert crisis_active
        asked.append((actor, account))
        raise PermissionDenied("Låst")

    monkeypatch.setattr(services, "_check_may_act", refuse)
    if action == "reopen":
        Post.objects.filter(pk=post.pk).update(
            status=PostStatus.ANSWERED,
            answered_at=timezone.now(),
            answer_text="Svar",
            next_reminder_at=None,
        )
        post = fresh(post)
    with pytest.raises(PermissionDenied, match="Låst"):
        ACTING[action](people["eier"], post)
    assert [(u.pk, a.pk) for u, a in asked] == [(people["eier"].pk, post.account_id)]


@pytest.mark.parametrize("action", ["triage", "answer", "close", "remove"])
def test_someone_not_responsible_cannot_act(
    action: str, post: Post, people: dict[str, User]
) -> None:
    with pytest.raises(PermissionDenied):
        ACTING[action](people["utenforstaende"], post)
    assert fresh(post).status == PostStatus.OPEN


def test_nobody_acts_on_a_suspended_account(post: Post, people: dict[str, User]) -> None:
    Account.objects.filter(pk=post.account_id).update(status=AccountStatus.SUSPENDED)
    with pytest.raises(PermissionDenied):
        post_answer(actor=people["svarer1"], post=fresh(post), text="Svar")


# --- Tokens and the Facebook Page ------------------------------------------------------------


def test_a_token_is_stored_as_a_hash_and_shown_once(
    account: Account, people: dict[str, User]
) -> None:
    token, raw = ingest_token_create(actor=people["eier"], account=account, name="Publisering")
    assert raw.startswith("msk_") and len(raw) > 40
    stored = IngestToken.objects.get()
    assert raw not in (stored.token_hash, stored.prefix, stored.name)
    assert raw.startswith(stored.prefix)
    assert ingest_token_find(raw=raw) == stored
    event = Event.objects.get(action="posts.ingest_token_created")
    assert raw not in json.dumps(event.data)
    ingest_token_revoke(actor=people["eier"], token=token)
    assert ingest_token_find(raw=raw) is None
    with pytest.raises(PostError):
        ingest_token_revoke(actor=people["eier"], token=token)
    assert IngestToken.objects.get().revoked_by == people["eier"]


def test_only_the_owner_manages_tokens(account: Account, people: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied, match="eieren"):
        ingest_token_create(actor=people["svarer1"], account=account)
    with pytest.raises(PermissionDenied):
        ingest_token_create(actor=people["utenforstaende"], account=account)


def test_the_facebook_page_is_connected_once(account: Account, people: dict[str, User]) -> None:
    owner = people["eier"]
    account_facebook_page_set(actor=owner, account=account, page_id=" 1234 ")
    assert Account.objects.get(pk=account.pk).facebook_page_id == "1234"
    other = make_account(unit=account.unit, owner=owner)
    with pytest.raises(PostError, match="allerede koblet"):
        account_facebook_page_set(actor=owner, account=other, page_id="1234")
    with pytest.raises(PostError, match="sifre"):
        account_facebook_page_set(actor=owner, account=other, page_id="abc")
    instagram = make_account(unit=account.unit, owner=owner, platform=Platform.INSTAGRAM)
    with pytest.raises(PostError):
        account_facebook_page_set(actor=owner, account=instagram, page_id="99")
    account_facebook_page_set(actor=owner, account=account, page_id="")
    assert Account.objects.get(pk=account.pk).facebook_page_id is None
    assert Event.objects.filter(action="posts.facebook_page_set").count() == 2


def test_the_migration_redacts_staffs_words_already_in_the_log(
    account: Account, people: dict[str, User]
) -> None:
    """Events written before migration 0007 held the texts; it leaves their lengths."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    redact = import_module("accounts.migrations.0007_redact_post_texts").redact
    post = make_post(account=account)
    old = [
        Event.objects.create(
            action="posts.post_answered", target_id=str(post.pk), data={"answer": "Hei Ola"}
        ),
        Event.objects.create(
            action="posts.post_closed", target_id=str(post.pk), data={"note": "Olas sak"}
        ),
        Event.objects.create(
            action="posts.post_reopened",
            target_id=str(post.pk),
            reason="Ola igjen",
            data={"status": "answered", "answer": "Hei Ola"},
        ),
    ]
    with connection.cursor() as cursor:
        # The foreign keys' deferred checks would forbid ALTER TABLE in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        redact(apps, editor)
    answered, closed, reopened = (Event.objects.get(pk=event.pk) for event in old)
    assert answered.data == {"answer_chars": 7} and closed.data == {"note_chars": 8}
    assert reopened.reason == "" and reopened.data == {
        "status": "answered",
        "answer_chars": 7,
        "reason_chars": 9,
    }
    # The log is append-only again.
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=answered.pk).update(reason="x")


def test_a_reason_of_invisible_characters_is_no_reason(
    account: Account, people: dict[str, User]
) -> None:
    """Services read reasons as forms do (``reason_text``): zero-width characters alone
    are refused like a blank, by a caller that skips the forms too."""
    post = make_post(account=account)
    post_answer(actor=people["svarer1"], post=post, text="Svar")
    with pytest.raises(PostError):
        post_reopen(actor=people["svarer1"], post=post, reason="\u200b\ufeff\u2060 ")
    assert fresh(post).status == PostStatus.ANSWERED
