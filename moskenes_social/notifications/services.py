"""Writes of notifications. The row is the truth; Celery only makes e-mail delivery prompt."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from moskenes_social.people.models import User

from .models import EmailStatus, Notification

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


def notification_create(
    *, recipient: User, subject: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Create one notification; its e-mail is queued for after the transaction commits."""
    return notifications_create(
        recipients=[recipient], subject=subject, body=body, url=url, email=email
    )[0]


def notifications_create(
    *, recipients: Iterable[User], subject: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    """Create one notification per distinct recipient in one insert; e-mail after commit.

    If the broker is down at commit time the rows stay pending and the periodic sweep
    sends them; nothing is lost.
    """
    return notifications_create_each(
        drafts=[
            NotificationDraft(recipient=user, subject=subject, body=body, url=url)
            for user in recipients
        ],
        email=email,
    )


@dataclass(frozen=True)
class NotificationDraft:
    """One person's notification when each recipient is told something of their own."""

    recipient: User
    subject: str
    body: str = ""
    url: str = ""


def notifications_create_each(
    *, drafts: Iterable[NotificationDraft], email: bool = True
) -> list[Notification]:
    """Create the drafted notifications (the first per recipient) in one insert, whatever
    their number; e-mail after commit, as ``notifications_create``."""
    unique: dict[int, NotificationDraft] = {}
    for draft in drafts:
        unique.setdefault(draft.recipient.pk, draft)
    return notifications_create_many(drafts=unique.values(), email=email)


def notifications_create_many(
    *, drafts: Iterable[NotificationDraft], email: bool = True
) -> list[Notification]:
    """Create one notification per draft in one insert, whatever their number; a person
    may get several (a job that reminds of many posts at once). E-mail after commit, as
    ``notifications_create``."""
    rows = [
        Notification(
            recipient=draft.recipient,
            subject=draft.subject[:200],
            body=draft.body,
            url=draft.url,
            email_status=(
                EmailStatus.PENDING if email and draft.recipient.email else EmailStatus.SKIPPED
            ),
        )
        for draft in drafts
    ]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.email_status == EmailStatus.PENDING]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return created


# E-mails per Celery message. A message per e-mail cost about a millisecond each, as much as
# everything else the reminder job does for a post (``make bench``); a message per
# transaction would leave one worker sending a whole crisis fan-out alone. Each e-mail is
# still claimed on its own, so a list delivered twice or beside the sweep sends nothing
# twice, and what a lost worker leaves pending the sweep sends.
ENQUEUE_CHUNK = 25


def _enqueue(ids: list[int]) -> None:
    from .tasks import notifications_deliver

    try:
        for start in range(0, len(ids), ENQUEUE_CHUNK):
            notifications_deliver.delay(ids[start : start + ENQUEUE_CHUNK])
    except Exception:
        # The broker is unreachable; the beat sweep delivers these later.
        logger.warning("could not enqueue %d notification e-mails; the sweep will", len(ids))


def notification_email_send(*, notification_id: int) -> bool:
    """Claim one pending e-mail by a conditional update, then send it. True if sent.

    1. Claim: pending -> sending, only if still pending (two workers never both win). The
       claim's time is its token: only this claim may settle the row.
    2. Send through Django's e-mail backend.
    3. Mark sent; on an error, back to pending while attempts remain, else failed. A
       worker lost between 1 and 3 leaves the row sending; the sweep gives it back
       (``notification_emails_release_stale``).
    """
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(
        id=notification_id, email_status=EmailStatus.PENDING
    ).update(email_status=EmailStatus.SENDING, email_claimed_at=claimed_at)
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient").get(id=notification_id)
    mine = Notification.objects.filter(id=notification_id, email_claimed_at=claimed_at)
    try:
        send_mail(
            subject=notification.subject,
            message=_email_body(notification),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
    except Exception:
        logger.exception("e-mail for notification %s failed", notification_id)
        attempts = notification.email_attempts + 1
        mine.filter(email_status=EmailStatus.SENDING).update(
            email_status=(
                EmailStatus.FAILED if attempts >= MAX_EMAIL_ATTEMPTS else EmailStatus.PENDING
            ),
            email_attempts=attempts,
        )
        return False
    # Pending too: a send slower than the claim timeout was given back by the sweep, but
    # nobody has claimed it since; marking it sent spares the person a second e-mail.
    mine.filter(email_status__in=[EmailStatus.SENDING, EmailStatus.PENDING]).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now()
    )
    return True


def notification_emails_release_stale() -> int:
    """Give back the e-mails whose worker was lost mid-send. Returns how many.

    1. A row claimed (sending) longer ago than ``NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT`` is
       taken to be lost: the worker was killed or hung between the claim and the row's
       update. The timeout is longer than any SMTP exchange, so a live send is left alone.
    2. Its last attempt used, it is marked failed (a message that kills every worker
       that sends it is not tried for ever); otherwise it goes back to pending, one
       attempt counted, and the sweep sends it.
    3. Each update is conditional on the row still being sending and stale, so two sweeps,
       or a sweep and the worker finishing at last, never both move a row.

    If the SMTP server had accepted the message before the worker was lost, the person
    gets it again: at least once across such a crash, exactly once otherwise.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT)
    stale = Notification.objects.filter(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=cutoff
    )
    failed = stale.filter(email_attempts__gte=MAX_EMAIL_ATTEMPTS - 1).update(
        email_status=EmailStatus.FAILED, email_attempts=F("email_attempts") + 1
    )
    released = stale.update(
        email_status=EmailStatus.PENDING, email_attempts=F("email_attempts") + 1
    )
    if released:
        logger.warning(
            "%d notification e-mails were claimed by a worker that was lost; sending again",
            released,
        )
    if failed:
        logger.error(
            "%d notification e-mails were lost with a worker %d times; marked failed",
            failed,
            MAX_EMAIL_ATTEMPTS,
        )
    return released + failed


def notification_email_send_next_pending() -> int | None:
    """Send the oldest pending e-mail, if any. Returns its id, or None when none is left."""
    pending = (
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    for notification_id in pending[:20]:
        # Another worker may claim a row first; try the next one.
        notification_email_send(notification_id=notification_id)
        return notification_id
    return None


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one notification read; True if it was unread."""
    return (
        Notification.objects.filter(id=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        == 1
    )


def notifications_settle(*, recipients: Iterable[User], url: str) -> int:
    """Mark read the unread notifications of ``recipients`` that point at ``url``: what
    they asked for is done (a request decided or withdrawn no longer awaits a decision).
    Call in the transaction of that change. The unread index per recipient serves it."""
    return Notification.objects.filter(
        recipient__in=recipients, url=url, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _email_body(notification: Notification) -> str:
    body = notification.body
    if notification.url:
        base = settings.SITE_URL.rstrip("/")
        body = f"{body}\n\n{base}{notification.url}"
    return body
