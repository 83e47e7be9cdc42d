"""The forecast rule: same weeks in earlier years times the recent trend, free hours, the wait."""

from datetime import date, timedelta

from reporting.figures.forecast import (
    TREND_WEEKS,
    TherapistWeek,
    coming_weeks,
    contact_forecast,
    expected_waits,
    hours_free,
    same_week_in,
)

TODAY = date(2026, 3, 4)  # a Wednesday in ISO week 10


def test_the_coming_weeks_start_next_monday():
    assert coming_weeks(TODAY, 4) == [date(2026, 3, 9) + timedelta(weeks=i) for i in range(4)]


def test_the_same_iso_week_in_an_earlier_year():
    assert same_week_in(2025, date(2026, 3, 9)) == date(2025, 3, 10)  # week 11
    assert same_week_in(2025, date(2026, 12, 28)) is None  # 2025 has no week 53
    assert same_week_in(2025, date(2021, 1, 4)) == date(2024, 12, 30)  # week 1 of 2025


def test_without_earlier_years_the_recent_average_is_the_forecast():
    recent = {date(2026, 3, 2) - timedelta(weeks=n): 4 for n in range(1, TREND_WEEKS + 1)}
    recent[date(2026, 2, 23)] = 12  # one busy week: (7 * 4 + 12) / 8 = 5

    forecast, trend, years = contact_forecast(recent, TODAY, 4, date(2026, 1, 1))

    assert [week.expected for week in forecast] == [5.0] * 4
    assert years == () and trend == 1.0 and forecast[0].seasonal is None


def test_the_same_weeks_last_year_scaled_by_the_trend():
    data = {}
    for n in range(1, TREND_WEEKS + 1):
        data[date(2026, 3, 2) - timedelta(weeks=n)] = 6  # 48 recent
        data[same_week_in(2025, date(2026, 3, 2) - timedelta(weeks=n))] = 4  # 32 a year ago
    data[same_week_in(2025, date(2026, 3, 9))] = 10  # week 11 last year
    data[same_week_in(2025, date(2026, 3, 16))] = 2

    forecast, trend, years = contact_forecast(data, TODAY, 2, date(2024, 6, 1))

    assert years == (2025,) and trend == 1.5  # 48 / 32
    assert [w.expected for w in forecast] == [15.0, 3.0]
    assert forecast[0].seasonal == 10 and date(2025, 3, 10) in forecast[0].source_weeks


def test_a_year_before_the_data_starts_is_not_counted_as_zero():
    data = {date(2026, 3, 2) - timedelta(weeks=n): 5 for n in range(1, TREND_WEEKS + 1)}

    forecast, _trend, years = contact_forecast(data, TODAY, 1, date(2025, 11, 1))

    assert years == () and forecast[0].expected == 5.0


def test_the_trend_is_bounded():
    data = {date(2026, 3, 2) - timedelta(weeks=n): 40 for n in range(1, TREND_WEEKS + 1)}
    data[same_week_in(2025, date(2026, 1, 5))] = 1
    data[same_week_in(2025, date(2026, 3, 9))] = 3

    forecast, trend, _years = contact_forecast(data, TODAY, 1, date(2025, 1, 1))

    assert trend == 2.0 and forecast[0].expected == 6.0


def test_free_hours_are_working_time_times_the_client_share_less_bookings():
    weeks = [
        TherapistWeek(1, working=30 * 60, client_share=0.7, booked=15 * 60, leave_days=0),
        TherapistWeek(2, working=6 * 60, client_share=0.5, booked=5 * 60, leave_days=4),
    ]

    assert [w.free for w in weeks] == [6 * 60, 0]  # 21 h - 15 h; overbooked is 0, not -2
    assert hours_free(weeks) == 6.0


def test_the_wait_takes_those_waiting_first():
    now, waits = expected_waits(waiting_now=5, expected=[2, 2, 2, 2], free_hours=[3, 3, 3, 3])

    assert now.weeks == 2  # 6th in line, 3 seen a week: seen in the second week
    # Week 1: 5 + 2 - 3 = 4 left; a contact then is 5th, seen in weeks 2-3 -> 2 weeks.
    assert [w.weeks for w in waits[:2]] == [2, 2]
    assert waits[0].queue == 4


def test_a_wait_beyond_the_horizon_is_none():
    now, waits = expected_waits(waiting_now=30, expected=[5] * 4, free_hours=[2] * 4)

    assert now.weeks is None and waits[-1].weeks is None


def test_no_free_hours_means_no_first_sessions():
    now, _waits = expected_waits(waiting_now=0, expected=[1], free_hours=[0])

    assert now.weeks is None
