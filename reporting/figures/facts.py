"""The facts the queries hand over (reporting.dashboard.queries): plain values, no ORM."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reporting.filters import Period
from treatment.outcomes import EpisodeOutcome


@dataclass(frozen=True)
class ContactFact:
    id: int
    client_id: int
    registered_at: datetime
    channel: str
    referrer: str
    status: str
    close_reason: str
    offered_at: datetime | None
    therapist_id: int | None  # who was offered to do the assessment
    birth_date: date | None
    age_at_contact: int | None  # as recorded at registration
    assessed: bool
    assessment_held_at: datetime | None
    sex: str = ""
    education: str = ""
    immigrant_background: str = ""


@dataclass(frozen=True)
class EpisodeFact:
    id: int
    client_id: int
    therapist_id: int
    contact_registered_at: datetime | None  # of the contact that led to the episode
    started_at: datetime
    ended_at: datetime | None
    treatment_start: date | None
    treatment_days: tuple[date, ...]  # attended treatment sessions and course meetings


@dataclass(frozen=True)
class OutcomeFact:
    """An episode that ended in the period, classified by treatment.outcomes."""

    id: int
    client_id: int
    outcome: EpisodeOutcome
    work_start: tuple[str, ...] | None  # None: not recorded
    work_end: tuple[str, ...] | None


@dataclass(frozen=True)
class SessionFact:
    id: int
    client_id: int
    starts_at: datetime
    purpose: str
    attendance: str


@dataclass(frozen=True)
class OfferFact:
    id: int
    client_id: int
    step: int
    started_on: date


@dataclass(frozen=True)
class RunFact:
    id: int
    capacity: int
    taken: int  # places held: enrolled or completed (treatment.models.HOLDING_PLACE)
    drop_in: bool
    meeting_days: tuple[date, ...]  # meetings not cancelled
    client_id: None = None


@dataclass(frozen=True)
class SelfHelpFact:
    id: int
    client_id: int
    given_on: date


@dataclass(frozen=True)
class Facts:
    contacts: Sequence[ContactFact] = ()
    episodes: Sequence[EpisodeFact] = ()
    outcomes: Sequence[OutcomeFact] = ()
    sessions: Sequence[SessionFact] = ()
    offers: Sequence[OfferFact] = ()
    runs: Sequence[RunFact] = ()
    self_help: Sequence[SelfHelpFact] = ()


@dataclass(frozen=True)
class Context:
    period: Period
    now: datetime
    promise_hours: int
    therapists: Mapping[int, str]  # the team's clinicians (or the chosen one), by id
