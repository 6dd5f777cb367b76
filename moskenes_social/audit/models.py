from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class Event(models.Model):
    """One state change: who did what to which object, why, and when. Append-only.

    Services write an event in the same transaction as the change it records. On
    PostgreSQL triggers refuse UPDATE and DELETE (migration 0002) and TRUNCATE (0004);
    here, ``save`` of an existing row and ``delete`` raise as well.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # An object's history, newest or oldest first (the account and post pages): in
            # the order it is read, so that it costs the same however long the log grows.
            # Ordered by created_at alone, with 57,000 events the planner scanned the whole
            # log for an account's 30 (17 ms; ``make bench``).
            models.Index(
                fields=["target_type", "target_id", "created_at", "id"],
                name="audit_event_target_time",
            ),
            # The log filtered by action or by person, newest first: the filter and the
            # order in one index, so a page reads 50 rows however long the log grows.
            models.Index(fields=["action", "created_at", "id"], name="audit_event_action_time"),
            models.Index(fields=["actor", "created_at", "id"], name="audit_event_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")
