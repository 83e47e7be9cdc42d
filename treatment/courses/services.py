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

This module writes course types, runs and meetings; `enrolments` the waitlist, places and
the end of a run; `attendance` the attendance lists and the links before a meeting.
"""

from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from questionnaires.outbox import occasion_invitations_cancel
from rph.accounts.models import Municipality, Team, User
from rph.versioning import check_version, differences
from treatment.courses.rules import STANDARD_TYPES
from treatment.courses.schedule import MAX_INTERVAL_DAYS, MAX_MEETINGS, MeetingPlan, meeting_times
from treatment.episodes.services import is_clinical_member
from treatment.models import HOLDING_PLACE, CourseMeeting, CourseRun, CourseType

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
        for at in meeting_times(
            replace(plan, working_days=team.schedule_on_working_days),
            timezone.get_default_timezone(),
        )
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
    version: int | None = None,
) -> CourseRun:
    """Title, place, time of day, places, municipality and leaders; never fewer places than
    clients holding one. With `version` (what the form read), a save after someone else's
    raises rph.versioning.StaleVersion with the run as saved now, and saves nothing."""
    run = CourseRun.objects.select_for_update().select_related("course_type", "team").get(pk=run.pk)
    if version is not None:
        sent = {"title": title, "location": location, "time_of_day": time_of_day}
        sent |= {"capacity": capacity, "municipality": municipality}
        check_version(run.version, version, current=run, changed=differences(run, sent))
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
    run.version += 1  # under the row lock taken above
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
