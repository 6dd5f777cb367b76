"""Read-only admin for operators: every change goes through the services (and the audit log)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Account, FollowUpReminder, Responsibility


class ReadOnlyAdmin[M: Account | Responsibility | FollowUpReminder](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin[Account]):
    list_display = ("name", "platform", "handle", "unit", "status", "follow_up_due_at")
    list_filter = ("status", "platform", "unit")
    search_fields = ("name", "handle")


@admin.register(Responsibility)
class ResponsibilityAdmin(ReadOnlyAdmin[Responsibility]):
    list_display = ("account", "user", "role", "assigned_at", "ended_at")
    list_filter = ("role",)


@admin.register(FollowUpReminder)
class FollowUpReminderAdmin(ReadOnlyAdmin[FollowUpReminder]):
    list_display = ("account", "stage", "due_at", "sent_at")
