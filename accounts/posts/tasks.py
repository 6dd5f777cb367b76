from celery import shared_task

from .delivery import platform_action_deliver, platform_outbox_sweep
from .instagram import instagram_tokens_refresh
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
def page_tasks_restore_task(crisis_id: int) -> int:
    """After a crisis ends: give back exactly the Page tasks it took."""
    return page_tasks_restore(crisis_id=crisis_id)


@shared_task(ignore_result=True)
def page_tasks_sweep_task() -> int:
    """Beat "page-tasks-sweep": try again the restores that failed."""
    return page_tasks_sweep()


@shared_task(ignore_result=True)
def instagram_tokens_refresh_task() -> int:
    """Beat "instagram-tokens-refresh": renew the Instagram tokens before they expire."""
    return instagram_tokens_refresh()
