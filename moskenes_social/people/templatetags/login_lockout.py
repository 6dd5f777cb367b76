from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(value: timedelta) -> int:
    """A lock's length in whole minutes (django-axes' ``cooloff_timedelta``)."""
    return int(value.total_seconds() // 60)
