"""My caseload (a therapist's open episodes) and supervision (the team's flagged clients).

A row shows the client, the open steps, the next booked session, the last PHQ-9 and GAD-7
with a trend against the score before, and flags that ask for a look:
- RISK: an open (unacknowledged) risk alert for the client.
- DETERIORATION: reliable deterioration so far (treatment.outcomes, first vs last score).
- REVIEW: `team.review_after_sessions` attended treatment sessions or more without reliable
  improvement so far (no paired scores yet counts as none shown).
- HIDDEN_WAIT: open, and more than HIDDEN_WAIT_DAYS since the client was last seen (the last
  attended session or course meeting, or the placement if none).
- SELF_HELP_OVERDUE: the guided self-help follow-up is overdue (treatment.self_help.services).

The rows come from one queryset with a fixed number of queries, however many clients.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.models import RiskAlert
from rph.accounts.models import Team, User
from rph.accounts.roles import LEAD_ROLES, Role
from treatment.models import (
    Attendance,
    Episode,
    EpisodeQuerySet,
    MeetingAttendance,
    Offer,
    Session,
)
from treatment.outcomes import EpisodeOutcome, ScorePoint, episode_outcome
from treatment.self_help.services import follow_up, self_help_queryset

HIDDEN_WAIT_DAYS = 28
# Who sees the whole team's flagged clients: the psychologist (quality and supervision).
SUPERVISION_ROLES = frozenset({Role.PSYCHOLOGIST}) | LEAD_ROLES


class Flag(StrEnum):
    RISK = "risk"
    DETERIORATION = "deterioration"
    REVIEW = "review"
    HIDDEN_WAIT = "hidden_wait"
    SELF_HELP_OVERDUE = "self_help_overdue"


FLAG_LABELS = {
    Flag.RISK: _("Open risk alert"),
    Flag.DETERIORATION: _("Reliable deterioration"),
    Flag.REVIEW: _("Review: no reliable improvement"),
    Flag.HIDDEN_WAIT: _("Not seen for more than %(days)d days"),
    Flag.SELF_HELP_OVERDUE: _("Self-help follow-up overdue"),
}


def flag_label(flag: Flag) -> str:
    return str(FLAG_LABELS[flag]) % {"days": HIDDEN_WAIT_DAYS}


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"


@dataclass(frozen=True)
class LatestScore:
    total: int
    previous: int | None  # the valid score before, if any

    @property
    def trend(self) -> Trend | None:
        if self.previous is None:
            return None
        if self.total > self.previous:
            return Trend.UP
        return Trend.DOWN if self.total < self.previous else Trend.FLAT


def latest_score(values: Sequence[int]) -> LatestScore | None:
    if not values:
        return None
    return LatestScore(total=values[-1], previous=values[-2] if len(values) > 1 else None)


def caseload_flags(
    *,
    open_risk_alert: bool,
    outcome: EpisodeOutcome,
    review_after_sessions: int,
    last_seen_on: date,
    today: date,
    self_help_overdue: bool,
) -> list[Flag]:
    flags = []
    if open_risk_alert:
        flags.append(Flag.RISK)
    if outcome.outcome is not None and outcome.outcome.reliable_deterioration:
        flags.append(Flag.DETERIORATION)
    improved = outcome.outcome is not None and outcome.outcome.reliable_improvement
    if outcome.treatment_sessions >= review_after_sessions and not improved:
        flags.append(Flag.REVIEW)
    if (today - last_seen_on).days > HIDDEN_WAIT_DAYS:
        flags.append(Flag.HIDDEN_WAIT)
    if self_help_overdue:
        flags.append(Flag.SELF_HELP_OVERDUE)
    return flags


@dataclass(frozen=True)
class CaseloadRow:
    episode: Episode
    steps: list[int]
    next_session_at: datetime | None
    phq9: LatestScore | None
    gad7: LatestScore | None
    outcome: EpisodeOutcome
    flags: list[Flag]

    @property
    def flag_labels(self) -> list[str]:
        return [flag_label(flag) for flag in self.flags]


class CaseloadQuerySet(EpisodeQuerySet):
    def mine(self, *, team: Team, user: User) -> "CaseloadQuerySet":
        """Open episodes in `team` where `user` is the primary or a co-therapist."""
        co = Episode.co_therapists.through.objects.filter(user=user).values("episode_id")
        return self.open().filter(Q(primary_therapist=user) | Q(pk__in=co), team=team)

    def of_team(self, team: Team) -> "CaseloadQuerySet":
        return self.open().filter(team=team)

    def with_caseload_facts(self, today: date) -> "CaseloadQuerySet":
        """Everything a CaseloadRow needs, on top of `with_outcome_facts`."""
        sessions = Session.objects.filter(episode=OuterRef("pk"))
        booked = sessions.filter(
            attendance=Attendance.BOOKED, starts_at__gte=timezone.now()
        ).order_by("starts_at")
        attended = sessions.filter(attendance=Attendance.ATTENDED).order_by("-starts_at")
        meetings = MeetingAttendance.objects.filter(
            episode=OuterRef("pk"), attended=True, meeting__cancelled=False
        ).order_by("-meeting__starts_at")
        return (
            self.with_outcome_facts()
            .annotate(
                next_session_at=Subquery(booked.values("starts_at")[:1]),
                last_session_at=Subquery(attended.values("starts_at")[:1]),
                last_meeting_at=Subquery(meetings.values("meeting__starts_at")[:1]),
                open_risk_alert=Exists(RiskAlert.objects.open().filter(client=OuterRef("client"))),
            )
            .select_related("primary_therapist")
            .prefetch_related(
                Prefetch(
                    "offers",
                    queryset=Offer.objects.filter(ended_on__isnull=True).order_by("step"),
                    to_attr="open_offers",
                ),
                Prefetch(
                    "self_help",
                    queryset=self_help_queryset().active().with_follow_up_facts(today),
                    to_attr="active_self_help",
                ),
            )
            .order_by("client__last_name", "client__first_name", "pk")
        )


def caseload_queryset() -> CaseloadQuerySet:
    return CaseloadQuerySet(model=Episode)


def _last_seen_on(episode: Episode) -> date:
    seen = [
        at
        for at in (
            episode.last_session_at,  # type: ignore[attr-defined]
            episode.last_meeting_at,  # type: ignore[attr-defined]
            episode.started_at,
        )
        if at is not None
    ]
    return timezone.localdate(max(seen))


def _values(points: Iterable[ScorePoint], code: str) -> list[int]:
    return [value for point in points if (value := getattr(point, code)) is not None]


def caseload_row(episode: Episode, *, team: Team, today: date) -> CaseloadRow:
    """One row; `episode` comes from `with_caseload_facts`."""
    outcome = episode_outcome(episode)  # type: ignore[arg-type]
    points = episode.score_points
    overdue = any(
        follow_up(self_help, today).overdue
        for self_help in episode.active_self_help  # type: ignore[attr-defined]
    )
    flags = caseload_flags(
        open_risk_alert=episode.open_risk_alert,  # type: ignore[attr-defined]
        outcome=outcome,
        review_after_sessions=team.review_after_sessions,
        last_seen_on=_last_seen_on(episode),
        today=today,
        self_help_overdue=overdue,
    )
    return CaseloadRow(
        episode=episode,
        steps=sorted({offer.step for offer in episode.open_offers}),  # type: ignore[attr-defined]
        next_session_at=episode.next_session_at,  # type: ignore[attr-defined]
        phq9=latest_score(_values(points, "phq9")),
        gad7=latest_score(_values(points, "gad7")),
        outcome=outcome,
        flags=flags,
    )


def caseload_rows(*, team: Team, user: User, today: date) -> list[CaseloadRow]:
    episodes = caseload_queryset().mine(team=team, user=user).with_caseload_facts(today)
    return [caseload_row(episode, team=team, today=today) for episode in episodes]


def supervision_rows(*, team: Team, today: date) -> list[CaseloadRow]:
    """The team's open episodes with at least one flag, most flags first."""
    episodes = caseload_queryset().of_team(team).with_caseload_facts(today)
    rows = [caseload_row(episode, team=team, today=today) for episode in episodes]
    return sorted((row for row in rows if row.flags), key=lambda row: -len(row.flags))
