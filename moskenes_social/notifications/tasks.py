from celery import shared_task

from .services import (
    notification_email_send,
    notification_email_send_next_pending,
    notification_emails_release_stale,
)


@shared_task(ignore_result=True)
def notifications_deliver(notification_ids: list[int]) -> int:
    """Send the e-mails of notifications promptly after the transaction that created them
    (a few a message, ``services.ENQUEUE_CHUNK``); each is claimed on its own, and one that
    fails is retried by the sweep. Returns how many were sent."""
    return sum(notification_email_send(notification_id=i) for i in notification_ids)


@shared_task(ignore_result=True)
def notification_deliver(notification_id: int) -> bool:
    """One notification's e-mail: what was enqueued before ``notifications_deliver``; kept
    so that messages still queued when a release goes out are delivered."""
    return notification_email_send(notification_id=notification_id)


@shared_task(ignore_result=True)
def notifications_deliver_pending() -> int:
    """Beat sweep: give back the e-mails a lost worker left sending, then send every e-mail
    still pending (a lost message, a broker outage, a killed worker)."""
    notification_emails_release_stale()
    sent = 0
    while notification_email_send_next_pending() is not None:
        sent += 1
    return sent
