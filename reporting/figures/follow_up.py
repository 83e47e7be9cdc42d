"""Follow-up after the end: response rates per month count (pure; no names, no dates)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FollowUpFact:
    months: int
    sent: bool
    answered: bool
    relapse: bool


@dataclass(frozen=True)
class FollowUpRate:
    months: int
    sent: int
    answered: int
    relapse: int

    @property
    def response_percent(self) -> int | None:
        """Answered of sent, whole per cent rounded half up; None when none was sent."""
        if not self.sent:
            return None
        return (200 * self.answered + self.sent) // (2 * self.sent)


def follow_up_rates(facts: Iterable[FollowUpFact]) -> tuple[FollowUpRate, ...]:
    by_months: dict[int, list[FollowUpFact]] = {}
    for fact in facts:
        by_months.setdefault(fact.months, []).append(fact)
    return tuple(
        FollowUpRate(
            months=months,
            sent=sum(f.sent for f in group),
            answered=sum(f.answered for f in group if f.sent),
            relapse=sum(f.relapse for f in group if f.answered),
        )
        for months, group in sorted(by_months.items())
    )


def fact(months: int, sent_at: datetime | None, answered_at: datetime | None, relapse: bool):
    return FollowUpFact(months, sent_at is not None, answered_at is not None, relapse)
