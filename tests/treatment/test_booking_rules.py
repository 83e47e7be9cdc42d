"""Free slots: inside working hours, not on leave, not over a booked session, not too soon."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from treatment.booking.rules import Away, Block, Busy, free_slots, is_free

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = date(2026, 3, 2)
MORNING = [Block(weekday, time(9), time(12)) for weekday in range(5)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), OSLO)


def slots(**changes):
    arguments = {
        "hours": MORNING,
        "leave": [],
        "busy": [],
        "first_day": MONDAY,
        "last_day": MONDAY,
        "minutes": 45,
        "not_before": at(MONDAY, 0),
        "zone": OSLO,
        "limit": 20,
    } | changes
    return [f"{slot:%a %H:%M}" for slot in free_slots(**arguments)]


def test_a_morning_holds_four_sessions_of_45_minutes():
    assert slots() == ["Mon 09:00", "Mon 09:45", "Mon 10:30", "Mon 11:15"]


def test_a_booked_session_pushes_the_next_slot_to_its_end_on_the_quarter():
    busy = [Busy(at(MONDAY, 9, 50), 30)]  # 09:50-10:20

    assert slots(busy=busy) == ["Mon 09:00", "Mon 10:30", "Mon 11:15"]


def test_days_on_leave_and_days_without_hours_offer_nothing():
    week = {"first_day": MONDAY, "last_day": MONDAY + timedelta(days=6), "minutes": 180}
    leave = [Away(MONDAY + timedelta(days=1), MONDAY + timedelta(days=3))]

    assert slots(**week, leave=leave) == ["Mon 09:00", "Fri 09:00"]


def test_nothing_before_not_before_and_no_more_than_the_limit():
    assert slots(not_before=at(MONDAY, 10)) == ["Mon 10:30", "Mon 11:15"]
    assert slots(limit=2) == ["Mon 09:00", "Mon 09:45"]


def test_times_stay_local_across_the_change_to_summer_time():
    sunday_change = date(2026, 3, 29)  # clocks go forward that night
    monday = sunday_change + timedelta(days=1)
    found = free_slots(
        hours=MORNING, leave=[], busy=[], first_day=monday, last_day=monday, minutes=60,
        not_before=at(MONDAY, 0), zone=OSLO, limit=1,
    )  # fmt: skip

    assert found[0].utcoffset() == timedelta(hours=2) and found[0].hour == 9


def test_is_free_allows_back_to_back_but_not_overlap():
    busy = [Busy(at(MONDAY, 10), 45)]

    assert is_free(at(MONDAY, 10, 45), 45, busy)
    assert not is_free(at(MONDAY, 10, 30), 45, busy)
