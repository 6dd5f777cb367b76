from celery import shared_task

from .services import follow_up_reminders_send_due


@shared_task(ignore_result=True)
def follow_up_reminders_send() -> int:
    """Beat: remind the responders (then the owner) of accounts not followed up in time."""
    return follow_up_reminders_send_due()
