"""Free slots in a therapist's week (pure: no ORM, no clock).

A slot is free when it lies inside a block of working hours, on a day without leave, starts
after `not_before`, and overlaps no booked session. Slots are laid from the start of each
block, one session length apart; a booked session pushes the next slot to its end (rounded
up to the quarter hour), so the offered times are what a clerk would offer on the phone.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

QUARTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Block:
    weekday: int  # Monday 0
    starts: time
    ends: time


@dataclass(frozen=True)
class Away:
    first_day: date
    last_day: date

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class Busy:
    starts_at: datetime
    minutes: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def days(first_day: date, last_day: date) -> Iterator[date]:
    day = first_day
    while day <= last_day:
        yield day
        day += timedelta(days=1)


def working_blocks(
    hours: Sequence[Block], leave: Sequence[Away], first_day: date, last_day: date, zone: tzinfo
) -> Iterator[tuple[datetime, datetime]]:
    """Each working block in the period as aware (start, end), days on leave left out."""
    for day in days(first_day, last_day):
        if any(away.covers(day) for away in leave):
            continue
        for block in sorted(hours, key=lambda b: b.starts):
            if block.weekday == day.weekday():
                yield (
                    datetime.combine(day, block.starts, zone),
                    datetime.combine(day, block.ends, zone),
                )


def _round_up(moment: datetime, base: datetime) -> datetime:
    steps = -(-(moment - base) // QUARTER)
    return base + steps * QUARTER


def free_slots(
    *,
    hours: Sequence[Block],
    leave: Sequence[Away],
    busy: Sequence[Busy],
    first_day: date,
    last_day: date,
    minutes: int,
    not_before: datetime,
    zone: tzinfo,
    limit: int,
) -> list[datetime]:
    """Up to `limit` start times, earliest first."""
    length = timedelta(minutes=minutes)
    found: list[datetime] = []
    ordered = sorted(busy, key=lambda b: b.starts_at)
    for block_start, block_end in working_blocks(hours, leave, first_day, last_day, zone):
        start = block_start
        while start + length <= block_end:
            end = start + length
            clash = next((b for b in ordered if b.starts_at < end and start < b.ends_at), None)
            if clash is not None:
                start = _round_up(clash.ends_at, block_start)
                continue
            if start >= not_before:
                found.append(start)
                if len(found) >= limit:
                    return found
            start = end
    return found


def is_free(slot: datetime, minutes: int, busy: Sequence[Busy]) -> bool:
    end = slot + timedelta(minutes=minutes)
    return not any(b.starts_at < end and slot < b.ends_at for b in busy)
