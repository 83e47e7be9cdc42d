"""Working hours for the escalation clock: Mon-Fri 08-16 Oslo time, Norwegian holidays off."""

from datetime import UTC, date, datetime

import pytest

from questionnaires.working_hours import OSLO, add_working_hours, is_working_day
from rph.working_days import public_holidays as _holidays


def oslo(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=OSLO)


CASES = [
    # (start, hours, expected), all Oslo wall-clock times
    ("2026-03-02 09:00", 4, "2026-03-02 13:00", "inside one working day"),
    ("2026-03-02 12:00", 4, "2026-03-02 16:00", "ending exactly at 16:00 ends that day"),
    ("2026-03-02 06:30", 4, "2026-03-02 12:00", "before 08:00 counts from 08:00"),
    ("2026-03-02 16:00", 1, "2026-03-03 09:00", "at 16:00 counts from the next morning"),
    ("2026-03-02 22:15", 4, "2026-03-03 12:00", "in the evening counts from the next morning"),
    ("2026-03-06 14:00", 4, "2026-03-09 10:00", "friday afternoon runs into monday"),
    ("2026-03-06 18:00", 4, "2026-03-09 12:00", "friday evening counts from monday"),
    ("2026-03-07 10:00", 4, "2026-03-09 12:00", "saturday counts from monday"),
    ("2026-03-08 23:59", 4, "2026-03-09 12:00", "sunday counts from monday"),
    ("2026-03-02 08:00", 16, "2026-03-03 16:00", "two whole days"),
    ("2026-03-02 08:00", 40, "2026-03-06 16:00", "a whole week"),
    ("2026-03-02 10:00", 0, "2026-03-02 10:00", "no hours inside working hours"),
    ("2026-03-07 10:00", 0, "2026-03-09 08:00", "no hours outside: the next working period"),
    ("2026-04-01 14:00", 4, "2026-04-07 10:00", "easter: maundy thursday to easter monday off"),
    ("2026-05-13 15:00", 2, "2026-05-15 09:00", "ascension day off"),
    ("2024-05-16 14:00", 4, "2024-05-21 10:00", "17 may on a friday, whit monday after"),
    ("2026-12-24 15:00", 2, "2026-12-28 09:00", "christmas eve works, christmas days off"),
    ("2026-12-31 15:00", 2, "2027-01-04 09:00", "new year's day off"),
    ("2026-03-27 14:00", 4, "2026-03-30 10:00", "spring dst weekend"),
    ("2026-10-23 15:00", 3, "2026-10-26 10:00", "autumn dst weekend"),
]


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [case[:3] for case in CASES],
    ids=[case[3] for case in CASES],
)
def test_it_adds_working_hours(start, hours, expected):
    result = add_working_hours(oslo(start), hours)

    assert result == oslo(expected)
    assert result.tzinfo is not None


def test_working_hours_across_the_spring_change_are_elapsed_hours():
    start = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)  # Friday 14:00 CET

    result = add_working_hours(start, 4)

    assert result.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # Monday 10:00 CEST
    assert result.utcoffset().total_seconds() == 2 * 3600


def test_a_start_in_another_time_zone_is_read_on_the_oslo_clock():
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Oslo

    assert add_working_hours(start, 1) == oslo("2026-03-02 09:00")


def test_ordinary_sundays_are_not_counted_as_holidays_but_are_still_off():
    sunday = date(2026, 3, 1)

    assert sunday not in _holidays(2026)
    assert not is_working_day(sunday)
    assert date(2026, 5, 17) in _holidays(2026)  # 17 May, a Sunday that year


@pytest.mark.parametrize(
    ("start", "hours"),
    [
        (datetime(2026, 3, 2, 9, 0), 4),
        (oslo("2026-03-02 09:00"), -1),
        (oslo("2026-03-02 09:00"), 1.5),
    ],
    ids=["naive start", "negative hours", "fractional hours"],
)
def test_it_refuses_what_it_cannot_count(start, hours):
    with pytest.raises(ValueError):
        add_working_hours(start, hours)
