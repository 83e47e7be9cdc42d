"""Follow-up after the end: when it is due and what counts as relapse (pure)."""

import calendar
from collections.abc import Iterable
from datetime import date


def months_setting(value: str) -> tuple[int, ...]:
    """The team's `follow_up_months` ("", "6", "12", "6,12") as month counts."""
    return tuple(int(part) for part in value.split(",") if part.strip().isdigit())


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31.08 + 6 = 28.02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_relapse(*, case_again: bool, flags: Iterable[str]) -> bool:
    """A case again at follow-up (IAPT caseness), or any risk flag: the team must look."""
    return case_again or any(flags)
