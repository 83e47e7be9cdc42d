"""Courses (kurs, step 2): course types, runs with their meetings, the waitlist per course
type, attendance per meeting, questionnaire links before a meeting, and the end of a run.

Rules (product decisions, docs/treatment.md "Courses"):
- A team gets the standard course types (KiD, KiB, introduction, sleep, drop-in panic) the
  first time anyone opens its course page (`course_types_ensure`); it may rename, change or
  switch them off, and add its own.
- A run has two leaders, clinicians of the team; a drop-in run may have one.
- A client waits for a course type (the waitlist, oldest first) and is given a place on a run
  of it while the run has free places and its last meeting has not begun. Places are counted
  with the run's row locked, so two people cannot take the last place at once. Drop-in
  courses need no sign-up: known clients are added at the meeting.
- Enrolling links the enrolment to the episode's open step-2 offer, or starts one.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intake.assessment_choices import Step
from questionnaires.models import Invitation
from questionnaires.outbox import occasion_invitation_schedule, occasion_invitations_cancel
from rph.accounts.models import Municipality, Team, User
from treatment.course_schedule import MAX_INTERVAL_DAYS, MAX_MEETINGS, MeetingPlan, meeting_times
from treatment.episodes import is_clinical_member, offer_add, offer_end
from treatment.models import (
    HOLDING_PLACE,
    CourseKind,
    CourseMeeting,
    CourseRun,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    Episode,
    MeetingAttendance,
    Offer,
    OfferEnd,
    OfferStart,
)

STEP = Step.COURSE
# The standard course types: kind, meetings, drop-in (domain.md §2 step 4; 001).
STANDARD_TYPES = (
    (CourseKind.KID, 8, False),
    (CourseKind.KIB, 8, False),
    (CourseKind.INTRODUCTION, 4, False),
    (CourseKind.SLEEP, 7, False),
    (CourseKind.DROP_IN_PANIC, 1, True),
)
# Enrolments still in play for their course type: one of these per episode and type.
OPEN_STATUSES = (EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED)
# Everyone given a place on a run: the participants on the attendance list.
PLACED_STATUSES = (*HOLDING_PLACE, EnrolmentStatus.DROPPED_OUT)
RUN_ENDINGS = (EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT)


# -- Course types -------------------------------------------------------------------------


def course_types_ensure(team: Team) -> list[CourseType]:
    """Create the standard course types the team does not have yet (by kind; a name the team
    already uses is left alone). Returns those created; idempotent."""
    existing = list(CourseType.objects.filter(team=team).values_list("kind", "name"))
    kinds = {kind for kind, _name in existing}
    names = {name for _kind, name in existing}
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for kind, meetings, drop_in in STANDARD_TYPES:
            name = str(kind.label)
            if kind in kinds or name in names:
                continue
            created.append(
                CourseType(team=team, kind=kind, name=name, meetings=meetings, drop_in=drop_in)
            )
    # Two first visits at once: the second one's rows give way to the first one's.
    return CourseType.objects.bulk_create(created, ignore_conflicts=True)


def _name_taken(team: Team, name: str, course_type: CourseType | None = None) -> bool:
    others = CourseType.objects.filter(team=team, name__iexact=name.strip())
    if course_type is not None:
        others = others.exclude(pk=course_type.pk)
    return others.exists()


def course_type_save(*, course_type: CourseType) -> CourseType:
    """Create or update a course type (its `team` set); the name is unique in the team."""
    if _name_taken(course_type.team, course_type.name, course_type if course_type.pk else None):
        raise ValidationError({"name": [_("The team already has a course type by this name.")]})
    course_type.full_clean()
    course_type.save()
    return course_type


# -- Runs and meetings --------------------------------------------------------------------


def _leader_errors(leaders: list[User], team: Team, drop_in: bool) -> list[str]:
    if len(set(leaders)) != len(leaders):
        return [_("Choose two different leaders.")]
    if drop_in and not 1 <= len(leaders) <= 2:
        return [_("A drop-in course has one or two leaders.")]
    if not drop_in and len(leaders) != 2:
        return [_("A course has two leaders.")]
    if not all(is_clinical_member(leader, team) for leader in leaders):
        return [_("The leaders must be therapists in the team.")]
    return []


def _plan_errors(plan: MeetingPlan) -> list[str]:
    errors = []
    if not 1 <= plan.count <= MAX_MEETINGS:
        errors.append(_("A run has 1 to %(n)d meetings.") % {"n": MAX_MEETINGS})
    if not 1 <= plan.interval_days <= MAX_INTERVAL_DAYS:
        errors.append(_("Meetings are 1 to %(n)d days apart.") % {"n": MAX_INTERVAL_DAYS})
    return errors


@transaction.atomic
def course_run_create(
    *,
    team: Team,
    course_type: CourseType,
    title: str,
    location: str,
    time_of_day: str,
    leaders: list[User],
    capacity: int,
    municipality: Municipality | None,
    plan: MeetingPlan,
    duration_minutes: int,
    created_by: User,
) -> CourseRun:
    """A run and its meetings, at the same local time on each meeting day (Europe/Oslo)."""
    errors: dict[str, list[str]] = {}
    if course_type.team_id != team.pk or not course_type.active:
        errors["course_type"] = [_("Choose one of the team's active course types.")]
    elif leader_errors := _leader_errors(leaders, team, course_type.drop_in):
        errors["leaders"] = leader_errors
    if municipality is not None and not team.municipalities.filter(pk=municipality.pk).exists():
        errors["municipality"] = [_("Choose one of the team's municipalities.")]
    if plan_errors := _plan_errors(plan):
        errors["meetings"] = plan_errors
    if errors:
        raise ValidationError(errors)
    run = CourseRun(
        team=team,
        course_type=course_type,
        title=title,
        location=location,
        time_of_day=time_of_day,
        capacity=capacity,
        municipality=municipality,
        created_by=created_by,
    )
    run.full_clean()
    run.save()
    run.leaders.set(leaders)
    meetings = [
        CourseMeeting(run=run, starts_at=at, duration_minutes=duration_minutes)
        for at in meeting_times(plan, timezone.get_default_timezone())
    ]
    for meeting in meetings:
        meeting.full_clean(exclude=["run"])
    CourseMeeting.objects.bulk_create(meetings)
    return run


@transaction.atomic
def course_run_update(
    *,
    run: CourseRun,
    title: str,
    location: str,
    time_of_day: str,
    capacity: int,
    municipality: Municipality | None,
    leaders: list[User],
) -> CourseRun:
    """Title, place, time of day, places, municipality and leaders; never fewer places than
    clients holding one."""
    run = CourseRun.objects.select_for_update().select_related("course_type", "team").get(pk=run.pk)
    errors: dict[str, list[str]] = {}
    if leader_errors := _leader_errors(leaders, run.team, run.course_type.drop_in):
        errors["leaders"] = leader_errors
    if municipality is not None and not run.team.municipalities.filter(pk=municipality.pk).exists():
        errors["municipality"] = [_("Choose one of the team's municipalities.")]
    holding = run.enrolments.filter(status__in=HOLDING_PLACE).count()
    if capacity < holding:
        errors["capacity"] = [
            _("%(n)d clients already have a place: give at least as many places.") % {"n": holding}
        ]
    if errors:
        raise ValidationError(errors)
    run.title, run.location, run.time_of_day = title, location, time_of_day
    run.capacity, run.municipality = capacity, municipality
    run.full_clean()
    run.save()
    run.leaders.set(leaders)
    return run


def _meeting_moved(meeting: CourseMeeting) -> None:
    """Links sent for the old time stop working; the button sends new ones."""
    occasion_invitations_cancel(occasion=meeting, reason="meeting moved or cancelled")
    meeting.invitations_sent_at = None


@transaction.atomic
def course_meeting_save(
    *, meeting: CourseMeeting, starts_at: datetime, duration_minutes: int, cancelled: bool
) -> CourseMeeting:
    """Add a meeting to a run, or move, shorten or cancel one."""
    if meeting.pk is not None:
        meeting = CourseMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.starts_at != starts_at or (cancelled and not meeting.cancelled):
            _meeting_moved(meeting)
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.cancelled = cancelled
    meeting.full_clean()
    meeting.save()
    return meeting


# -- Enrolment and the waitlist -----------------------------------------------------------


def runs_with_places(runs: models.QuerySet[CourseRun]) -> list[CourseRun]:
    """The runs a client can still join (places free, last meeting not begun), first meeting
    first, with `first_meeting_at`, `enrolled` and `free` set."""
    now = timezone.now()
    runs = (
        runs.with_schedule()  # type: ignore[attr-defined]
        .select_related("course_type")
        .annotate(
            enrolled=models.Count(
                "enrolments", filter=Q(enrolments__status__in=HOLDING_PLACE), distinct=True
            )
        )
        .filter(Q(last_meeting_at__isnull=True) | Q(last_meeting_at__gt=now))
        .order_by("first_meeting_at", "pk")
    )
    result = []
    for run in runs:
        run.free = run.capacity - run.enrolled  # type: ignore[attr-defined]
        if run.free > 0:  # type: ignore[attr-defined]
            result.append(run)
    return result


def _course_offer(episode: Episode, by: User) -> Offer:
    """The episode's open step-2 offer, or a new one: the placement when the episode has no
    offer yet, alongside open offers, else a step up or down from the last step."""
    offers = list(episode.offers.order_by("started_on", "pk"))
    for offer in offers:
        if offer.step == STEP and offer.ended_on is None:
            return offer
    if not offers:
        return Offer.objects.create(
            episode=episode, step=STEP, start_reason=OfferStart.PLACEMENT, created_by=by
        )
    last = offers[-1]
    if any(offer.ended_on is None for offer in offers) or last.step == STEP:
        reason = OfferStart.PARALLEL
    else:
        reason = OfferStart.STEP_UP if last.step < STEP else OfferStart.STEP_DOWN
    return offer_add(
        episode=episode, step=STEP, start_reason=reason, note="", by=by, end_current=None
    )


def _take_place(enrolment: Enrolment, run: CourseRun, now: datetime) -> None:
    """Give the enrolment a place on the run, with the run's row locked while counting."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    if run.course_type_id != enrolment.course_type_id:
        raise ValidationError({"run": [_("Choose a run of the same course type.")]})
    last = run.course_meetings.filter(cancelled=False).order_by("-starts_at").first()
    if last is not None and last.starts_at <= now:
        raise ValidationError({"run": [_("The last meeting of this run has begun.")]})
    holding = run.enrolments.filter(status__in=HOLDING_PLACE).count()
    if holding >= run.capacity:
        raise ValidationError(
            {
                "run": [
                    _("The run is full: all %(places)d places are taken.")
                    % {"places": run.capacity}
                ]
            }
        )
    enrolment.run = run
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.enrolled_at = now


@transaction.atomic
def enrolment_create(
    *, episode: Episode, course_type: CourseType, run: CourseRun | None, by: User
) -> Enrolment:
    """Put the client on the course type's waitlist, or straight on a run with free places."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if not episode.is_open:
        raise ValidationError(_("The episode has ended."))
    if course_type.team_id != episode.team_id or not course_type.active:
        raise ValidationError({"course_type": [_("Choose one of the team's active courses.")]})
    if course_type.drop_in:
        raise ValidationError(
            {
                "course_type": [
                    _("A drop-in course needs no sign-up: add the client at the meeting.")
                ]
            }
        )
    open_ones = episode.enrolments.filter(course_type=course_type, status__in=OPEN_STATUSES)
    if open_ones.exists():
        raise ValidationError(
            {"course_type": [_("The client is already waiting for or enrolled on this course.")]}
        )
    now = timezone.now()
    enrolment = Enrolment(
        episode=episode, course_type=course_type, waiting_since=now, created_by=by
    )
    if run is not None:
        _take_place(enrolment, run, now)
    enrolment.offer = _course_offer(episode, by)
    enrolment.save()
    return enrolment


def _lock_waiting(enrolment: Enrolment) -> Enrolment:
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status != EnrolmentStatus.WAITING:
        raise ValidationError(_("The client is no longer on the waitlist."))
    return current


@transaction.atomic
def enrolment_place(*, enrolment: Enrolment, run: CourseRun) -> Enrolment:
    """From the waitlist onto a run with a free place."""
    enrolment = _lock_waiting(enrolment)
    _take_place(enrolment, run, timezone.now())
    enrolment.save(update_fields=["run", "status", "enrolled_at"])
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Off the waitlist (the client no longer wants the course, or got other help)."""
    enrolment = _lock_waiting(enrolment)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.ended_at = timezone.now()
    enrolment.save(update_fields=["status", "ended_at"])
    return enrolment


# -- Attendance ---------------------------------------------------------------------------


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


# -- The end of a run ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunEnding:
    """One participant at the end of a run: completed or dropped out, and the evaluation."""

    enrolment_id: int
    status: str
    evaluation: int | None


@transaction.atomic
def course_run_complete(*, run: CourseRun, endings: Iterable[RunEnding]) -> int:
    """Record who completed and who dropped out, with their course evaluation (1-6). An
    offer with no other course left in play ends with the course. Returns enrolments changed."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(run=run, status__in=PLACED_STATUSES).select_related(
            "offer__episode"
        )
    }
    endings = list(endings)
    for ending in endings:
        if ending.enrolment_id not in enrolments:
            raise ValidationError(_("Someone on the list is not a participant of this run."))
        if ending.status not in RUN_ENDINGS:
            raise ValidationError(_("Choose completed or dropped out for each participant."))
        if ending.evaluation is not None and not 1 <= ending.evaluation <= 6:
            raise ValidationError(_("The course evaluation is a number from 1 to 6."))
    now = timezone.now()
    changed = []
    for ending in endings:
        enrolment = enrolments[ending.enrolment_id]
        if (enrolment.status, enrolment.evaluation) == (ending.status, ending.evaluation):
            continue
        if enrolment.status != ending.status:
            enrolment.ended_at = now
        enrolment.status = ending.status
        enrolment.evaluation = ending.evaluation
        changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["status", "evaluation", "ended_at"])
    _course_offers_end(changed)
    return len(changed)


def _course_offers_end(enrolments: list[Enrolment]) -> None:
    ended: set[int] = set()
    for enrolment in enrolments:
        offer = enrolment.offer
        if offer is None or offer.ended_on is not None or not offer.episode.is_open:
            continue
        if offer.pk in ended or offer.enrolments.filter(status__in=OPEN_STATUSES).exists():
            continue
        ended.add(offer.pk)
        completed = enrolment.status == EnrolmentStatus.COMPLETED
        offer_end(offer=offer, reason=OfferEnd.COMPLETED if completed else OfferEnd.DROPPED_OUT)
