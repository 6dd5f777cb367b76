"""The demo posts: every state on the demo accounts, one overdue, one removed as
sensitive; a second run changes nothing."""

from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.crisis.services import crisis_start
from accounts.lockout import is_crisis_team
from accounts.models import (
    Account,
    IngestToken,
    PageUser,
    PlatformConnection,
    Post,
    PostSource,
    PostStatus,
)
from accounts.posts.demo import DEMO_BUSINESS_ID, DEMO_FACEBOOK_PAGE_ID, DEMO_INSTAGRAM_CAPTIONS
from accounts.posts.page_tasks import page_tasks_remove
from moskenes_social.people.demo import demo_seed
from moskenes_social.people.roles import Role
from standins.meta_graph import GraphStandIn
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_demo_posts_are_seeded_once() -> None:
    demo_seed()
    statuses = set(Post.objects.values_list("status", flat=True))
    assert statuses == {PostStatus.OPEN, PostStatus.ANSWERED, PostStatus.CLOSED, PostStatus.REMOVED}
    assert set(Post.objects.values_list("source", flat=True)) == set(PostSource.values)
    overdue = Post.objects.filter(status=PostStatus.OPEN, due_at__lt=timezone.now())
    assert overdue.count() >= 1
    removed = Post.objects.get(status=PostStatus.REMOVED)
    assert removed.text == "" and removed.author == "" and removed.removed_by is not None
    assert Post.objects.filter(status=PostStatus.OPEN, category="").exists()
    own = Account.objects.get(handle="moskeneskommune")
    assert own.facebook_page_id and IngestToken.objects.filter(account=own).count() == 1
    counts = (Post.objects.count(), IngestToken.objects.count())
    demo_seed()
    assert (Post.objects.count(), IngestToken.objects.count()) == counts


def test_the_demo_stand_in_connects_the_page_and_its_staff_for_the_tour(
    meta_graph: GraphStandIn, settings: Any
) -> None:
    """`make run`'s `manage.py demo_standin`: the municipality's Page connected, its demo
    comments there, and its staff business users the crisis lockout knows."""
    settings.DEMO_DATA_ALLOWED = True
    settings.INSTAGRAM_GRAPH_URL = meta_graph.url
    settings.INSTAGRAM_APP_SECRET = "demo-instagram-secret"  # noqa: S105
    demo_seed()
    call_command("demo_standin", "--webhook", "http://127.0.0.1:9/innlegg/webhook/facebook/")
    own = Account.objects.get(handle="moskeneskommune")
    connection = PlatformConnection.objects.get(account=own)
    assert connection.is_connected and connection.business_id == DEMO_BUSINESS_ID
    state = meta_graph.state()
    open_comments = Post.objects.filter(account=own, source=PostSource.FACEBOOK).exclude(
        status=PostStatus.REMOVED
    )
    assert {c["id"] for c in state["comments"].values()} >= set(
        open_comments.values_list("platform_id", flat=True)
    )
    listed = {u["id"] for u in state["pages"][DEMO_FACEBOOK_PAGE_ID]["assigned_users"]}
    known = set(PageUser.objects.filter(account=own).values_list("scoped_id", flat=True))
    assert known and known == listed
    culture = PlatformConnection.objects.get(account__handle="moskeneskultur")
    assert culture.is_connected and culture.token_expires_at is not None
    captions = [
        media["message"]
        for media in state["posts"].values()
        if media["page_id"] == culture.object_id and media["message"]
    ]
    assert captions == list(DEMO_INSTAGRAM_CAPTIONS), "posts for the crisis team to choose from"
    leader = make_user(username="krisesjef", roles=[Role.CRISIS_LEADER])
    crisis = crisis_start(actor=leader, reason="Øvelse", message_text="Dette er en øvelse.")
    ordinary = [p for p in PageUser.objects.filter(account=own) if not is_crisis_team(p.user)]
    assert ordinary and page_tasks_remove(crisis_id=crisis.pk) == len(ordinary)
