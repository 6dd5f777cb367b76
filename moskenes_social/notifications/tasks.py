from celery import shared_task

from .services import notification_email_send, notification_email_send_next_pending


@shared_task(ignore_result=True)
def notification_deliver(notification_id: int) -> bool:
    """Send one notification's e-mail promptly after the transaction that created it."""
    return notification_email_send(notification_id=notification_id)


@shared_task(ignore_result=True)
def notifications_deliver_pending() -> int:
    """Beat sweep: send every e-mail still pending (a lost message, a broker outage)."""
    sent = 0
    while notification_email_send_next_pending() is not None:
        sent += 1
    return sent
