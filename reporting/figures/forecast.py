"""The capacity forecast (pure): new contacts expected, therapist hours free, the wait.

Rule version `forecast-1`:

- **Expected new contacts** in a coming week: the mean of the same ISO week in the earlier
  years with data (up to three), times the recent trend: the contacts of the last
  `TREND_WEEKS` weeks against the same weeks in those years. Without earlier years, the mean
  of the last `TREND_WEEKS` weeks. The trend is bounded to 0.5-2 so one odd season cannot
  run away with the forecast.
- **Therapist hours free**: each therapist's working hours that week, days on leave left out,
  times the share of them that can go to clients, less the sessions and assessments already
  booked in that week; never below zero.
- **Expected wait to a first session**, if nothing changes: contacts waiting now and those
  expected are taken in turn, each needing one first session of `FIRST_SESSION_HOURS`, with
  the free hours of each week going to first sessions. The wait is in weeks from the week of
  contact to the week of the first session, or "more than the horizon".
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

RULE_VERSION = "forecast-1"
TREND_WEEKS = 8
EARLIER_YEARS = 3
TREND_BOUNDS = (0.5, 2.0)
FIRST_SESSION_HOURS = 1.0
MIN_WEEKS, MAX_WEEKS, DEFAULT_WEEKS = 4, 12, 8


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def same_week_in(year: int, monday: date) -> date | None:
    """The Monday of the same ISO week number in `year` (None when that year has no week 53)."""
    week = monday.isocalendar().week
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def coming_weeks(today: date, weeks: int) -> list[date]:
    """The Mondays of the next `weeks` weeks, starting with next week."""
    first = monday_of(today) + timedelta(weeks=1)
    return [first + timedelta(weeks=i) for i in range(weeks)]


@dataclass(frozen=True)
class ContactForecast:
    monday: date
    expected: float
    seasonal: float | None  # the mean of the same week in earlier years
    years: tuple[int, ...]  # which earlier years
    trend: float  # 1.0 = as before
    source_weeks: tuple[date, ...]  # the Mondays of the weeks it is built from


def _trend_weeks(today: date) -> list[date]:
    """The last TREND_WEEKS full weeks before this one."""
    this = monday_of(today)
    return [this - timedelta(weeks=n) for n in range(TREND_WEEKS, 0, -1)]


def contact_forecast(
    weekly: Mapping[date, int], today: date, weeks: int, first_data_day: date | None
) -> tuple[list[ContactForecast], float, tuple[int, ...]]:
    """`weekly` maps each Monday to the contacts registered that week (missing: none).

    Returns the forecast per coming week, the trend and the earlier years used. A year
    counts only when the data reaches back to its trend weeks (`first_data_day`)."""
    recent = _trend_weeks(today)
    recent_total = sum(weekly.get(m, 0) for m in recent)
    years: list[int] = []
    earlier_totals: list[int] = []
    for back in range(1, EARLIER_YEARS + 1):
        year = today.year - back
        weeks_then = [same_week_in(year, m) or m - timedelta(weeks=52 * back) for m in recent]
        if first_data_day is None or weeks_then[0] < monday_of(first_data_day):
            continue
        years.append(year)
        earlier_totals.append(sum(weekly.get(m, 0) for m in weeks_then))
    trend = 1.0
    if years and sum(earlier_totals):
        trend = recent_total / (sum(earlier_totals) / len(years))
        trend = min(max(trend, TREND_BOUNDS[0]), TREND_BOUNDS[1])
    result = []
    for monday in coming_weeks(today, weeks):
        same = [(year, same_week_in(year, monday)) for year in years]
        same = [(year, m) for year, m in same if m is not None]
        if same:
            seasonal = sum(weekly.get(m, 0) for _y, m in same) / len(same)
            expected = seasonal * trend
            sources = tuple(m for _y, m in same) + tuple(recent)
            used = tuple(year for year, _m in same)
        else:
            seasonal = None
            expected = recent_total / TREND_WEEKS
            sources = tuple(recent)
            used = ()
        result.append(ContactForecast(monday, round(expected, 1), seasonal, used, trend, sources))
    return result, trend, tuple(years)


@dataclass(frozen=True)
class TherapistWeek:
    """One therapist's week, in minutes."""

    therapist_id: int
    working: int  # inside working hours, leave days left out
    client_share: float  # 0-1
    booked: int  # sessions and assessments booked that week
    leave_days: int

    @property
    def free(self) -> int:
        return max(0, round(self.working * self.client_share) - self.booked)

    # For the page's table.
    @property
    def working_hours(self) -> float:
        return self.working / 60

    @property
    def booked_hours(self) -> float:
        return self.booked / 60

    @property
    def free_hours(self) -> float:
        return self.free / 60

    @property
    def client_percent(self) -> int:
        return round(self.client_share * 100)


def hours_free(weeks: Sequence[TherapistWeek]) -> float:
    return round(sum(w.free for w in weeks) / 60, 1)


@dataclass(frozen=True)
class Wait:
    weeks: int | None  # None: not within the horizon
    queue: float  # contacts ahead in the queue when this one joins


def _served_in(queue: float, slots: Sequence[float], start: int) -> int | None:
    """The index of the week from `start` in which the queue's next person is seen."""
    served = 0.0
    for index in range(start, len(slots)):
        served += slots[index]
        if served >= queue + 1:
            return index
    return None


def expected_waits(
    waiting_now: int, expected: Sequence[float], free_hours: Sequence[float]
) -> tuple[Wait, list[Wait]]:
    """The wait for someone making contact now, and for someone in each coming week.

    Week index 0 is next week. Someone making contact now joins behind those waiting now
    and is seen from next week on; someone making contact in week k joins behind what is
    left of the queue after week k (those before, less the first sessions given) and is
    seen from week k + 1. Waits are in weeks from the week of contact."""
    slots = [hours / FIRST_SESSION_HOURS for hours in free_hours]
    now_index = _served_in(waiting_now, slots, 0)
    now = Wait(None if now_index is None else now_index + 1, float(waiting_now))
    waits = []
    backlog = float(waiting_now)
    for week, arriving in enumerate(expected):
        backlog = max(0.0, backlog + arriving - slots[week])
        seen = _served_in(backlog, slots, week + 1)
        waits.append(Wait(None if seen is None else seen - week, round(backlog, 1)))
    return now, waits
