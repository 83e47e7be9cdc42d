"""The one working-day calendar: Monday to Friday, Norwegian public holidays off. Pure.

Used by the risk-alert clock (questionnaires/working_hours.py) and by every schedule that
plans days ahead: guided self-help follow-up calls and course meeting series (a team may
switch that off, Team.schedule_on_working_days).

Holidays come from the `holidays` package (Norway). Older versions of it count every Sunday
as a holiday in Norway; we ask for them not to be and skip weekends ourselves. 24 and 31
December are not public holidays in law, but most offices are closed: schedules skip them too
(`closed_days`); the risk-alert clock does not (someone is at work in the morning, and an
alert must not wait longer than the law's holidays make it).
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")
CLOSED_DAYS = ((12, 24), (12, 31))  # (month, day): julaften and nyttårsaften


def is_working_day(day: date, *, closed_days: bool = False) -> bool:
    if closed_days and (day.month, day.day) in CLOSED_DAYS:
        return False
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: date, *, closed_days: bool = False) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day, closed_days=closed_days):
        day += timedelta(days=1)
    return day


def on_working_day(day: date) -> date:
    """For schedules: `day` if it is a working day (24 and 31 December are not), else the
    first working day after it."""
    if is_working_day(day, closed_days=True):
        return day
    return next_working_day(day, closed_days=True)


def moved_to_working_day(moment: datetime) -> datetime:
    """The same Oslo wall-clock time on the first working day on or after `moment`'s day."""
    local = moment.astimezone(OSLO)
    day = on_working_day(local.date())
    return local.replace(year=day.year, month=day.month, day=day.day)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=year, include_sundays=False))
