"""The meetings of a run keep their wall-clock time in Oslo across daylight saving time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from treatment.courses.schedule import MeetingPlan, meeting_times

OSLO = ZoneInfo("Europe/Oslo")


def _plan(first_day: date, count: int = 3, interval_days: int = 7) -> MeetingPlan:
    return MeetingPlan(
        first_day=first_day, start_time=time(18, 0), count=count, interval_days=interval_days
    )


def test_weekly_meetings_stay_at_18_when_summer_time_begins():
    times = meeting_times(_plan(date(2026, 3, 19)), OSLO)

    assert [t.astimezone(OSLO).strftime("%d.%m %H:%M") for t in times] == [
        "19.03 18:00",
        "26.03 18:00",
        "02.04 18:00",
    ]
    # Summer time began on 29 March: the meeting after it is at 16:00 UTC, not 17:00.
    assert [t.astimezone(UTC).hour for t in times] == [17, 17, 16]


def test_weekly_meetings_stay_at_18_when_summer_time_ends():
    times = meeting_times(_plan(date(2026, 10, 20), count=2), OSLO)

    assert [t.astimezone(OSLO).hour for t in times] == [18, 18]
    # Winter time began on 25 October: an hour more than a week passes between them.
    assert times[1].astimezone(UTC) - times[0].astimezone(UTC) == timedelta(days=7, hours=1)


def test_the_interval_counts_days_and_the_number_of_meetings_is_kept():
    times = meeting_times(_plan(date(2026, 1, 5), count=4, interval_days=2), OSLO)

    assert [t.date() for t in times] == [
        date(2026, 1, 5),
        date(2026, 1, 7),
        date(2026, 1, 9),
        date(2026, 1, 11),
    ]


def test_a_single_meeting_is_one_time():
    assert meeting_times(_plan(date(2026, 5, 4), count=1), OSLO) == [
        datetime(2026, 5, 4, 18, 0, tzinfo=OSLO)
    ]


def test_a_weekly_series_on_working_days_moves_off_christmas_and_new_year():
    plan = MeetingPlan(
        first_day=date(2026, 12, 17),
        start_time=time(18, 0),
        count=3,
        interval_days=7,
        working_days=True,
    )

    days = [moment.date() for moment in meeting_times(plan, OSLO)]

    # 24.12 and 31.12 are Thursdays off: each meeting moves to the next working day.
    assert days == [date(2026, 12, 17), date(2026, 12, 28), date(2027, 1, 4)]
