"""Crisis mode and the posts: the lockout through every path, the crisis team's inbox and
one-step official answer, reminders routed to the crisis team, deadlines given back when
the crisis ends, one summary per person, and the posts on the crisis's page.

Time: Wednesday 25 November 2026. A post received at 10:00 is due Thursday 10:30 (8
working hours); the owner is reminded one working day later.
"""

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.crisis.services import crisis_end, crisis_post_answer_official, crisis_start
from accounts.lockout import CrisisLockout
from accounts.models import (
    Account,
    CloseReason,
    CrisisPeriod,
    IngestToken,
    Post,
    PostReminder,
    PostStatus,
)
from accounts.posts.reminders import post_reminder_send_one_due
from accounts.posts.services import (
    account_facebook_page_set,
    ingest_token_create,
    ingest_token_revoke,
    post_answer,
    post_close,
    post_register,
    post_remove_sensitive,
    post_reopen,
    post_triage,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import Unit, User
from moskenes_social.worktime import OSLO
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.factories import make_user
from tests.posts.factories import make_post, make_token

from .conftest import persona_user

pytestmark = pytest.mark.django_db

MESSAGE = "Fylkesvei 93 er stengt ved Reine."
LINK = "https://www.example.org/flom"
OFFICIAL = f"{MESSAGE}\n\n{LINK}"


def oslo(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(oslo(25, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(unit: Unit) -> dict[str, User]:
    return {name: make_user(username=name, unit=unit) for name in ["eier", "svarer", "reserve"]}


@pytest.fixture
def account(unit: Unit, people: dict[str, User]) -> Account:
    return make_account(
        unit=unit,
        name="Reine skole",
        owner=people["eier"],
        responders=[people["svarer"]],
        backups=[people["reserve"]],
    )


@pytest.fixture
def other(unit: Unit, people: dict[str, User]) -> Account:
    """An account of the same people that a crisis for chosen accounts leaves out."""
    return make_account(
        unit=unit, name="Skolens Instagram", owner=people["eier"], responders=[people["svarer"]]
    )


@pytest.fixture
def kriseleder(personas: dict[str, Persona]) -> User:
    return persona_user(personas, "kriseleder")


@pytest.fixture
def ordforer(personas: dict[str, Persona]) -> User:
    return persona_user(personas, "ordforer")


def start(actor: User, *accounts: Account) -> CrisisPeriod:
    return crisis_start(
        actor=actor,
        reason="Flom",
        message_text=MESSAGE,
        message_link=LINK,
        covers_all_accounts=not accounts,
        accounts=accounts,
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The lockout, through every path --------------------------------------------------------


ServiceCall = Callable[[User, Post], object]

SERVICE_CALLS: dict[str, ServiceCall] = {
    "answer": lambda actor, post: post_answer(actor=actor, post=post, text="Mitt eget svar"),
    "close": lambda actor, post: post_close(actor=actor, post=post, reason=CloseReason.DUPLICATE),
    "triage": lambda actor, post: post_triage(
        actor=actor, post=post, category="question", expects_answer=True
    ),
    "remove": lambda actor, post: post_remove_sensitive(actor=actor, post=post),
}


@pytest.mark.parametrize("call", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("who", ["svarer", "eier", "reserve"])
def test_a_direct_service_call_by_a_responder_is_locked_out(
    account: Account, people: dict[str, User], kriseleder: User, call: str, who: str
) -> None:
    post = make_post(account=account)
    start(kriseleder)
    with pytest.raises(CrisisLockout) as refused:
        SERVICE_CALLS[call](people[who], post)
    assert str(refused.value).startswith("Krisemodus er aktiv.")
    post.refresh_from_db()
    assert post.status == PostStatus.OPEN and post.answer_text == "" and post.category == ""


def test_reopening_is_locked_out_too(
    account: Account, people: dict[str, User], kriseleder: User
) -> None:
    post = make_post(account=account, status=PostStatus.ANSWERED)
    start(kriseleder)
    with pytest.raises(CrisisLockout):
        post_reopen(actor=people["svarer"], post=post, reason="Innbyggeren svarte")
    assert Post.objects.get(pk=post.pk).status == PostStatus.ANSWERED


def test_tokens_and_the_facebook_page_are_locked_for_the_owner(
    account: Account, people: dict[str, User], kriseleder: User
) -> None:
    token, _raw = make_token(account=account, created_by=people["eier"])
    start(kriseleder)
    with pytest.raises(CrisisLockout):
        ingest_token_create(actor=people["eier"], account=account, name="Skript")
    with pytest.raises(CrisisLockout):
        ingest_token_revoke(actor=people["eier"], token=token)
    with pytest.raises(CrisisLockout):
        account_facebook_page_set(actor=people["eier"], account=account, page_id="123")
    assert IngestToken.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("svar", {"text": "Mitt eget svar"}),
        ("lukk", {"reason": CloseReason.DUPLICATE}),
        ("vurder", {"category": "question", "expects_answer": "on"}),
        ("fjern", {}),
    ],
)
def test_the_forms_refuse_a_responder_with_403_and_the_reason(
    account: Account, people: dict[str, User], kriseleder: User, path: str, data: dict[str, str]
) -> None:
    post = make_post(account=account)
    start(kriseleder)
    client = client_for(people["svarer"])
    for response in [
        client.get(f"/innlegg/{post.pk}/{path}/"),
        client.post(f"/innlegg/{post.pk}/{path}/", data),
    ]:
        assert response.status_code == 403
        assert "Krisemodus er aktiv." in response.text
    assert Post.objects.get(pk=post.pk).status == PostStatus.OPEN


def test_the_token_pages_refuse_the_owner_with_403_and_the_reason(
    account: Account, people: dict[str, User], kriseleder: User
) -> None:
    token, _raw = make_token(account=account, created_by=people["eier"])
    start(kriseleder)
    client = client_for(people["eier"])
    for response in [
        client.post(f"/innlegg/kontoer/{account.pk}/nokler/ny/", {"name": "Skript"}),
        client.post(f"/innlegg/nokler/{token.pk}/trekk-tilbake/"),
        client.post(f"/innlegg/kontoer/{account.pk}/facebook-side/", {"page_id": "1"}),
    ]:
        assert response.status_code == 403
        assert "Krisemodus er aktiv." in response.text
    assert IngestToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_ingest_api_still_takes_posts_and_they_reach_the_crisis_inbox(
    clock: time_machine.Traveller,
    account: Account,
    people: dict[str, User],
    kriseleder: User,
) -> None:
    # Delivering is not speaking: no post is lost in a crisis. The token that delivers it
    # gives no right to answer.
    _token, raw = make_token(account=account, created_by=people["eier"])
    start(kriseleder)
    response = Client().post(
        f"/innlegg/api/kontoer/{account.pk}/",
        data=json.dumps(
            {
                "id": "fb-1",
                "author": "Ola",
                "text": "Er veien stengt?",
                "posted_at": "2026-11-25T09:30:00+01:00",
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    post = Post.objects.get()
    text = client_for(kriseleder).get("/krise/innboks/").text
    assert "Er veien stengt?" in text
    assert client_for(people["svarer"]).post(
        f"/innlegg/{post.pk}/svar/", {"text": "Ja"}
    ).status_code == (403)


def test_a_responder_may_still_register_and_read_posts(
    clock: time_machine.Traveller, account: Account, people: dict[str, User], kriseleder: User
) -> None:
    post = make_post(account=account)
    start(kriseleder)
    registered = post_register(
        actor=people["svarer"], account=account, author="Kari", text="Hei", posted_at=oslo(25, 9)
    )
    assert registered.status == PostStatus.OPEN
    page = client_for(people["svarer"]).get(f"/innlegg/{post.pk}/")
    assert page.status_code == 200
    assert "Krisemodus er aktiv." in page.text
    assert f'href="/innlegg/{post.pk}/svar/"' not in page.text


@pytest.mark.parametrize("who", ["kriseleder", "ordforer"])
def test_the_crisis_team_may_act_without_being_responsible(
    personas: dict[str, Persona], account: Account, kriseleder: User, who: str
) -> None:
    actor = persona_user(personas, who)
    first, second, third = (make_post(account=account) for _ in range(3))
    start(kriseleder)
    post_answer(actor=actor, post=first, text="Vårt svar")
    post_triage(actor=actor, post=second, category="rumours", expects_answer=False)
    response = client_for(actor).post(f"/innlegg/{third.pk}/svar/", {"text": "Eget svar"})
    assert response.status_code == 302
    statuses = dict(Post.objects.values_list("id", "status"))
    assert statuses == {
        first.pk: PostStatus.ANSWERED,
        second.pk: PostStatus.CLOSED,
        third.pk: PostStatus.ANSWERED,
    }
    assert Post.objects.get(pk=third.pk).answered_by == actor


def test_without_a_crisis_the_crisis_team_is_not_a_responder(
    account: Account, kriseleder: User
) -> None:
    post = make_post(account=account)
    with pytest.raises(PermissionDenied) as refused:
        post_answer(actor=kriseleder, post=post, text="Svar")
    assert not isinstance(refused.value, CrisisLockout)


def test_uncovered_accounts_are_unaffected(
    account: Account, other: Account, people: dict[str, User], kriseleder: User
) -> None:
    inside, outside = make_post(account=account), make_post(account=other)
    start(kriseleder, account)
    post_answer(actor=people["svarer"], post=outside, text="Svar")
    with pytest.raises(CrisisLockout):
        post_answer(actor=people["svarer"], post=inside, text="Svar")
    # The crisis team is no responder of an account the crisis does not cover.
    with pytest.raises(PermissionDenied):
        post_answer(actor=kriseleder, post=make_post(account=other), text="Svar")


def test_after_the_end_the_responder_answers_again(
    account: Account, people: dict[str, User], kriseleder: User
) -> None:
    post = make_post(account=account)
    crisis = start(kriseleder)
    with pytest.raises(CrisisLockout):
        post_answer(actor=people["svarer"], post=post, text="Svar")
    crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    post_answer(actor=people["svarer"], post=post, text="Svar")
    assert Post.objects.get(pk=post.pk).status == PostStatus.ANSWERED


# --- The crisis inbox and the one-step answer -----------------------------------------------


def test_the_inbox_lists_open_posts_of_covered_accounts_most_urgent_first(
    account: Account, other: Account, kriseleder: User
) -> None:
    later = make_post(account=account, text="Senere frist", posted_at=oslo(25, 9))
    sooner = make_post(account=account, text="Tidligere frist", posted_at=oslo(24, 9))
    make_post(account=account, text="Allerede besvart", status=PostStatus.ANSWERED)
    make_post(account=other, text="Utenfor krisen")
    client = client_for(kriseleder)
    assert "Ingen krise er aktiv." in client.get("/krise/innboks/").text
    start(kriseleder, account)
    text = client.get("/krise/innboks/").text
    assert "2 innlegg venter på svar" in text
    assert text.index("Tidligere frist") < text.index("Senere frist")
    assert "Allerede besvart" not in text and "Utenfor krisen" not in text
    assert MESSAGE in text
    assert f"/krise/innlegg/{sooner.pk}/offisielt-svar/" in text
    assert f'href="/innlegg/{later.pk}/svar/"' in text


def test_the_inbox_query_count_does_not_grow_with_posts(
    unit: Unit, account: Account, kriseleder: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(kriseleder)
    make_post(account=account)
    start(kriseleder)
    with CaptureQueriesContext(connection) as few:
        client.get("/krise/innboks/")
    for _ in range(30):
        make_post(account=make_account(unit=unit))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/krise/innboks/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.text.count('<th scope="row">') == 25
    with django_assert_max_num_queries(12):
        client.get("/krise/innboks/")


def test_one_step_answer_with_the_official_message(
    clock: time_machine.Traveller, account: Account, ordforer: User, kriseleder: User
) -> None:
    post = make_post(account=account, posted_at=oslo(25, 9))
    start(kriseleder)
    clock.move_to(oslo(25, 11))
    response = client_for(ordforer).post(
        f"/krise/innlegg/{post.pk}/offisielt-svar/", {"next": "/krise/innboks/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/krise/innboks/"
    assert "er besvart med det offisielle budskapet" in response.text
    post.refresh_from_db()
    assert post.status == PostStatus.ANSWERED and post.answered_by == ordforer
    assert post.answer_text == OFFICIAL and post.next_reminder_at is None
    assert Event.objects.get(action="posts.post_answered").actor == ordforer


def test_the_answer_uses_the_current_version(account: Account, kriseleder: User) -> None:
    from accounts.crisis.services import crisis_message_update

    post = make_post(account=account)
    crisis = start(kriseleder)
    crisis_message_update(actor=kriseleder, crisis=crisis, text="Veien er åpen.", link="")
    crisis_post_answer_official(actor=kriseleder, post=post)
    assert Post.objects.get(pk=post.pk).answer_text == "Veien er åpen."


def test_one_step_answer_is_refused_to_others_and_outside_a_crisis(
    account: Account, people: dict[str, User], kriseleder: User
) -> None:
    post = make_post(account=account)
    assert (
        client_for(kriseleder)
        .post(f"/krise/innlegg/{post.pk}/offisielt-svar/", follow=True)
        .text.count("Ingen krise omfatter denne kontoen nå")
        == 1
    )
    start(kriseleder)
    assert (
        client_for(people["svarer"]).post(f"/krise/innlegg/{post.pk}/offisielt-svar/").status_code
        == 403
    )
    with pytest.raises(CrisisLockout):
        crisis_post_answer_official(actor=people["svarer"], post=post)
    assert client_for(kriseleder).post("/krise/innlegg/99999/offisielt-svar/").status_code == 404
    assert Post.objects.get(pk=post.pk).status == PostStatus.OPEN


def test_an_offsite_next_is_ignored(account: Account, kriseleder: User) -> None:
    post = make_post(account=account)
    start(kriseleder)
    response = client_for(kriseleder).post(
        f"/krise/innlegg/{post.pk}/offisielt-svar/", {"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/innlegg/{post.pk}/"


def test_the_post_page_offers_the_team_the_one_step_answer(
    account: Account, kriseleder: User
) -> None:
    post = make_post(account=account)
    start(kriseleder)
    text = client_for(kriseleder).get(f"/innlegg/{post.pk}/").text
    assert f'href="/krise/innlegg/{post.pk}/offisielt-svar/"' in text
    assert "Krisemodus er aktiv." not in text.split("crisis-banner")[-1].split("</section>")[-1]


# --- Reminders ------------------------------------------------------------------------------


def _notified() -> list[str]:
    names = sorted(Notification.objects.values_list("recipient__username", flat=True))
    Notification.objects.all().delete()
    return names


def test_reminders_go_to_the_crisis_team_while_it_lasts(
    clock: time_machine.Traveller,
    account: Account,
    other: Account,
    kriseleder: User,
    people: dict[str, User],
) -> None:
    inside = make_post(account=account, posted_at=oslo(25, 10))
    outside = make_post(account=other, posted_at=oslo(25, 10))
    start(kriseleder, account)
    Notification.objects.all().delete()
    clock.move_to(oslo(26, 10, 30))
    assert post_reminder_send_one_due()
    assert post_reminder_send_one_due()
    assert not post_reminder_send_one_due()
    reminded = {
        (r.post_id, r.recipient.username) for r in PostReminder.objects.select_related("recipient")
    }
    # The covered account's post: the crisis team, not its responder; the other, as usual.
    assert reminded == {
        (inside.pk, "kriseleder"),
        (inside.pk, "ordforer"),
        (outside.pk, "svarer"),
    }
    team = Notification.objects.filter(recipient__username="kriseleder").get()
    assert team.subject == "Krisemodus: et innlegg på Reine skole venter på svar"
    # The escalation to the owner goes to the crisis team too.
    clock.move_to(oslo(27, 10, 30))
    Notification.objects.all().delete()
    # Bounded, so that a reminder that kept falling due would fail here, not hang.
    for _ in range(20):
        if not post_reminder_send_one_due():
            break
    else:
        pytest.fail("reminders still due after 20 sends")
    assert _notified() == ["eier", "kriseleder", "ordforer"]
    assert not PostReminder.objects.filter(post=inside, recipient=people["eier"]).exists()


def test_a_post_that_arrives_and_falls_due_in_the_crisis_reminds_the_team_once(
    clock: time_machine.Traveller, account: Account, kriseleder: User
) -> None:
    start(kriseleder)
    post = make_post(account=account, posted_at=oslo(25, 10))
    Notification.objects.all().delete()
    clock.move_to(oslo(26, 11))
    assert post_reminder_send_one_due()
    assert not post_reminder_send_one_due()
    assert _notified() == ["kriseleder", "ordforer"]
    assert PostReminder.objects.filter(post=post).count() == 2


# --- The end: deadlines given back, one summary each ----------------------------------------


def test_the_end_moves_deadlines_of_open_posts_by_the_crisis_duration(
    clock: time_machine.Traveller,
    account: Account,
    other: Account,
    kriseleder: User,
) -> None:
    before = make_post(account=account, posted_at=oslo(25, 9))
    answered = make_post(account=account, posted_at=oslo(25, 9))
    outside = make_post(account=other, posted_at=oslo(25, 9))
    crisis = start(kriseleder, account)
    clock.move_to(oslo(25, 12))
    during = make_post(account=account, posted_at=oslo(25, 12))
    post_answer(actor=kriseleder, post=answered, text="Svar")
    original = {p.pk: (p.due_at, p.next_reminder_at) for p in Post.objects.all()}
    clock.move_to(oslo(25, 13, 30))
    crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    shift = timedelta(hours=3, minutes=30)
    after = {p.pk: (p.due_at, p.next_reminder_at) for p in Post.objects.all()}
    for moved in [before, during]:
        due, reminder = original[moved.pk]
        assert reminder is not None
        assert after[moved.pk] == (due + shift, reminder + shift)
    assert after[answered.pk] == original[answered.pk]
    assert after[outside.pk] == original[outside.pk]
    event = Event.objects.get(action="accounts.crisis_ended")
    assert sorted(event.data["posts_postponed"]) == sorted([before.pk, during.pk])
    # Nobody is reminded the minute after: the first reminder comes when it would have
    # without the crisis, plus its length.
    clock.move_to(original[before.pk][1] + timedelta(minutes=1))  # type: ignore[operator]
    reminders_before = PostReminder.objects.filter(post=before).count()
    post_reminder_send_one_due()
    assert PostReminder.objects.filter(post=before).count() == reminders_before


def test_each_person_gets_one_end_notification_with_what_awaits_them(
    clock: time_machine.Traveller,
    account: Account,
    other: Account,
    people: dict[str, User],
    kriseleder: User,
) -> None:
    make_post(account=account, posted_at=oslo(25, 9))
    make_post(account=account, posted_at=oslo(25, 9, 30))
    lonely = make_account(unit=account.unit, name="Tom konto", owner=make_user(username="ensom"))
    crisis = start(kriseleder)
    Notification.objects.all().delete()
    clock.move_to(oslo(25, 12))
    crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    rows = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert sorted(rows) == ["eier", "ensom", "kriseleder", "ordforer", "reserve", "svarer"]
    assert Notification.objects.count() == 6
    svarer = rows["svarer"].body
    assert "Dette venter på deg:" in svarer
    assert (
        "Reine skole: 2 innlegg venter på svar, det første innen 26. november 2026 11:30." in svarer
    )
    assert "Skolens Instagram: ingen innlegg venter på svar." in svarer
    assert "flyttet fram med krisens varighet (2 t)" in svarer
    assert rows["svarer"].url == "/innlegg/"
    assert "Tom konto: ingen innlegg venter på svar." in rows["ensom"].body
    assert "Reine skole" not in rows["ensom"].body
    assert "Dette venter på deg" not in rows["ordforer"].body
    assert rows["ordforer"].url == f"/krise/{crisis.pk}/"
    assert lonely.pk


def _end_queries(unit: Unit, kriseleder: User, n: int) -> int:
    for i in range(n):
        account = make_account(unit=unit, owner=make_user(), responders=[make_user(), make_user()])
        make_post(account=account, platform_id=f"n{n}-{i}")
    crisis = start(kriseleder)
    with CaptureQueriesContext(connection) as queries:
        crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    return len(queries.captured_queries)


def test_the_end_costs_the_same_queries_for_few_or_many_people_and_posts(
    unit: Unit, kriseleder: User
) -> None:
    assert _end_queries(unit, kriseleder, 1) == _end_queries(unit, kriseleder, 15)


# --- The crisis's page ----------------------------------------------------------------------


def test_the_crisis_page_shows_its_posts_and_how_they_were_handled(
    clock: time_machine.Traveller,
    account: Account,
    other: Account,
    people: dict[str, User],
    kriseleder: User,
    ordforer: User,
    django_assert_max_num_queries: Any,
) -> None:
    make_post(
        account=account,
        posted_at=oslo(25, 9),
        received_at=oslo(25, 9),
        status=PostStatus.ANSWERED,
        answered_at=oslo(25, 9, 30),
        text="Besvart før krisen",
    )
    waiting = make_post(account=account, posted_at=oslo(25, 9), received_at=oslo(25, 9))
    crisis = start(kriseleder, account)
    clock.move_to(oslo(25, 10, 15))
    official = make_post(account=account, posted_at=oslo(25, 10, 15))
    own = make_post(account=account, posted_at=oslo(25, 10, 15))
    make_post(account=account, posted_at=oslo(25, 10, 15))
    make_post(account=other, posted_at=oslo(25, 10, 15))
    clock.move_to(oslo(25, 12, 45))
    crisis_post_answer_official(actor=ordforer, post=official)
    post_answer(actor=kriseleder, post=own, text="Vi ser på saken.")
    clock.move_to(oslo(25, 14))
    crisis_end(actor=kriseleder, crisis=crisis, summary="Over.")
    client = client_for(people["svarer"])
    with django_assert_max_num_queries(14):
        text = client.get(f"/krise/{crisis.pk}/").text
    assert (
        "4 innlegg: 2 besvart (1 med det offisielle budskapet), 2 venter fortsatt på svar." in text
    )
    assert "Median svartid: 2 t 30 min." in text
    # Each handling is a sentence: who, and with what (issue 17: "Besvart – Kristian Krise
    # Offisielt budskap").
    assert text.count(", med det offisielle budskapet.") == 1
    assert f"Besvart av {ordforer}, med det offisielle budskapet." in text
    assert f"Besvart av {kriseleder}." in text
    assert f'href="/innlegg/{waiting.pk}/"' in text
    assert "Besvart før krisen" not in text
    # Each link says which post it opens: a responder, who may not read every account's
    # posts, by its number; the crisis team by its words.
    assert f'<a href="/innlegg/{official.pk}/">Innlegg {official.pk}</a>' in text
    assert official.text not in text
    team_page = client_for(kriseleder).get(f"/krise/{crisis.pk}/").text
    assert f'<a href="/innlegg/{official.pk}/">{official.text}</a>' in team_page
    assert f'<a href="/innlegg/{own.pk}/">{own.text}</a>' in team_page


def test_the_crisis_page_without_posts(kriseleder: User, personas: dict[str, Persona]) -> None:
    crisis = start(kriseleder)
    text = personas["no_role"].client.get(f"/krise/{crisis.pk}/").text
    assert (
        "Ingen innlegg på kontoene som var omfattet, kom inn eller ventet mens krisen varte."
        in text
    )


def test_the_crisis_page_queries_do_not_grow_with_posts(
    unit: Unit, account: Account, kriseleder: User, personas: dict[str, Persona]
) -> None:
    crisis = start(kriseleder)
    make_post(account=account)
    client = personas["no_role"].client
    with CaptureQueriesContext(connection) as few:
        client.get(f"/krise/{crisis.pk}/")
    for _ in range(30):
        post = make_post(account=make_account(unit=unit))
        crisis_post_answer_official(actor=kriseleder, post=post)
    with CaptureQueriesContext(connection) as many:
        text = client.get(f"/krise/{crisis.pk}/").text
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "31 innlegg: 30 besvart (30 med det offisielle budskapet)" in text
