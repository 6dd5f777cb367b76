"""Working time in Norway: weekdays that are not public holidays, within a working day.

Deadlines ("snarest") and follow-up intervals count working time only. The working day's
hours, and the half days that close early (Christmas Eve, New Year's Eve), are policy
parameters (the guideline version in force); this module only calculates. All functions
take and return timezone-aware datetimes; the calendar is Europe/Oslo.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from holidays.countries.norway import Norway

OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True, order=True)
class HalfDay:
    """A calendar day, every year, on which the working day closes early: 24 December at
    12:00, say. Only working days are affected; a half day on a weekend stays a weekend."""

    month: int
    day: int
    closes: time

    def __post_init__(self) -> None:
        # 2024 is a leap year, so 29 February is a valid half day too.
        date(2024, self.month, self.day)

    @property
    def key(self) -> str:
        """The month-day form used in the guideline's parameters: "12-24"."""
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class WorkingDay:
    start: time
    end: time
    # Days that close early, in calendar order (at most one per month-day).
    half_days: tuple[HalfDay, ...] = ()

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("the working day must end after it starts")
        keys = [(half.month, half.day) for half in self.half_days]
        if len(set(keys)) != len(keys):
            raise ValueError("a half day is given twice")
        for half in self.half_days:
            if not self.start < half.closes < self.end:
                raise ValueError("a half day must close after the day starts and before it ends")
        object.__setattr__(self, "half_days", tuple(sorted(self.half_days)))

    @property
    def length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def end_on(self, day: date) -> time:
        """When working time ends on ``day``: early on a half day, else the usual end."""
        for half in self.half_days:
            if half.month == day.month and half.day == day.day:
                return half.closes
        return self.end


@functools.cache
def _norwegian_holidays(year: int) -> frozenset[date]:
    # include_sundays=False: the package otherwise lists every Sunday as a holiday.
    return frozenset(Norway(years=year, include_sundays=False).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Norwegian public holiday."""
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=OSLO)


def next_working_moment(moment: datetime, *, working_day: WorkingDay) -> datetime:
    """``moment`` if it falls within working time, else the start of the next working time."""
    local = moment.astimezone(OSLO)
    day = local.date()
    if is_working_day(day):
        if local.time() < working_day.start:
            return _at(day, working_day.start)
        if local.time() < working_day.end_on(day):
            return local
    return _at(next_working_day(day), working_day.start)


def add_working_hours(start: datetime, hours: float, *, working_day: WorkingDay) -> datetime:
    """The moment when ``hours`` of working time have passed after ``start``.

    1. Move to the next moment inside working time (start itself if it is inside).
    2. Take what is left of that working day; if the remainder fits, the answer is there.
    3. Otherwise spend the rest of the day and go on from the next working day's start.
    A deadline that ends exactly at the end of a working day stays on that day.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    current = next_working_moment(start, working_day=working_day)
    while True:
        end_of_day = _at(current.date(), working_day.end_on(current.date()))
        available = end_of_day - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = _at(next_working_day(current.date()), working_day.start)


def add_working_days(start: datetime, days: int) -> datetime:
    """The same local time of day on the ``days``-th working day after ``start``'s day."""
    if days < 0:
        raise ValueError("days must not be negative")
    local = start.astimezone(OSLO)
    day = local.date()
    for _ in range(days):
        day = next_working_day(day)
    return datetime.combine(day, local.time(), tzinfo=OSLO)


def working_hours_between(start: datetime, end: datetime, *, working_day: WorkingDay) -> float:
    """Working hours from ``start`` to ``end`` (0 if ``end`` is not after ``start``)."""
    if end <= start:
        return 0.0
    total = timedelta()
    current = next_working_moment(start, working_day=working_day)
    while current < end:
        end_of_day = _at(current.date(), working_day.end_on(current.date()))
        total += min(end_of_day, end) - current
        current = _at(next_working_day(current.date()), working_day.start)
    return total.total_seconds() / 3600
