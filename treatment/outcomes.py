"""Outcome of one episode by the IAPT / NHS Talking Therapies rules, as FHI used them
(domain.md §4). Pure: no database, no clock. The client page, the discharge flow and every
report call these functions. The caseness cut-offs and reliable-change thresholds are read
from the shipped PHQ-9 and GAD-7 definitions (`caseness_min`, `reliable_change` in
questionnaires/instruments/*.json), the one place they are stated.

D = PHQ-9, A = GAD-7.
- Caseness: D >= 10 or A >= 8.
- Finished: the episode has ended and had at least 2 attended treatment sessions.
- Recovered: a case at first, not a case at last.
- Reliable improvement: D fell by >= 6 or A fell by >= 4, and neither rose by that much;
  reliable deterioration is the mirror. Reliable recovery: recovered and reliably improved.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from questionnaires.scoring import GAD7, PHQ9, shipped_definition

RULE_VERSION = "IAPT 1"  # shown beside every reported rate; change it when a rule changes


def _threshold(code: str, name: str) -> int:
    value = getattr(shipped_definition(code).scoring, name)
    if value is None:  # a shipped definition without it is a packaging error, not a 0
        raise ImproperlyConfigured(f"The shipped {code} definition has no {name}.")
    return int(value)


PHQ9_CASENESS = _threshold(PHQ9, "caseness_min")
GAD7_CASENESS = _threshold(GAD7, "caseness_min")
PHQ9_RELIABLE_CHANGE = _threshold(PHQ9, "reliable_change")
GAD7_RELIABLE_CHANGE = _threshold(GAD7, "reliable_change")
MIN_TREATMENT_SESSIONS = 2


def is_case(phq9: int, gad7: int) -> bool:
    return phq9 >= PHQ9_CASENESS or gad7 >= GAD7_CASENESS


class Headline(StrEnum):
    """The one word for an outcome, most telling first (a badge on the client page)."""

    RELIABLE_RECOVERY = "reliable_recovery"
    RECOVERY = "recovery"
    RELIABLE_IMPROVEMENT = "reliable_improvement"
    RELIABLE_DETERIORATION = "reliable_deterioration"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    NOT_A_CASE = "not_a_case"


@dataclass(frozen=True)
class Outcome:
    caseness_start: bool
    caseness_end: bool
    recovered: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool

    @property
    def headline(self) -> Headline:
        if self.reliable_recovery:
            return Headline.RELIABLE_RECOVERY
        if self.recovered:
            return Headline.RECOVERY
        if self.reliable_deterioration:
            return Headline.RELIABLE_DETERIORATION
        if self.reliable_improvement:
            return Headline.RELIABLE_IMPROVEMENT
        if not self.caseness_start:
            return Headline.NOT_A_CASE
        return Headline.NO_RELIABLE_CHANGE


def classify(first_phq9: int, first_gad7: int, last_phq9: int, last_gad7: int) -> Outcome:
    phq9_change = last_phq9 - first_phq9
    gad7_change = last_gad7 - first_gad7
    phq9_better = phq9_change <= -PHQ9_RELIABLE_CHANGE
    gad7_better = gad7_change <= -GAD7_RELIABLE_CHANGE
    phq9_worse = phq9_change >= PHQ9_RELIABLE_CHANGE
    gad7_worse = gad7_change >= GAD7_RELIABLE_CHANGE
    improvement = (phq9_better or gad7_better) and not (phq9_worse or gad7_worse)
    deterioration = (phq9_worse or gad7_worse) and not (phq9_better or gad7_better)
    case_start = is_case(first_phq9, first_gad7)
    case_end = is_case(last_phq9, last_gad7)
    recovered = case_start and not case_end
    return Outcome(
        caseness_start=case_start,
        caseness_end=case_end,
        recovered=recovered,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        reliable_recovery=recovered and improvement,
    )


@dataclass(frozen=True)
class Score:
    """One PHQ-9 or GAD-7 total; `occasion` groups the ones answered for the same session."""

    occasion: Hashable
    at: datetime
    code: str  # "phq9" or "gad7"
    total: int


@dataclass(frozen=True)
class ScorePoint:
    at: datetime
    phq9: int | None
    gad7: int | None

    @property
    def valid(self) -> bool:
        return self.phq9 is not None and self.gad7 is not None


def score_points(scores: Iterable[Score]) -> list[ScorePoint]:
    """Scores grouped by occasion, oldest first; a later answer on one occasion wins."""
    grouped: dict[Hashable, dict[str, Score]] = {}
    for score in sorted(scores, key=lambda s: s.at):
        grouped.setdefault(score.occasion, {})[score.code] = score
    points = []
    for by_code in grouped.values():
        phq9, gad7 = by_code.get("phq9"), by_code.get("gad7")
        points.append(
            ScorePoint(
                at=min(score.at for score in by_code.values()),
                phq9=phq9.total if phq9 else None,
                gad7=gad7.total if gad7 else None,
            )
        )
    return sorted(points, key=lambda point: point.at)


class Unclassified(StrEnum):
    """Why an episode does not count as a finished, classified episode."""

    STILL_OPEN = "still_open"
    TREATED_ONCE = "treated_once"  # ended with fewer than MIN_TREATMENT_SESSIONS
    NO_PAIRED_SCORES = "no_paired_scores"


class EpisodeFacts(Protocol):
    """What episode_outcome reads; Episode.objects.with_outcome_facts() provides it."""

    @property
    def ended_at(self) -> datetime | None: ...

    @property
    def attended_treatment_sessions(self) -> int: ...

    @property
    def score_points(self) -> Sequence[ScorePoint]: ...


@dataclass(frozen=True)
class EpisodeOutcome:
    treatment_sessions: int
    first: ScorePoint | None
    last: ScorePoint | None
    outcome: Outcome | None  # whenever there are paired scores, also "so far" while open
    finished: bool  # ended with at least MIN_TREATMENT_SESSIONS
    reason: Unclassified | None  # None: finished and classified, it counts in the rates

    @property
    def counts(self) -> bool:
        return self.reason is None


def episode_outcome(episode: EpisodeFacts) -> EpisodeOutcome:
    """First and last valid scores (both measures on one occasion), sessions, finished."""
    valid = [point for point in episode.score_points if point.valid]
    first, last = (valid[0], valid[-1]) if len(valid) >= 2 else (None, None)
    outcome = None
    if first and last and None not in (first.phq9, first.gad7, last.phq9, last.gad7):
        outcome = classify(first.phq9, first.gad7, last.phq9, last.gad7)  # type: ignore[arg-type]
    sessions = episode.attended_treatment_sessions
    finished = episode.ended_at is not None and sessions >= MIN_TREATMENT_SESSIONS
    reason = None
    if episode.ended_at is None:
        reason = Unclassified.STILL_OPEN
    elif not finished:
        reason = Unclassified.TREATED_ONCE
    elif outcome is None:
        reason = Unclassified.NO_PAIRED_SCORES
    return EpisodeOutcome(
        treatment_sessions=sessions,
        first=first,
        last=last,
        outcome=outcome,
        finished=finished,
        reason=reason,
    )


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None


@dataclass(frozen=True)
class Rates:
    """Rates over finished episodes, each with its numerator and denominator."""

    finished: int
    without_paired_scores: int  # finished, but no outcome: data quality
    caseness_start: Rate  # of finished episodes with paired scores
    recovery: Rate  # of those at caseness at start
    reliable_improvement: Rate  # of finished episodes with paired scores
    reliable_deterioration: Rate
    reliable_recovery: Rate  # of those at caseness at start
    rule_version: str = RULE_VERSION


def rates(outcomes: Iterable[EpisodeOutcome]) -> Rates:
    finished = [o for o in outcomes if o.finished]
    paired = [o.outcome for o in finished if o.outcome is not None]
    cases = [o for o in paired if o.caseness_start]
    return Rates(
        finished=len(finished),
        without_paired_scores=len(finished) - len(paired),
        caseness_start=Rate(len(cases), len(paired)),
        recovery=Rate(sum(o.recovered for o in cases), len(cases)),
        reliable_improvement=Rate(sum(o.reliable_improvement for o in paired), len(paired)),
        reliable_deterioration=Rate(sum(o.reliable_deterioration for o in paired), len(paired)),
        reliable_recovery=Rate(sum(o.reliable_recovery for o in cases), len(cases)),
    )
