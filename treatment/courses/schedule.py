"""The meetings of a course run: same wall-clock time on every meeting day. Pure."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

MAX_MEETINGS = 52
MAX_INTERVAL_DAYS = 90


@dataclass(frozen=True)
class MeetingPlan:
    first_day: date
    start_time: time
    count: int
    interval_days: int


def meeting_times(plan: MeetingPlan, tz: tzinfo) -> list[datetime]:
    """The start of each meeting, `interval_days` apart in local days, so a meeting at 18:00
    stays at 18:00 when daylight saving time begins or ends between two meetings."""
    return [
        datetime.combine(
            plan.first_day + timedelta(days=plan.interval_days * n), plan.start_time
        ).replace(tzinfo=tz)
        for n in range(plan.count)
    ]
