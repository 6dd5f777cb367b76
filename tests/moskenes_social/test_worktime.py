from datetime import date, datetime, time

import pytest

from moskenes_social.worktime import (
    OSLO,
    HalfDay,
    WorkingDay,
    add_working_days,
    add_working_hours,
    is_working_day,
    next_working_moment,
    working_hours_between,
)

DAY = WorkingDay(start=time(8, 0), end=time(15, 30))


def oslo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


def test_weekends_and_public_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 11, 25))  # Wednesday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 12, 25))  # Juledag
    assert not is_working_day(date(2026, 5, 17))  # Grunnlovsdag (a Sunday too)
    assert not is_working_day(date(2027, 5, 17))  # Grunnlovsdag on a Monday
    assert not is_working_day(date(2026, 4, 2))  # Skjærtorsdag
    assert not is_working_day(date(2026, 5, 14))  # Kristi himmelfartsdag


def test_deadline_within_the_same_day() -> None:
    assert add_working_hours(oslo(2026, 11, 25, 9, 0), 4, working_day=DAY) == oslo(
        2026, 11, 25, 13, 0
    )


def test_deadline_runs_over_the_weekend() -> None:
    # Friday 14:00 + 8 h: 1.5 h on Friday, 6.5 h on Monday from 08:00.
    assert add_working_hours(oslo(2026, 11, 27, 14, 0), 8, working_day=DAY) == oslo(
        2026, 11, 30, 14, 30
    )


def test_deadline_skips_christmas() -> None:
    # Wednesday 23 December 15:00 + 1 h: 0.5 h that day, then 24th (a weekday, not a
    # public holiday), so 08:30 on the 24th.
    assert add_working_hours(oslo(2026, 12, 23, 15, 0), 1, working_day=DAY) == oslo(
        2026, 12, 24, 8, 30
    )
    # From Thursday 24 December 15:30: 25th and 26th are holidays, 27th is a Sunday.
    assert add_working_hours(oslo(2026, 12, 24, 15, 30), 2, working_day=DAY) == oslo(
        2026, 12, 28, 10, 0
    )


def test_post_arriving_at_night_counts_from_the_next_morning() -> None:
    assert add_working_hours(oslo(2026, 11, 25, 22, 0), 8, working_day=DAY) == oslo(
        2026, 11, 27, 8, 30
    )


def test_deadline_ending_at_close_stays_on_that_day() -> None:
    assert add_working_hours(oslo(2026, 11, 25, 8, 0), 7.5, working_day=DAY) == oslo(
        2026, 11, 25, 15, 30
    )


def test_across_the_change_to_winter_time() -> None:
    # Friday 23 October 2026 15:00 + 1 h lands on Monday 26 October (after DST ended).
    due = add_working_hours(oslo(2026, 10, 23, 15, 0), 1, working_day=DAY)
    assert due == oslo(2026, 10, 26, 8, 30)
    offset = due.utcoffset()
    assert offset is not None and offset.total_seconds() == 3600


def test_next_working_moment_and_days() -> None:
    assert next_working_moment(oslo(2026, 11, 28, 12, 0), working_day=DAY) == oslo(
        2026, 11, 30, 8, 0
    )
    assert add_working_days(oslo(2026, 11, 27, 10, 0), 1) == oslo(2026, 11, 30, 10, 0)


def test_working_hours_between() -> None:
    assert working_hours_between(
        oslo(2026, 11, 27, 14, 0), oslo(2026, 11, 30, 14, 30), working_day=DAY
    ) == pytest.approx(8)
    assert working_hours_between(oslo(2026, 11, 27), oslo(2026, 11, 26), working_day=DAY) == 0


def test_a_working_day_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError):
        WorkingDay(start=time(15), end=time(8))


# --- Half days (the guideline's working-calendar parameter ``half_days``) -------------------

CHRISTMAS = WorkingDay(
    start=time(8, 0),
    end=time(15, 30),
    half_days=(HalfDay(month=12, day=31, closes=time(12, 0)), HalfDay(12, 24, time(12, 0))),
)


def test_a_half_day_closes_early() -> None:
    assert CHRISTMAS.end_on(date(2026, 12, 24)) == time(12, 0)
    assert CHRISTMAS.end_on(date(2026, 12, 23)) == time(15, 30)
    # Kept in calendar order whatever order they were given in.
    assert [h.key for h in CHRISTMAS.half_days] == ["12-24", "12-31"]


def test_deadline_over_christmas_eve_as_a_half_day() -> None:
    # Thursday 24 December 2026 09:00 + 4 h: 3 h until 12:00, then 25th and 26th are
    # holidays and 27th a Sunday: 1 h on Monday 28th.
    assert add_working_hours(oslo(2026, 12, 24, 9, 0), 4, working_day=CHRISTMAS) == oslo(
        2026, 12, 28, 9, 0
    )
    # Without the half day the same deadline falls on the 24th.
    assert add_working_hours(oslo(2026, 12, 24, 9, 0), 4, working_day=DAY) == oslo(
        2026, 12, 24, 13, 0
    )
    # A post at 13:00 on Christmas Eve counts from Monday morning.
    assert next_working_moment(oslo(2026, 12, 24, 13, 0), working_day=CHRISTMAS) == oslo(
        2026, 12, 28, 8, 0
    )
    assert working_hours_between(
        oslo(2026, 12, 23, 15, 0), oslo(2026, 12, 28, 9, 0), working_day=CHRISTMAS
    ) == pytest.approx(0.5 + 4 + 1)


def test_a_half_day_on_a_weekend_changes_nothing() -> None:
    # 31 December 2028 is a Sunday.
    assert not is_working_day(date(2028, 12, 31))
    assert next_working_moment(oslo(2028, 12, 31, 10, 0), working_day=CHRISTMAS) == oslo(
        2029, 1, 2, 8, 0
    )


@pytest.mark.parametrize(
    ("half_days", "message"),
    [
        ((HalfDay(12, 24, time(7, 0)),), "close after"),
        ((HalfDay(12, 24, time(16, 0)),), "close after"),
        ((HalfDay(12, 24, time(12, 0)), HalfDay(12, 24, time(13, 0))), "twice"),
    ],
)
def test_impossible_half_days_are_refused(half_days: tuple[HalfDay, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingDay(start=time(8, 0), end=time(15, 30), half_days=half_days)


def test_a_half_day_must_be_a_day_of_the_year() -> None:
    with pytest.raises(ValueError):
        HalfDay(month=2, day=30, closes=time(12, 0))
    assert HalfDay(month=2, day=29, closes=time(12, 0)).key == "02-29"
