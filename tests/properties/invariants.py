"""What no door may leave behind: half of a write."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast

from accounts.models import Post
from approvals.models import AccountRequest, RequestStatus, RequestTransition
from moskenes_social.audit.models import Event


def _has_event(action: str) -> Exists:
    return Exists(
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Post),
            target_id=OuterRef("pk_text"),
            action=action,
        )
    )


def assert_no_partial_rows() -> None:
    """Every post has the audit event of its arrival, every answered post that of its
    answer, every post the screening marked that of its screening (and a dismissed one
    that of its dismissal), and every request that left the draft its transition."""
    posts = Post.objects.annotate(pk_text=Cast("pk", CharField()))
    assert not posts.exclude(_has_event("posts.post_received")).exists()
    assert not posts.filter(status="answered").exclude(_has_event("posts.post_answered")).exists()
    assert not posts.exclude(screening="").exclude(_has_event("posts.post_screened")).exists()
    assert (
        not posts.filter(screening="dismissed")
        .exclude(_has_event("posts.post_screening_dismissed"))
        .exists()
    )
    left_draft = AccountRequest.objects.exclude(status=RequestStatus.DRAFT)
    assert not left_draft.exclude(
        Exists(RequestTransition.objects.filter(request=OuterRef("pk")))
    ).exists()
