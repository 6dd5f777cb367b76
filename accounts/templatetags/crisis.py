"""Template helpers of crisis mode."""

from datetime import timedelta

from django import template

from accounts.crisis.display import duration_label as _duration_label

register = template.Library()


@register.filter
def duration_label(value: timedelta | None) -> str:
    """``{{ answer_time|duration_label }}``: "2 h 15 min" (empty for no value)."""
    return "" if value is None else _duration_label(value)
