"""What the discharge page shows before an episode ends: the outcome so far, the sessions,
the first and last scores, and whether a final questionnaire is still missing."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from questionnaires.models import Invitation
from treatment.models import (
    TREATMENT_PURPOSES,
    Attendance,
    Episode,
    MeetingAttendance,
    Session,
)
from treatment.outcomes import EpisodeOutcome, ScorePoint, episode_outcome


def final_scores_missing(
    *, last_scored_at: datetime | None, last_attended_at: datetime | None, lead: timedelta
) -> bool:
    """No valid score at all, or none since the last attended session. A score answered up
    to `lead` (the team's link lead time) before that session was answered for it."""
    if last_scored_at is None:
        return True
    return last_attended_at is not None and last_scored_at < last_attended_at - lead


@dataclass(frozen=True)
class Discharge:
    result: EpisodeOutcome
    first: ScorePoint | None  # the first valid score point (both measures)
    last: ScorePoint | None  # the last one, if there are two or more
    last_attended_at: datetime | None
    final_scores_missing: bool
    pending_final: Invitation | None  # a final questionnaire sent and not answered yet
    booked_ahead: int  # sessions still booked from now on


def discharge_facts(episode: Episode) -> Discharge:
    """`episode` from Episode.objects.with_outcome_facts()."""
    valid = [point for point in episode.score_points if point.valid]
    last_attended_at = _last_attended_at(episode)
    now = timezone.now()
    return Discharge(
        result=episode_outcome(episode),
        first=valid[0] if valid else None,
        last=valid[-1] if len(valid) >= 2 else None,
        last_attended_at=last_attended_at,
        final_scores_missing=final_scores_missing(
            last_scored_at=valid[-1].at if valid else None,
            last_attended_at=last_attended_at,
            lead=timedelta(hours=episode.team.invitation_lead_hours),
        ),
        pending_final=Invitation.objects.filter(
            occasion_type=ContentType.objects.get_for_model(Episode),
            occasion_id=episode.pk,
            completed_at=None,
            expires_at__gt=now,
        )
        .order_by("-created_at", "-pk")
        .first(),
        booked_ahead=Session.objects.filter(
            episode=episode, attendance=Attendance.BOOKED, starts_at__gte=now
        ).count(),
    )


def _last_attended_at(episode: Episode) -> datetime | None:
    session = Session.objects.filter(
        episode=episode, attendance=Attendance.ATTENDED, purpose__in=TREATMENT_PURPOSES
    ).aggregate(at=Max("starts_at"))["at"]
    meeting = MeetingAttendance.objects.filter(
        episode=episode, attended=True, meeting__cancelled=False
    ).aggregate(at=Max("meeting__starts_at"))["at"]
    return max((at for at in (session, meeting) if at is not None), default=None)
