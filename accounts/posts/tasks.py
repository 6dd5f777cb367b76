from celery import shared_task

from .delivery import platform_action_deliver, platform_outbox_sweep
from .instagram import instagram_tokens_refresh
from .media_comments import media_comments_apply, media_comments_restore, media_comments_sweep
from .page_tasks import page_tasks_remove, page_tasks_restore, page_tasks_sweep
from .reminders import post_reminders_send_due


@shared_task(ignore_result=True)
def post_reminders_send() -> int:
    """Beat "posts-reminders": remind the responders (then the owner) of posts not answered
    by their deadline."""
    return post_reminders_send_due()


@shared_task(ignore_result=True)
def platform_action_send(action_id: int) -> str:
    """Send one action of the outbox, after the commit that queued it."""
    return platform_action_deliver(action_id=action_id)


@shared_task(ignore_result=True)
def platform_outbox_sweep_task() -> int:
    """Beat "posts-outbox-sweep": deliver what is due or was lost, reconcile dead claims."""
    return platform_outbox_sweep()


@shared_task(ignore_result=True)
def page_tasks_remove_task(crisis_id: int) -> int:
    """After a crisis starts: take posting and moderating away from ordinary staff on the
    covered Pages (``page_tasks``)."""
    return page_tasks_remove(crisis_id=crisis_id)


@shared_task(ignore_result=True)
def crisis_lockout_restore_task(crisis_id: int) -> int:
    """After a crisis ends: give back exactly the Page tasks it took, and turn on again the
    Instagram comments it turned off."""
    return page_tasks_restore(crisis_id=crisis_id) + media_comments_restore(crisis_id=crisis_id)


@shared_task(ignore_result=True)
def media_comments_apply_task(crisis_id: int) -> int:
    """After the crisis team chose Instagram posts: turn their comments off."""
    return media_comments_apply(crisis_id=crisis_id)


@shared_task(ignore_result=True)
def crisis_lockout_sweep_task() -> int:
    """Beat "crisis-lockout-sweep": try again the lockouts and restores that failed."""
    return page_tasks_sweep() + media_comments_sweep()


@shared_task(ignore_result=True)
def instagram_tokens_refresh_task() -> int:
    """Beat "instagram-tokens-refresh": renew the Instagram tokens before they expire."""
    return instagram_tokens_refresh()
