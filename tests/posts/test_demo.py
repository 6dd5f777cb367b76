"""The demo posts: every state on the demo accounts, one overdue, one removed as
sensitive; a second run changes nothing."""

import pytest
from django.utils import timezone

from accounts.models import Account, IngestToken, Post, PostSource, PostStatus
from moskenes_social.people.demo import demo_seed

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
