"""How crisis mode shows durations (answer times, the length of a crisis)."""

from datetime import timedelta

from django.utils.translation import gettext as _


def duration_label(value: timedelta) -> str:
    """A duration as people read it: "3 d 4 h", "2 h 15 min", "2 h", "40 min" (rounded
    down to the minute)."""
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}
