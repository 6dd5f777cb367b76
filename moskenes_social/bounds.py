"""The window every time the app accepts lies in, and the ranges of its numbers.

Social media began with Facebook in 2004: no post, decision or account the municipality
records is older, and a time further ahead than clocks drift is a mistake. A time outside
the window is worse than wrong: before year 1 in UTC (0001-01-01 in Oslo's old +00:43
offset) PostgreSQL stores it and Python cannot read it back. So every way in (forms, the
ingest API, the webhook) checks the window here, with a Norwegian message, and the
database holds the same lower bound as a constraint.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import CheckConstraint, DecimalField, Field, IntegerField, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = date(2004, 1, 1)
EARLIEST = datetime(2004, 1, 1, tzinfo=UTC)
# Clocks of the platforms, integrations and browsers differ a little.
CLOCK_SKEW = timedelta(minutes=5)


def latest(now: datetime | None = None) -> datetime:
    """The latest time accepted as a time that has happened: now plus the clock skew."""
    return (now or timezone.now()) + CLOCK_SKEW


def in_window(value: datetime, *, now: datetime | None = None) -> bool:
    return EARLIEST <= value <= latest(now)


def time_window_check(value: datetime, *, now: datetime | None = None) -> None:
    """Raise ``ValidationError`` (Norwegian) for a time before 2004 or in the future."""
    if value < EARLIEST:
        raise ValidationError(_("The time cannot be before 1 January 2004."), code="too_early")
    if value > latest(now):
        raise ValidationError(_("The time lies in the future."), code="future")


def parse_aware_time(value: object) -> datetime | None:
    """An ISO 8601 time with an offset (``+01:00``, ``+0100`` or ``Z``), or None for
    anything else, a 30 February or an offset of 25 hours included: never an exception."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    text = value.strip()
    if not (text.isascii() and text.isprintable()):
        return None
    # Python reads "+0000"; Django's parser wants "+00:00".
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = parse_datetime(text)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    try:
        parsed.utcoffset()
    except ValueError:
        return None
    return parsed


def time_validators() -> list[Any]:
    """The window as form field validators, for a time that has already happened."""
    return [
        MinValueValidator(EARLIEST, message=_("The time cannot be before 1 January 2004.")),
        MaxValueValidator(latest, message=_("The time lies in the future.")),
    ]


def date_validators(*, future_days: int | None = 0) -> list[Any]:
    """A date from 2004 until ``future_days`` after today (None: the service that takes it
    sets the upper bound), as form field validators."""
    validators: list[Any] = [
        MinValueValidator(EARLIEST_DATE, message=_("The date cannot be before 1 January 2004."))
    ]
    if future_days is not None:
        days = future_days

        def last() -> date:
            return timezone.localdate() + timedelta(days=days)

        validators.append(
            MaxValueValidator(
                last,
                message=_("The date lies in the future.")
                if days == 0
                else _("The date lies too far ahead."),
            )
        )
    return validators


def storable_text(value: str) -> bool:
    """False for text that PostgreSQL cannot store (NUL) or UTF-8 cannot encode (a lone
    surrogate, which JSON's ``\\ud800`` can carry)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# The ranges of the numbers people type. A follow-up more seldom than every 60 working
# days (three months) is no follow-up; an answering deadline beyond 120 working hours (three
# weeks) is not "snarest"; more than 40 hours a week is a full position, not time set aside.
FOLLOW_UP_DAYS = (1, 60)
DEADLINE_HOURS = (Decimal("1"), Decimal("120"))
HOURS_PER_WEEK = (Decimal("1"), Decimal("40"))


def range_validators(bounds: tuple[Any, Any]) -> list[Any]:
    """The range as validators of a model field: a ModelForm shows Django's Norwegian
    messages for them ("Verdien må være mindre enn eller lik 60.")."""
    low, high = bounds
    return [MinValueValidator(low), MaxValueValidator(high)]


def range_constraint(field: str, bounds: tuple[Any, Any], *, name: str) -> CheckConstraint:
    """The range as a database constraint (an empty value passes), with a Norwegian message
    should anything but a form reach it."""
    low, high = bounds
    return CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__range": (low, high)}),
        name=name,
        violation_error_message=format_lazy(
            _("The value must be between {low} and {high}."),
            low=low,
            high=high,
        ),
    )


def bounded_formfield(db_field: Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A ModelForm's ``formfield_callback``: a number field takes the range of its model
    field's validators as ``min_value`` and ``max_value``, so the browser knows it and the
    first message names it (a PositiveSmallIntegerField would say "at least 0")."""
    lows = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
    if isinstance(db_field, (IntegerField, DecimalField)):
        if lows:
            kwargs.setdefault("min_value", max(lows))
        if highs:
            kwargs.setdefault("max_value", min(highs))
    return db_field.formfield(**kwargs)
