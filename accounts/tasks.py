from celery import shared_task

from .services import follow_up_reminders_send_due


@shared_task(ignore_result=True)
def follow_up_reminders_send() -> int:
    """Beat: remind the responders (then the owner) of accounts not followed up in time."""
    return follow_up_reminders_send_due()


# Celery's autodiscovery imports only <app>.tasks; the posts' tasks live in a subpackage.
from accounts.posts.tasks import (  # noqa: E402,F401
    crisis_lockout_restore_task,
    crisis_lockout_sweep_task,
    instagram_tokens_refresh_task,
    media_comments_apply_task,
    page_tasks_remove_task,
    platform_action_send,
    platform_outbox_sweep_task,
    post_reminders_send,
)
