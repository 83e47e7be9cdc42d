"""Individual sessions (timer): booking, moving, cancelling, attendance, and the note.

A booked session gets the client's pre-session PHQ-9 + GAD-7 link and reminder
(questionnaires.outbox); moving it replaces the link, cancelling it closes the link. The note
has an optimistic lock: a save names the version it started from, and a save that lost the
race gets `NoteConflict` with the text saved meanwhile, so nothing is overwritten unseen.
"""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.outbox import occasion_invitation_schedule, occasion_invitations_cancel
from questionnaires.schedule import session_codes
from rph.accounts.models import TeamMembership, User
from rph.accounts.roles import CLINICAL_ROLES
from rph.versioning import StaleVersion, save_if_current
from treatment.models import (
    AFTER_END_PURPOSES,
    TREATMENT_PURPOSES,
    Attendance,
    Episode,
    GuidedSelfHelp,
    Offer,
    Session,
    SessionPurpose,
)

logger = logging.getLogger(__name__)

# Session.duration_minutes allows at most 8 hours: no session that starts earlier can overlap.
LONGEST_SESSION = timedelta(minutes=480)
OCCUPYING = (Attendance.BOOKED, Attendance.ATTENDED)
RECORDABLE = (Attendance.ATTENDED, Attendance.DID_NOT_ATTEND)
# Checked by the services themselves (membership, episode), not by full_clean's lookups.
NOT_CLEANED = [
    "team",
    "episode",
    "offer",
    "guided_self_help",
    "therapist",
    "attendance_recorded_by",
    "note_updated_by",
    "created_by",
]


class NoteConflict(StaleVersion):
    """Someone saved the note after this edit began (rph.versioning, on `note_version`).
    `current` is the session as saved now; the API answers 409 with its text."""

    def __init__(self, current: Session, changed: dict | None = None) -> None:
        super().__init__(
            current,
            changed or {},
            _(
                "Someone else saved this note while you were writing. Their text is shown "
                "below; your text is still in the form. Merge what you need and save again."
            ),
            code="note_conflict",
        )


def overlaps(start: datetime, minutes: int, other_start: datetime, other_minutes: int) -> bool:
    """Whether two appointments share any time (back to back is fine)."""
    return start < other_start + timedelta(
        minutes=other_minutes
    ) and other_start < start + timedelta(minutes=minutes)


@transaction.atomic
def session_book(
    *,
    episode: Episode,
    starts_at: datetime,
    purpose: str,
    mode: str,
    duration_minutes: int,
    location: str,
    therapist: User,
    by: User,
    offer: Offer | None = None,
    guided_self_help: GuidedSelfHelp | None = None,
) -> Session:
    """Book a session in an open episode, or a booster session or follow-up call in an ended
    one (without reopening it); the therapist joins the client's care team."""
    if not episode.is_open and purpose not in AFTER_END_PURPOSES:
        raise ValidationError(
            {
                "purpose": _(
                    "The episode has ended: only a booster session or a follow-up call after "
                    "the end can be booked."
                )
            }
        )
    if episode.is_open and purpose in AFTER_END_PURPOSES:
        raise ValidationError(
            {"purpose": _("A booster session or a call after the end needs an ended episode.")}
        )
    _check_in_future(starts_at)
    _check_belongs(episode, purpose, offer, guided_self_help)
    _check_therapist(episode, therapist)
    session = Session(
        team_id=episode.team_id,
        episode=episode,
        offer=offer,
        guided_self_help=guided_self_help,
        therapist=therapist,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        mode=mode,
        location=location.strip(),
        created_by=by,
    )
    session.full_clean(exclude=NOT_CLEANED)
    _check_free(therapist, starts_at, duration_minutes)
    session.save()
    episode.client.care_team.add(therapist)
    _link_schedule(session, by)
    return session


@transaction.atomic
def session_move(
    *,
    session: Session,
    starts_at: datetime,
    duration_minutes: int,
    therapist: User,
    mode: str,
    location: str,
    by: User,
) -> Session:
    """A new time (or therapist, mode, place) for a booked session; a new time gets a new
    questionnaire link, the old one stops working."""
    current = _lock(session)
    if current.attendance != Attendance.BOOKED:
        raise ValidationError(_("Only a booked session can be moved."))
    if not current.episode.is_open and current.purpose not in AFTER_END_PURPOSES:
        raise ValidationError(_("The episode has ended; sessions can no longer be booked."))
    _check_in_future(starts_at)
    _check_therapist(current.episode, therapist)
    moved = current.starts_at != starts_at
    current.starts_at = starts_at
    current.duration_minutes = duration_minutes
    current.therapist = therapist
    current.mode = mode
    current.location = location.strip()
    current.full_clean(exclude=NOT_CLEANED)
    _check_free(therapist, starts_at, duration_minutes, moving=current)
    current.save(update_fields=["starts_at", "duration_minutes", "therapist", "mode", "location"])
    current.episode.client.care_team.add(therapist)
    if moved:
        occasion_invitations_cancel(occasion=current, reason="the session was moved")
        _link_schedule(current, by)
    return current


@transaction.atomic
def session_cancel(*, session: Session, by_client: bool, reason: str, by: User) -> Session:
    """Cancel a booked session; its questionnaire link and unsent messages go."""
    current = _lock(session)
    if current.attendance != Attendance.BOOKED:
        raise ValidationError(_("Only a booked session can be cancelled."))
    current.attendance = (
        Attendance.CANCELLED_BY_CLIENT if by_client else Attendance.CANCELLED_BY_SERVICE
    )
    current.cancel_reason = reason.strip()
    current.attendance_recorded_at = timezone.now()
    current.attendance_recorded_by = by
    current.full_clean(exclude=NOT_CLEANED)
    current.save(
        update_fields=[
            "attendance",
            "cancel_reason",
            "attendance_recorded_at",
            "attendance_recorded_by",
        ]
    )
    occasion_invitations_cancel(occasion=current, reason="the session was cancelled")
    return current


@transaction.atomic
def session_attendance_record(*, session: Session, attendance: str, by: User) -> Session:
    """Attended or did not attend, from the session's start on; may be corrected."""
    current = _lock(session)
    if attendance not in RECORDABLE:
        raise ValidationError({"attendance": _("Choose attended or did not attend.")})
    if current.attendance not in (Attendance.BOOKED, *RECORDABLE):
        raise ValidationError(_("The session was cancelled; attendance cannot be recorded."))
    if timezone.now() < current.starts_at:
        local = timezone.localtime(current.starts_at)
        raise ValidationError(
            _("Attendance can be recorded from the session's start, %(when)s.")
            % {"when": f"{local:%d.%m.%Y %H:%M}"}
        )
    current.attendance = attendance
    current.attendance_recorded_at = timezone.now()
    current.attendance_recorded_by = by
    current.save(update_fields=["attendance", "attendance_recorded_at", "attendance_recorded_by"])
    return current


def session_note_save(
    *,
    session: Session,
    note: str,
    homework: str,
    version: int,
    by: User,
    modules_done: int | None = None,
    next_step: str = "",
) -> Session:
    """Save the note and homework (and, for a guided self-help follow-up, the progress)
    if nobody saved since `version`; otherwise raise NoteConflict with the saved text."""
    changes: dict[str, object] = {"note": note.strip(), "homework": homework.strip()}
    if session.purpose == SessionPurpose.FOLLOW_UP:
        changes |= {"modules_done": modules_done, "next_step": next_step.strip()}
    _check_note(session, changes)
    try:
        save_if_current(
            session,
            version=version,
            values=changes,
            field="note_version",
            also={"note_updated_at": timezone.now(), "note_updated_by": by},
        )
    except StaleVersion as stale:
        current = Session.objects.select_related("note_updated_by").get(pk=session.pk)
        raise NoteConflict(current, stale.changed) from None
    return session


def _check_note(session: Session, changes: dict[str, object]) -> None:
    errors = {}
    for field in ("note", "homework", "next_step"):
        value = changes.get(field)
        limit = Session._meta.get_field(field).max_length
        if isinstance(value, str) and limit and len(value) > limit:
            errors[field] = _("At most %(limit)d characters.") % {"limit": limit}
    done = changes.get("modules_done")
    total = session.guided_self_help.modules_total if session.guided_self_help else None
    if isinstance(done, int) and done < 0:
        errors["modules_done"] = _("Give a number of modules, 0 or more.")
    elif isinstance(done, int) and total is not None and done > total:
        errors["modules_done"] = _("The programme has %(total)d modules.") % {"total": total}
    if errors:
        raise ValidationError(errors)


def _lock(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("episode__client__team")
        .get(pk=session.pk)
    )


def _check_in_future(starts_at: datetime) -> None:
    # Minutes, as typed: a session booked for the current minute is fine.
    if starts_at < timezone.now().replace(second=0, microsecond=0):
        raise ValidationError({"starts_at": _("The time has already passed.")})


def _check_belongs(
    episode: Episode, purpose: str, offer: Offer | None, self_help: GuidedSelfHelp | None
) -> None:
    errors = {}
    if offer is not None and offer.episode_id != episode.pk:
        errors["offer"] = _("Choose an offer in this episode.")
    if self_help is not None and self_help.episode_id != episode.pk:
        errors["guided_self_help"] = _("Choose guided self-help in this episode.")
    elif self_help is not None and purpose != SessionPurpose.FOLLOW_UP:
        errors["guided_self_help"] = _("Only a follow-up call belongs to guided self-help.")
    if errors:
        raise ValidationError(errors)


def _check_therapist(episode: Episode, therapist: User) -> None:
    if not TeamMembership.objects.filter(
        team_id=episode.team_id, user=therapist, user__is_active=True, role__in=CLINICAL_ROLES
    ).exists():
        raise ValidationError({"therapist": _("Choose a therapist in the team.")})


def _check_free(
    therapist: User, starts_at: datetime, minutes: int, moving: Session | None = None
) -> None:
    # Lock the therapist's row so two bookings for the same therapist are checked one at a
    # time (on SQLite, writes are serialised anyway).
    User.objects.select_for_update().filter(pk=therapist.pk).first()
    nearby = Session.objects.filter(
        therapist=therapist,
        attendance__in=OCCUPYING,
        starts_at__gt=starts_at - LONGEST_SESSION,
        starts_at__lt=starts_at + timedelta(minutes=minutes),
    )
    if moving is not None:
        nearby = nearby.exclude(pk=moving.pk)
    for other in nearby.order_by("starts_at"):
        if overlaps(starts_at, minutes, other.starts_at, other.duration_minutes):
            local = timezone.localtime(other.starts_at)
            raise ValidationError(
                {
                    "starts_at": _(
                        "%(therapist)s already has a session at %(time)s (%(minutes)d min) "
                        "that overlaps this time."
                    )
                    % {
                        "therapist": therapist.get_full_name() or therapist.get_username(),
                        "time": f"{local:%d.%m.%Y %H:%M}",
                        "minutes": other.duration_minutes,
                    }
                }
            )


def _link_schedule(session: Session, by: User) -> None:
    # The session's place among the episode's treatment sessions not cancelled, for the
    # team's WSAS schedule (questionnaires.schedule.session_codes).
    number = (
        Session.objects.filter(
            episode_id=session.episode_id,
            purpose__in=TREATMENT_PURPOSES,
            starts_at__lte=session.starts_at,
        )
        .exclude(attendance__in=(Attendance.CANCELLED_BY_CLIENT, Attendance.CANCELLED_BY_SERVICE))
        .count()
    )
    codes = session_codes(number, session.team.function_every_sessions)
    try:
        with transaction.atomic():  # a savepoint: the booking matters more than the link
            occasion_invitation_schedule(
                client=session.episode.client,
                occasion=session,
                occasion_at=session.starts_at,
                created_by=by,
                instrument_codes=codes,
            )
    except ValidationError:
        # E.g. the team has switched PHQ-9 or GAD-7 off; the booking stands without a link.
        logger.warning("session %s: no questionnaire link created", session.pk)
