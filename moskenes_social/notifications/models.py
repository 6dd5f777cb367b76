from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    """Delivery of a notification's e-mail.

    Transitions: pending -> sending (claimed by a conditional update) -> sent | failed;
    sending -> pending when the send raised and attempts remain; sending -> pending | failed
    when the claim is older than ``NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT`` (its worker was lost
    mid-send); pending -> skipped when the recipient has no address. Each notification is
    e-mailed exactly once, except across a crash between the SMTP server's acceptance and
    the row's update: then at least once.
    """

    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent by e-mail")


class Notification(models.Model):
    """One message to one person: the in-app inbox entry and the e-mail outbox row."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell's unread count and the inbox list.
            models.Index(
                fields=["recipient", "-created_at"],
                name="notif_unread_by_recipient",
                condition=Q(read_at__isnull=True),
            ),
            # notifications_deliver_pending (Celery beat sweep) scans only pending e-mails.
            models.Index(
                fields=["created_at"],
                name="notif_email_pending",
                condition=Q(email_status="pending"),
            ),
            # notification_emails_release_stale (the same beat sweep) finds claims whose
            # worker was lost mid-send.
            models.Index(
                fields=["email_claimed_at"],
                name="notif_email_sending",
                condition=Q(email_status="sending"),
            ),
        ]

    def __str__(self) -> str:
        return self.subject
