from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Unit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Municipality"), {"fields": ("title", "unit")}),
    )
    list_display = ("username", "first_name", "last_name", "unit", "is_active")
    list_filter = ("unit", "groups", "is_active")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("name", "parent")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("leaders",)
