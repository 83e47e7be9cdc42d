"""The one working-day calendar: weekends, Norwegian public holidays, 24 and 31 December."""

from datetime import UTC, date, datetime

import pytest

from rph.working_days import is_working_day, moved_to_working_day, on_working_day


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 24),  # julaften
        date(2026, 12, 25),
        date(2026, 12, 31),  # nyttårsaften
        date(2027, 1, 1),
        date(2026, 4, 2),  # skjærtorsdag
        date(2026, 5, 1),
        date(2026, 5, 14),  # Kristi himmelfartsdag
        date(2026, 12, 5),  # a Saturday
    ],
)
def test_holidays_and_weekends_are_not_working_days_for_schedules(day):
    assert not is_working_day(day, closed_days=True)


def test_the_risk_clock_counts_24_and_31_december_as_working_days():
    assert is_working_day(date(2026, 12, 24)) and is_working_day(date(2026, 12, 31))
    assert not is_working_day(date(2026, 12, 25))


def test_a_day_off_moves_to_the_next_working_day():
    assert on_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert on_working_day(date(2026, 12, 3)) == date(2026, 12, 3)


def test_the_oslo_wall_clock_time_is_kept_when_moved():
    moved = moved_to_working_day(datetime(2026, 12, 24, 8, 0, tzinfo=UTC))  # 09:00 in Oslo

    assert (moved.date(), moved.hour) == (date(2026, 12, 28), 9)
