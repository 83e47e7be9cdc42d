"""Shared by the course tests: a course type, a run with meetings at given times, episodes."""

from datetime import datetime

from rph.accounts.models import Team, User
from tests.intake.factories import ClientFactory
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EnrolmentFactory,
    EpisodeFactory,
)
from treatment.models import CourseKind, CourseRun, CourseType, Enrolment, Episode


def course_type(team: Team, *, drop_in: bool = False, **fields: object) -> CourseType:
    fields.setdefault("kind", CourseKind.DROP_IN_PANIC if drop_in else CourseKind.KID)
    return CourseTypeFactory(team=team, drop_in=drop_in, **fields)


def run_with_meetings(
    team: Team,
    leaders: list[User],
    starts: list[datetime],
    *,
    capacity: int = 12,
    drop_in: bool = False,
    of_type: CourseType | None = None,
) -> CourseRun:
    run = CourseRunFactory(
        course_type=of_type or course_type(team, drop_in=drop_in),
        created_by=leaders[0],
        leaders=leaders,
        capacity=capacity,
    )
    for at in starts:
        CourseMeetingFactory(run=run, starts_at=at)
    return run


def episode(team: Team, therapist: User, **client: object) -> Episode:
    person = ClientFactory(team=team, care_team=[therapist], **client)
    return EpisodeFactory(team=team, primary_therapist=therapist, client=person)


def enrol(run: CourseRun, episodes: list[Episode]) -> list[Enrolment]:
    return [EnrolmentFactory(run=run, episode=one) for one in episodes]
