"""Episode.objects.with_outcome_facts(): what the pure outcome rules read, from the record."""

import datetime

import pytest
from django.utils import timezone

from intake.models import Client
from questionnaires.models import Capture, Instrument
from questionnaires.responses import response_submit
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EpisodeFactory,
    MeetingAttendanceFactory,
    SessionFactory,
)
from treatment.models import Attendance, Episode, SessionPurpose
from treatment.outcomes import Headline, episode_outcome

pytestmark = pytest.mark.django_db


def _answer(client: Client, code: str, total_items: list[int], at: datetime.datetime, by) -> None:
    instrument = Instrument.objects.get(code=code, team=None)
    answers = list(total_items) + ([0] if code == "phq9" else [])
    response_submit(
        client=client,
        instrument=instrument,
        answers=answers,
        capture=Capture.PAPER,
        entered_by=by,
        answered_at=at,
    )


def _scores(client, at, phq9_items, gad7_items, by):
    _answer(client, "phq9", phq9_items, at, by)
    _answer(client, "gad7", gad7_items, at, by)


def test_an_ended_episode_with_two_sessions_and_paired_scores_is_classified(personas):
    therapist = personas.therapist
    start = timezone.now() - datetime.timedelta(days=60)
    episode = EpisodeFactory(team=personas.team, primary_therapist=therapist, started_at=start)
    # PHQ-9 18, GAD-7 12 at the start; PHQ-9 6, GAD-7 5 at the end: reliable recovery.
    _scores(episode.client, start, [2] * 9, [2] * 6 + [0], therapist)
    for days in (10, 20):
        SessionFactory(
            episode=episode,
            starts_at=start + datetime.timedelta(days=days),
            attendance=Attendance.ATTENDED,
        )
    SessionFactory(  # the assessment does not count as treatment
        episode=episode,
        starts_at=start + datetime.timedelta(days=1),
        purpose=SessionPurpose.ASSESSMENT,
        attendance=Attendance.ATTENDED,
    )
    _scores(
        episode.client,
        start + datetime.timedelta(days=30),
        [1] * 6 + [0] * 3,
        [1] * 5 + [0] * 2,
        therapist,
    )
    Episode.objects.filter(pk=episode.pk).update(
        ended_at=start + datetime.timedelta(days=31), end_reason="completed"
    )

    facts = Episode.objects.with_outcome_facts().get(pk=episode.pk)
    result = episode_outcome(facts)

    assert result.treatment_sessions == 2
    assert result.finished and result.counts
    assert (result.first.phq9, result.first.gad7) == (18, 12)
    assert (result.last.phq9, result.last.gad7) == (6, 5)
    assert result.outcome.headline == Headline.RELIABLE_RECOVERY


def test_course_meetings_count_and_query_count_does_not_grow(personas, django_assert_num_queries):
    therapist = personas.therapist
    course_type = CourseTypeFactory(team=personas.team)
    run = CourseRunFactory(course_type=course_type, created_by=therapist)
    meeting = CourseMeetingFactory(run=run)
    episodes = [EpisodeFactory(team=personas.team, primary_therapist=therapist) for _ in range(3)]
    for episode in episodes:
        MeetingAttendanceFactory(meeting=meeting, episode=episode)
        SessionFactory(episode=episode, attendance=Attendance.ATTENDED)

    with django_assert_num_queries(2):
        outcomes = [episode_outcome(e) for e in Episode.objects.with_outcome_facts()]

    assert [o.treatment_sessions for o in outcomes] == [2, 2, 2]
