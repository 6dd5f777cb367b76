"""Choice labels and dates as every page shows them: Django's text, for a fraction of its cost.

Measured one call at a time on the bench machine (``make bench``): ``get_platform_display()``
took 52 µs, because Django builds a dict of every choice on each call and translates each
lazy label to hash it; ``{{ value|date:"j. F Y H:i" }}`` took 40 µs. A list page calls them
several times on each of its 25 to 50 rows, so they were most of a row's cost. These give
the same text (the tests compare them with Django's for every choice, month and format)
from tables made once per process and language. The templates use them as the filters in
``moskenes_social.templatetags.formats``.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.translation import get_language

_LABELS: dict[tuple[type[Model], str, str | None], dict[Any, str]] = {}
# Per language: the months' names (``F``) and their abbreviations with a dot (``N``).
_MONTHS: dict[str | None, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def choice_label(obj: Model, field_name: str) -> Any:
    """``obj.get_<field_name>_display()``: the label of the field's value in the active
    language, or the value itself if it is not one of the field's choices."""
    key = (type(obj), field_name, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        field = obj._meta.get_field(field_name)
        labels = {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]
        _LABELS[key] = labels
    value = getattr(obj, field_name)
    return labels.get(value, value)


def _months() -> tuple[tuple[str, ...], tuple[str, ...]]:
    language = get_language()
    months = _MONTHS.get(language)
    if months is None:
        months = (
            tuple(str(MONTHS[m]) for m in range(1, 13)),
            tuple(str(MONTHS_AP[m]) for m in range(1, 13)),
        )
        _MONTHS[language] = months
    return months


def _local(value: date) -> date:
    # As the date filter does: an aware datetime in the current time zone (Europe/Oslo).
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value.astimezone(timezone.get_current_timezone())
    return value


def date_long(value: date | None) -> str:
    """``{{ value|date:"j. F Y" }}``: «27. november 2026»."""
    if value is None or value == "":
        return ""
    value = _local(value)
    return f"{value.day}. {_months()[0][value.month - 1]} {value.year:04d}"


def datetime_long(value: datetime | None) -> str:
    """``{{ value|date:"j. F Y H:i" }}``: «27. november 2026 08:51»."""
    if value is None or value == "":
        return ""
    value = _local(value)  # type: ignore[assignment]
    return (
        f"{value.day}. {_months()[0][value.month - 1]} {value.year:04d}"
        f" {value.hour:02d}:{value.minute:02d}"
    )


def datetime_short(value: datetime | None) -> str:
    """``{{ value|date:"j. N H:i" }}``: «24. nov. 03:54», the month as Norwegian abbreviates
    it (lower-case, with a dot: «des.», «mai»)."""
    if value is None or value == "":
        return ""
    value = _local(value)  # type: ignore[assignment]
    return f"{value.day}. {_months()[1][value.month - 1]} {value.hour:02d}:{value.minute:02d}"
