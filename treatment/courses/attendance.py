"""Attendance per meeting (drop-in courses add known clients at the meeting) and the
questionnaire links sent before a meeting."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.models import Invitation
from questionnaires.outbox import occasion_invitation_schedule
from rph.accounts.models import User
from treatment.courses.rules import PLACED_STATUSES
from treatment.models import (
    CourseMeeting,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    Episode,
    MeetingAttendance,
)


@dataclass(frozen=True)
class Participant:
    """A row of a meeting's attendance list: enrolled, or a known client at a drop-in."""

    episode: Episode
    enrolment: Enrolment | None
    attended: bool | None  # None: not recorded


def meeting_participants(meeting: CourseMeeting) -> list[Participant]:
    """Everyone given a place on the run, then known clients added at this meeting; two
    queries however many there are."""
    recorded = {
        attendance.episode_id: attendance
        for attendance in meeting.attendances.select_related("episode__client")
    }
    enrolments = (
        Enrolment.objects.filter(run_id=meeting.run_id, status__in=PLACED_STATUSES)
        .select_related("episode__client")
        .order_by("episode__client__last_name", "episode__client__first_name", "pk")
    )
    rows = []
    for enrolment in enrolments:
        attendance = recorded.pop(enrolment.episode_id, None)
        attended = attendance.attended if attendance else None
        rows.append(Participant(enrolment.episode, enrolment, attended))
    walk_ins = sorted(recorded.values(), key=lambda a: (a.episode.client.last_name, a.pk))
    rows += [Participant(a.episode, None, a.attended) for a in walk_ins]
    return rows


def drop_in_candidates(meeting: CourseMeeting) -> models.QuerySet[Episode]:
    """Open episodes of the team not on the meeting's list yet, by the client's name."""
    return (
        Episode.objects.open()
        .filter(team_id=meeting.run.team_id)
        .exclude(meeting_attendances__meeting=meeting)
        .exclude(enrolments__run_id=meeting.run_id, enrolments__status__in=PLACED_STATUSES)
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "pk")
    )


@transaction.atomic
def meeting_attendance_record(
    *,
    meeting: CourseMeeting,
    marks: Mapping[int, bool],
    unregistered: int,
    relatives: int,
    add_episodes: Sequence[Episode] = (),
    by: User,
) -> None:
    """Who came (episode id -> attended); at a drop-in also known clients who came without an
    enrolment, and the number who came without being registered by name; relatives for all."""
    meeting = (
        CourseMeeting.objects.select_for_update()
        .select_related("run__course_type")
        .get(pk=meeting.pk)
    )
    drop_in = meeting.run.course_type.drop_in
    if meeting.cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    now = timezone.now()
    if meeting.starts_at > now:
        raise ValidationError(_("Attendance is recorded once the meeting has begun."))
    if not drop_in and (add_episodes or unregistered):
        raise ValidationError(_("Only drop-in meetings take clients without an enrolment."))
    participants = {p.episode.pk: p for p in meeting_participants(meeting)}
    if set(marks) - set(participants):
        raise ValidationError(_("Someone on the list is not a participant of this meeting."))
    for episode in add_episodes:
        if episode.pk in participants:
            raise ValidationError(_("The client is already on the list."))
        if episode.team_id != meeting.run.team_id or not episode.is_open:
            raise ValidationError(_("Choose an open episode in the team."))
    _attendances_save(meeting, participants, marks, add_episodes, by, now)
    meeting.unregistered_attendees = unregistered
    meeting.relatives = relatives
    meeting.full_clean()
    meeting.save(update_fields=["unregistered_attendees", "relatives"])


def _attendances_save(
    meeting: CourseMeeting,
    participants: Mapping[int, Participant],
    marks: Mapping[int, bool],
    add_episodes: Sequence[Episode],
    by: User,
    now: datetime,
) -> None:
    existing = {a.episode_id: a for a in meeting.attendances.all()}
    changed, new = [], []
    for episode_id, attended in marks.items():
        attendance = existing.get(episode_id)
        if attendance is None:
            enrolment = participants[episode_id].enrolment
            new.append(
                MeetingAttendance(
                    meeting=meeting,
                    episode_id=episode_id,
                    enrolment=enrolment,
                    attended=attended,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif attendance.attended != attended:
            attendance.attended = attended
            attendance.recorded_by = by
            attendance.recorded_at = now
            changed.append(attendance)
    new += [
        MeetingAttendance(
            meeting=meeting, episode=episode, attended=True, recorded_by=by, recorded_at=now
        )
        for episode in add_episodes
    ]
    MeetingAttendance.objects.bulk_update(changed, ["attended", "recorded_by", "recorded_at"])
    MeetingAttendance.objects.bulk_create(new)


# -- Questionnaire links before a meeting -------------------------------------------------


@dataclass(frozen=True)
class LinksSent:
    scheduled: int  # new links made now
    already: int  # participants who had a link for this meeting
    not_sent: int  # no consent to digital questionnaires, or no time left before the meeting


def next_meeting(run: CourseRun, now: datetime | None = None) -> CourseMeeting | None:
    now = now or timezone.now()
    upcoming = run.course_meetings.filter(cancelled=False, starts_at__gt=now)
    return upcoming.order_by("starts_at", "pk").first()


def _clients_with_links(meeting: CourseMeeting, now: datetime) -> set[int]:
    """Clients holding a link for this meeting that still works or was answered."""
    return set(
        Invitation.objects.filter(
            occasion_type=ContentType.objects.get_for_model(CourseMeeting),
            occasion_id=meeting.pk,
        )
        .filter(Q(completed_at__isnull=False) | Q(expires_at__gt=now))
        .values_list("client_id", flat=True)
    )


@transaction.atomic
def meeting_invitations_send(*, meeting: CourseMeeting, by: User) -> LinksSent:
    """PHQ-9 and GAD-7 links before the meeting for every enrolled participant who has none
    yet: pressing twice, or after someone joined, sends nobody a second link."""
    meeting = CourseMeeting.objects.select_for_update().get(pk=meeting.pk)
    now = timezone.now()
    if meeting.cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if meeting.starts_at <= now:
        raise ValidationError(_("The meeting has begun."))
    have = _clients_with_links(meeting, now)
    enrolments = Enrolment.objects.filter(
        run_id=meeting.run_id, status=EnrolmentStatus.ENROLLED
    ).select_related("episode__client__team")
    scheduled = already = not_sent = 0
    for enrolment in enrolments:
        client = enrolment.episode.client
        if client.pk in have:
            already += 1
            continue
        invitation = occasion_invitation_schedule(
            client=client, occasion=meeting, occasion_at=meeting.starts_at, created_by=by
        )
        if invitation is None:
            not_sent += 1
        else:
            scheduled += 1
            have.add(client.pk)
    meeting.invitations_sent_at = now
    meeting.save(update_fields=["invitations_sent_at"])
    return LinksSent(scheduled=scheduled, already=already, not_sent=not_sent)
