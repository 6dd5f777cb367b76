"""The crisis lockout at the source on Instagram, against the Graph API stand-in as a real
server: the crisis team turns comments off on chosen posts, the end turns them on again
exactly as they were, failures are retried by the sweep and told to the leader once."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.crisis.services import crisis_end
from accounts.models import Account, CrisisPeriod, MediaCommentChange
from accounts.posts.media_comments import (
    MediaError,
    crisis_media,
    media_comments_apply,
    media_comments_off,
    media_comments_restore,
    media_comments_sweep,
)
from moskenes_social.audit.models import Event
from moskenes_social.notifications.models import Notification
from moskenes_social.people.models import User
from moskenes_social.people.roles import Role
from standins.meta_graph import GraphStandIn
from tests.crisis.factories import make_crisis
from tests.factories import make_user

from .conftest import IG_USER

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader() -> User:
    return make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])


@pytest.fixture
def posts(meta_graph: GraphStandIn, instagram: Account) -> dict[str, str]:
    """The account's posts: the first (comments on), a new one (on), an old one (off)."""
    first = next(iter(meta_graph.state()["posts"]))
    new = meta_graph.instagram_media_add(IG_USER, "Kulturkveld i Reine")["id"]
    closed = meta_graph.instagram_media_add(
        IG_USER, "Stengt for kommentarer", comments_enabled=False
    )
    return {"first": first, "new": new, "closed": closed["id"]}


@pytest.fixture
def crisis(instagram: Account, leader: User) -> CrisisPeriod:
    return make_crisis(started_by=leader, accounts=[instagram])


def _enabled(meta_graph: GraphStandIn) -> dict[str, bool]:
    return {
        media_id: media["comment_enabled"]
        for media_id, media in meta_graph.state()["posts"].items()
        if media.get("instagram")
    }


def test_comments_go_off_on_the_chosen_posts_and_on_again_exactly_as_they_were(
    meta_graph: GraphStandIn,
    instagram: Account,
    posts: dict[str, str],
    crisis: CrisisPeriod,
    leader: User,
) -> None:
    listed = crisis_media(actor=leader, crisis=crisis, account=instagram)
    assert [(m.id, m.comments_enabled) for m in listed] == [
        (posts["closed"], False),
        (posts["new"], True),
        (posts["first"], True),
    ]
    assert listed[1].caption == "Kulturkveld i Reine" and listed[1].posted_at is not None
    chosen = media_comments_off(
        actor=leader, crisis=crisis, account=instagram, media_ids=[posts["new"], posts["closed"]]
    )
    assert chosen == 2
    assert (
        media_comments_off(actor=leader, crisis=crisis, account=instagram, media_ids=[posts["new"]])
        == 0
    ), "a post chosen twice is changed once"
    assert media_comments_apply(crisis_id=crisis.pk) == 1
    assert _enabled(meta_graph) == {
        posts["first"]: True,
        posts["new"]: False,
        posts["closed"]: False,
    }
    # Off for everyone: no citizen can comment there.
    with pytest.raises(ValueError, match="turned off"):
        meta_graph.instagram_comment_add(
            IG_USER, "Hva skjer?", from_id="5550001", from_username="kari.n"
        )
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    assert media_comments_restore(crisis_id=crisis.pk) == 0
    assert _enabled(meta_graph) == {
        posts["first"]: True,
        posts["new"]: True,
        posts["closed"]: False,
    }
    changes = {c.media_id: c for c in MediaCommentChange.objects.all()}
    assert changes[posts["new"]].turned_off_at and changes[posts["new"]].restored_at
    assert changes[posts["closed"]].enabled_before is False
    assert changes[posts["closed"]].turned_off_at is None
    assert list(
        Event.objects.filter(action__startswith="posts.media_comments")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["posts.media_comments_chosen", "posts.media_comments_off", "posts.media_comments_on"]
    requests = [
        r for r in meta_graph.requests if r["method"] == "POST" and "comment_enabled" in r["params"]
    ]
    assert [(r["path"], r["params"]["comment_enabled"]) for r in requests] == [
        (f"/{posts['new']}", "false"),
        (f"/{posts['new']}", "true"),
    ]


def test_a_failed_restore_is_tried_again_by_the_sweep_and_told_once(
    meta_graph: GraphStandIn,
    instagram: Account,
    posts: dict[str, str],
    crisis: CrisisPeriod,
    leader: User,
) -> None:
    media_comments_off(actor=leader, crisis=crisis, account=instagram, media_ids=[posts["new"]])
    media_comments_apply(crisis_id=crisis.pk)
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    meta_graph.fault_add(method="POST", path_suffix=f"/{posts['new']}", code=2, times=2)
    assert media_comments_restore(crisis_id=crisis.pk) == 1
    assert media_comments_sweep() == 1
    change = MediaCommentChange.objects.get()
    assert change.attempts == 2 and change.restored_at is None and change.error_message
    told = Notification.objects.filter(recipient=leader, subject__contains="ikke slått på igjen")
    assert told.count() == 1
    assert media_comments_sweep() == 0
    change.refresh_from_db()
    assert change.restored_at is not None
    assert _enabled(meta_graph)[posts["new"]] is True


def test_the_sweep_turns_off_what_no_task_did(
    meta_graph: GraphStandIn,
    instagram: Account,
    posts: dict[str, str],
    crisis: CrisisPeriod,
    leader: User,
) -> None:
    media_comments_off(actor=leader, crisis=crisis, account=instagram, media_ids=[posts["new"]])
    # The broker lost the task.
    assert media_comments_sweep() == 0
    assert _enabled(meta_graph)[posts["new"]] is False


def test_a_post_gone_from_instagram_is_left_alone(
    meta_graph: GraphStandIn,
    instagram: Account,
    posts: dict[str, str],
    crisis: CrisisPeriod,
    leader: User,
) -> None:
    media_comments_off(actor=leader, crisis=crisis, account=instagram, media_ids=[posts["new"]])
    meta_graph.fault_add(method="POST", path_suffix=f"/{posts['new']}", code=100, subcode=33)
    assert media_comments_apply(crisis_id=crisis.pk) == 0
    change = MediaCommentChange.objects.get()
    assert change.restored_at is not None and "finnes ikke lenger" in change.error_message
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    calls = len(meta_graph.requests)
    assert media_comments_restore(crisis_id=crisis.pk) == 0
    assert len(meta_graph.requests) == calls


def test_only_the_crisis_team_chooses_only_covered_posts_while_it_lasts(
    meta_graph: GraphStandIn,
    instagram: Account,
    posts: dict[str, str],
    crisis: CrisisPeriod,
    leader: User,
    people: dict[str, User],
    account: Account,
) -> None:
    with pytest.raises(PermissionDenied):
        media_comments_off(
            actor=people["svarer1"], crisis=crisis, account=instagram, media_ids=[posts["new"]]
        )
    with pytest.raises(MediaError, match="ikke lenger blant"):
        media_comments_off(actor=leader, crisis=crisis, account=instagram, media_ids=["999"])
    with pytest.raises(MediaError, match="dekker ikke"):
        media_comments_off(actor=leader, crisis=crisis, account=account, media_ids=[posts["new"]])
    crisis_end(actor=leader, crisis=crisis, summary="Over.")
    crisis.refresh_from_db()
    with pytest.raises(MediaError, match="avsluttet"):
        media_comments_off(actor=leader, crisis=crisis, account=instagram, media_ids=[posts["new"]])
    assert not MediaCommentChange.objects.exists()
    assert all(_enabled(meta_graph)[posts[name]] for name in ("first", "new"))


def test_the_page_lists_the_posts_and_keeps_an_empty_choice_from_doing_anything(
    meta_graph: GraphStandIn,
    instagram: Account,
    posts: dict[str, str],
    crisis: CrisisPeriod,
    leader: User,
    people: dict[str, User],
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = f"/krise/{crisis.pk}/instagram/{instagram.pk}/"
    client.force_login(people["svarer1"])
    assert client.get(url).status_code == 403
    client.force_login(leader)
    detail = client.get(f"/krise/{crisis.pk}/")
    assert url in detail.text
    page = client.get(url)
    assert page.status_code == 200
    assert "Kulturkveld i Reine" in page.text and f'value="{posts["new"]}"' in page.text
    assert f'value="{posts["closed"]}"' not in page.text, "already off: nothing to choose"
    assert "Stengt for kommentarer" in page.text
    empty = client.post(url, {})
    assert empty.status_code == 200 and "Velg minst ett innlegg." in empty.text
    assert not MediaCommentChange.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        done = client.post(url, {"posts": [posts["new"]]})
    assert done.status_code == 302 and len(callbacks) == 1
    media_comments_apply(crisis_id=crisis.pk)
    detail = client.get(f"/krise/{crisis.pk}/")
    assert "Kulturkveld i Reine" in detail.text and "Slått av" in detail.text
    assert f'value="{posts["new"]}"' not in client.get(url).text, "chosen once"


def test_instagram_not_answering_is_said_in_norwegian(
    meta_graph: GraphStandIn,
    instagram: Account,
    crisis: CrisisPeriod,
    leader: User,
    client: Client,
) -> None:
    meta_graph.fault_add(method="GET", path_suffix="/media", code=2, http_status=500)
    client.force_login(leader)
    page = client.get(f"/krise/{crisis.pk}/instagram/{instagram.pk}/")
    assert page.status_code == 200
    assert "Instagram listet ikke innleggene" in page.text
