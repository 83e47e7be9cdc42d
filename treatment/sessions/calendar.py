"""A therapist's calendar: their sessions, assessments and the course meetings they lead, for
a day or a week (Monday to Sunday), by Oslo time.

Three queries whatever the number of clients: sessions, assessments, course meetings. The
questionnaire status is annotated, and shown only to clinical roles: clerical staff see the
schedule (who, when, how, where, what for, attendance), never clinical content.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import AssessmentOffer
from questionnaires.occasions import day_bounds, questionnaire_status
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES
from treatment.models import Attendance, CourseMeeting, Session

# An assessment offer has no duration; the calendar shows it as an hour.
ASSESSMENT_MINUTES = 60
CANCELLED = (Attendance.CANCELLED_BY_CLIENT, Attendance.CANCELLED_BY_SERVICE)


class View(StrEnum):
    DAY = "day"
    WEEK = "week"


class Kind(StrEnum):
    SESSION = "session"
    ASSESSMENT = "assessment"
    COURSE = "course"


@dataclass(frozen=True)
class Entry:
    kind: Kind
    starts_at: datetime
    minutes: int
    who: str  # the client, or the course run's title
    purpose: str
    mode: str
    place: str
    attendance: str  # a label, "" when there is nothing to say
    cancelled: bool
    url: str
    questionnaire: str  # a QuestionnaireStatus value, "" for course meetings
    client_id: int | None = None  # None for course meetings

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Day:
    day: date
    entries: list[Entry]


def period(day: date, view: View) -> list[date]:
    """The day itself, or the Monday-to-Sunday week it falls in."""
    if view == View.DAY:
        return [day]
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def step(view: View) -> timedelta:
    return timedelta(days=1 if view == View.DAY else 7)


class CalendarSessionQuerySet(models.QuerySet[Session]):
    def for_calendar(
        self, *, team: Team, therapist: User, start: datetime, end: datetime
    ) -> "CalendarSessionQuerySet":
        """The therapist's sessions in `team` from `start` to `end`, with the client and
        `questionnaire_status`; cancelled ones too (the slot is free again)."""
        return (
            self.filter(team=team, therapist=therapist, starts_at__gte=start, starts_at__lt=end)
            .annotate(questionnaire_status=questionnaire_status(Session))
            .select_related("episode__client")
            .order_by("starts_at", "pk")
        )


def sessions_for_calendar() -> CalendarSessionQuerySet:
    return CalendarSessionQuerySet(model=Session)


def clinicians(team: Team) -> models.QuerySet[User]:
    """Whose calendar can be shown: the team's active clinical staff."""
    return (
        User.objects.filter(
            is_active=True, memberships__team=team, memberships__role__in=CLINICAL_ROLES
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def calendar_days(*, team: Team, therapist: User, days: list[date]) -> list[Day]:
    """Everything in the therapist's calendar on `days`, each day by time."""
    start, end = day_bounds(days[0])[0], day_bounds(days[-1])[1]
    entries = [
        *(
            _session_entry(s)
            for s in sessions_for_calendar().for_calendar(
                team=team, therapist=therapist, start=start, end=end
            )
        ),
        *(_assessment_entry(o) for o in _assessments(team, therapist, start, end)),
        *(_meeting_entry(m) for m in _meetings(team, therapist, start, end)),
    ]
    entries.sort(key=lambda entry: (entry.starts_at, entry.kind))
    by_day: dict[date, list[Entry]] = {day: [] for day in days}
    for entry in entries:
        by_day[timezone.localdate(entry.starts_at)].append(entry)
    return [Day(day, by_day[day]) for day in days]


def _assessments(
    team: Team, therapist: User, start: datetime, end: datetime
) -> models.QuerySet[AssessmentOffer]:
    return (
        AssessmentOffer.objects.filter(
            contact__team=team, therapist=therapist, scheduled_for__gte=start, scheduled_for__lt=end
        )
        .annotate(questionnaire_status=questionnaire_status(AssessmentOffer))
        .select_related("contact__client")
        .order_by("scheduled_for", "pk")
    )


def _meetings(
    team: Team, therapist: User, start: datetime, end: datetime
) -> models.QuerySet[CourseMeeting]:
    return (
        CourseMeeting.objects.filter(
            run__team=team, run__leaders=therapist, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("run")
        .order_by("starts_at", "pk")
    )


def _session_entry(session: Session) -> Entry:
    return Entry(
        kind=Kind.SESSION,
        starts_at=session.starts_at,
        minutes=session.duration_minutes,
        who=str(session.episode.client),
        purpose=session.get_purpose_display(),
        mode=session.get_mode_display(),
        place=session.location,
        attendance=session.get_attendance_display(),
        cancelled=session.attendance in CANCELLED,
        url=reverse("treatment:session_detail", args=[session.pk]),
        questionnaire=session.questionnaire_status,  # type: ignore[attr-defined]
        client_id=session.episode.client_id,
    )


def _assessment_entry(offer: AssessmentOffer) -> Entry:
    return Entry(
        kind=Kind.ASSESSMENT,
        starts_at=offer.scheduled_for,
        minutes=ASSESSMENT_MINUTES,
        who=str(offer.contact.client),
        purpose=_("Assessment"),
        mode=offer.get_mode_display(),
        place="",
        attendance=_("Held") if offer.held_at else "",
        cancelled=False,
        url=reverse("intake:contact_detail", args=[offer.contact_id]),
        questionnaire=offer.questionnaire_status,  # type: ignore[attr-defined]
        client_id=offer.contact.client_id,
    )


def _meeting_entry(meeting: CourseMeeting) -> Entry:
    return Entry(
        kind=Kind.COURSE,
        starts_at=meeting.starts_at,
        minutes=meeting.duration_minutes,
        who=meeting.run.title,
        purpose=_("Course meeting"),
        mode="",
        place=meeting.run.location,
        attendance=_("Cancelled") if meeting.cancelled else "",
        cancelled=meeting.cancelled,
        url=reverse("treatment:course_run_detail", args=[meeting.run_id]),
        questionnaire="",
    )
