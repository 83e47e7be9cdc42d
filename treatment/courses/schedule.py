"""The meetings of a course run: same wall-clock time on every meeting day, moved off
weekends and public holidays when the team plans on working days. Pure."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from rph.working_days import on_working_day

MAX_MEETINGS = 52
MAX_INTERVAL_DAYS = 90


@dataclass(frozen=True)
class MeetingPlan:
    first_day: date
    start_time: time
    count: int
    interval_days: int
    working_days: bool = False  # move a meeting off a weekend or a public holiday


def meeting_times(plan: MeetingPlan, tz: tzinfo) -> list[datetime]:
    """The start of each meeting, `interval_days` apart in local days, so a meeting at 18:00
    stays at 18:00 when daylight saving time begins or ends between two meetings."""
    days = [plan.first_day + timedelta(days=plan.interval_days * n) for n in range(plan.count)]
    if plan.working_days:
        days = [on_working_day(day) for day in days]
    return [datetime.combine(day, plan.start_time).replace(tzinfo=tz) for day in days]
