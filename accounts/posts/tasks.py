from celery import shared_task

from .reminders import post_reminders_send_due


@shared_task(ignore_result=True)
def post_reminders_send() -> int:
    """Beat "posts-reminders": remind the responders (then the owner) of posts not answered
    by their deadline."""
    return post_reminders_send_due()
