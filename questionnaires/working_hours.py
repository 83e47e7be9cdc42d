"""Working hours: Monday to Friday 08:00-16:00 in Norway, public holidays off. Pure.

Used for the risk-alert escalation clock: an alert nobody has acknowledged after the team's
working hours (Team.risk_escalation_working_hours) goes to the psychologists and team leads.
Hours are counted on the Oslo wall clock. A working day never spans a daylight-saving change
(those happen at night), so a working hour is always an elapsed hour.

The days off are the one working-day calendar's (rph/working_days.py), the same the
schedules use.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rph.working_days import is_working_day, next_working_day

OSLO = ZoneInfo("Europe/Oslo")
DAY_START = time(8, 0)
DAY_END = time(16, 0)


def add_working_hours(start: datetime, hours: int) -> datetime:
    """The moment `hours` working hours after `start`, as an aware Oslo datetime.

    A start outside working hours counts from the beginning of the next working period;
    hours that end exactly at 16:00 end that day, not at 08:00 the next working day.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 0:
        raise ValueError("hours must be a whole number, zero or more")
    moment = _next_working_moment(start.astimezone(OSLO))
    left = timedelta(hours=hours)
    while True:
        day_end = _at(moment.date(), DAY_END)
        available = day_end - moment
        if left <= available:
            return moment + left
        left -= available
        moment = _at(next_working_day(moment.date()), DAY_START)


def _next_working_moment(moment: datetime) -> datetime:
    day = moment.date()
    if is_working_day(day):
        if moment.time() < DAY_START:
            return _at(day, DAY_START)
        if moment.time() < DAY_END:
            return moment
    return _at(next_working_day(day), DAY_START)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=OSLO)
