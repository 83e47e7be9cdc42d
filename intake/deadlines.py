"""The response-promise clock. Pure: no database, times are aware datetimes.

Decision (domain.md §2): the clock counts calendar hours, i.e. elapsed time, from
registration. Arithmetic is done in UTC so a DST change neither adds nor removes an hour:
across the spring change the wall clock shows one hour more, across the autumn one less.
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum


class ClockState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    STOPPED_IN_TIME = "stopped_in_time"
    STOPPED_LATE = "stopped_late"


def deadline_for(registered_at: datetime, promise_hours: int) -> datetime:
    if registered_at.tzinfo is None:
        raise ValueError("registered_at must be timezone-aware")
    return registered_at.astimezone(UTC) + timedelta(hours=promise_hours)


def time_left(now: datetime, deadline: datetime) -> timedelta:
    # In UTC: Python subtracts two datetimes sharing one tzinfo by wall clock, not elapsed time.
    return deadline.astimezone(UTC) - now.astimezone(UTC)


def clock_state(
    now: datetime, deadline: datetime, due_soon_hours: int, stopped_at: datetime | None = None
) -> ClockState:
    """Overdue from the deadline itself; due soon when `due_soon_hours` or less are left."""
    if stopped_at is not None:
        in_time = time_left(stopped_at, deadline) > timedelta(0)
        return ClockState.STOPPED_IN_TIME if in_time else ClockState.STOPPED_LATE
    left = time_left(now, deadline)
    if left <= timedelta(0):
        return ClockState.OVERDUE
    if left <= timedelta(hours=due_soon_hours):
        return ClockState.DUE_SOON
    return ClockState.ON_TIME
