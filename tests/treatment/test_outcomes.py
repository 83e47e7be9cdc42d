"""The IAPT outcome rules (treatment/outcomes.py) on and around every threshold, the rates'
denominators, the reasons an episode is not classified, and what one episode counts."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from intake.assessments.choices import Step
from tests.intake.assessment_data import completed
from tests.intake.factories import ContactFactory
from tests.treatment.episode_data import episode_of, scores
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EnrolmentFactory,
    MeetingAttendanceFactory,
    OfferFactory,
    SessionFactory,
)
from treatment.models import Attendance, Episode, OfferStart
from treatment.outcomes import (
    Headline,
    ScorePoint,
    Unclassified,
    classify,
    episode_outcome,
    is_case,
    rates,
)

T0 = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.UTC)
phq9 = st.integers(min_value=0, max_value=27)
gad7 = st.integers(min_value=0, max_value=21)


# Caseness --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "a", "case"),
    [(9, 0, False), (10, 0, True), (0, 7, False), (0, 8, True), (9, 7, False), (27, 21, True)],
)
def test_caseness_is_phq9_from_10_or_gad7_from_8(d, a, case):
    assert is_case(d, a) is case
    assert classify(d, a, 0, 0).caseness_start is case
    assert classify(0, 0, d, a).caseness_end is case


# Reliable change, both measures, both directions ------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "improved", "deteriorated"),
    [
        # PHQ-9: a change of 6 is reliable, 5 is not.
        ((15, 5), (10, 5), False, False),
        ((15, 5), (9, 5), True, False),
        ((5, 5), (10, 5), False, False),
        ((5, 5), (11, 5), False, True),
        # GAD-7: a change of 4 is reliable, 3 is not.
        ((5, 10), (5, 7), False, False),
        ((5, 10), (5, 6), True, False),
        ((5, 3), (5, 6), False, False),
        ((5, 3), (5, 7), False, True),
        # Mixed: one measure reliably better, the other reliably worse: neither.
        ((15, 3), (9, 7), False, False),
        ((5, 10), (11, 6), False, False),
        # One reliably better, the other a little worse: improvement.
        ((15, 3), (9, 6), True, False),
    ],
)
def test_reliable_change_on_and_around_the_thresholds(first, last, improved, deteriorated):
    outcome = classify(*first, *last)

    assert outcome.reliable_improvement is improved
    assert outcome.reliable_deterioration is deteriorated


@pytest.mark.parametrize(
    ("scores_", "recovered", "reliable_recovery", "headline"),
    [
        ((10, 0, 9, 0), True, False, Headline.RECOVERY),  # just over, then just under
        ((16, 0, 9, 0), True, True, Headline.RELIABLE_RECOVERY),
        ((0, 8, 0, 7), True, False, Headline.RECOVERY),
        ((0, 12, 0, 7), True, True, Headline.RELIABLE_RECOVERY),
        ((16, 12, 10, 5), False, False, Headline.RELIABLE_IMPROVEMENT),  # still a case
        ((10, 8, 16, 8), False, False, Headline.RELIABLE_DETERIORATION),
        ((12, 9, 10, 8), False, False, Headline.NO_RELIABLE_CHANGE),
        ((9, 7, 3, 2), False, False, Headline.RELIABLE_IMPROVEMENT),  # improved, never a case
        ((9, 7, 9, 7), False, False, Headline.NOT_A_CASE),
        ((4, 3, 10, 3), False, False, Headline.RELIABLE_DETERIORATION),  # became a case
    ],
)
def test_recovery_and_the_headline(scores_, recovered, reliable_recovery, headline):
    outcome = classify(*scores_)

    assert outcome.recovered is recovered
    assert outcome.reliable_recovery is reliable_recovery
    assert outcome.headline == headline


@given(phq9, gad7, phq9, gad7)
def test_improvement_one_way_is_deterioration_the_other(d1, a1, d2, a2):
    forward, backward = classify(d1, a1, d2, a2), classify(d2, a2, d1, a1)

    assert forward.reliable_improvement == backward.reliable_deterioration
    assert not (forward.reliable_improvement and forward.reliable_deterioration)


@given(phq9, gad7, phq9, gad7)
def test_reliable_recovery_is_recovery_and_reliable_improvement(d1, a1, d2, a2):
    outcome = classify(d1, a1, d2, a2)

    assert outcome.recovered == (is_case(d1, a1) and not is_case(d2, a2))
    assert outcome.reliable_recovery == (outcome.recovered and outcome.reliable_improvement)


# One episode: finished, treated once, missing pairs, still open ---------------------------


@dataclass
class Facts:
    """What episode_outcome reads, without a database."""

    attended_treatment_sessions: int = 2
    ended_at: datetime.datetime | None = T0 + datetime.timedelta(days=60)
    score_points: list[ScorePoint] = field(default_factory=list)


def _point(days: int, d: int | None, a: int | None) -> ScorePoint:
    return ScorePoint(at=T0 + datetime.timedelta(days=days), phq9=d, gad7=a)


PAIRED = [_point(0, 16, 12), _point(30, 12, 9), _point(59, 6, 5)]


def test_a_finished_episode_compares_the_first_and_last_valid_points():
    result = episode_outcome(Facts(score_points=PAIRED))

    assert result.finished and result.counts and result.reason is None
    assert (result.first, result.last) == (PAIRED[0], PAIRED[-1])
    assert result.outcome.headline == Headline.RELIABLE_RECOVERY


def test_points_missing_a_measure_are_skipped_for_first_and_last():
    points = [_point(0, 16, None), _point(1, 16, 12), _point(58, 6, 5), _point(59, None, 12)]

    result = episode_outcome(Facts(score_points=points))

    assert (result.first, result.last) == (points[1], points[2])


def test_treated_once_is_not_finished_and_not_in_the_rates():
    result = episode_outcome(Facts(attended_treatment_sessions=1, score_points=PAIRED))

    assert not result.finished
    assert result.reason == Unclassified.TREATED_ONCE
    assert result.outcome is not None  # the scores are there, the rule leaves it out
    assert rates([result]).finished == 0


@pytest.mark.parametrize(
    "points",
    [
        [_point(0, 16, None), _point(59, 6, None)],  # only PHQ-9
        [_point(0, 16, 12)],  # one valid point
        [_point(0, 16, 12), _point(59, 6, None)],  # the last one lacks GAD-7
        [],
    ],
    ids=["only-phq9", "one-point", "no-pair-at-the-end", "none"],
)
def test_without_two_valid_points_a_finished_episode_has_no_outcome(points):
    result = episode_outcome(Facts(score_points=points))

    assert result.finished
    assert result.outcome is None
    assert result.reason == Unclassified.NO_PAIRED_SCORES
    assert rates([result]).without_paired_scores == 1


def test_an_open_episode_is_still_open_but_has_an_outcome_so_far():
    result = episode_outcome(
        Facts(ended_at=None, attended_treatment_sessions=5, score_points=PAIRED)
    )

    assert result.reason == Unclassified.STILL_OPEN
    assert not result.finished and not result.counts
    assert result.outcome.headline == Headline.RELIABLE_RECOVERY
    assert rates([result]).finished == 0


# Rates -----------------------------------------------------------------------------------


def _finished(first: tuple[int, int], last: tuple[int, int]):
    return episode_outcome(Facts(score_points=[_point(0, *first), _point(59, *last)]))


def test_the_recovery_rate_leaves_out_episodes_that_were_not_cases_at_start():
    outcomes = [
        _finished((16, 12), (5, 4)),  # case, recovered (reliably)
        _finished((12, 6), (11, 6)),  # case, not recovered
        _finished((8, 5), (2, 1)),  # not a case: out of the recovery denominator
        _finished((6, 4), (6, 4)),  # not a case
        episode_outcome(Facts(score_points=[_point(0, 16, None)])),  # no pair
        episode_outcome(Facts(attended_treatment_sessions=1)),  # treated once
        episode_outcome(Facts(ended_at=None)),  # still open
    ]

    result = rates(outcomes)

    assert result.finished == 5
    assert result.without_paired_scores == 1
    assert (result.caseness_start.numerator, result.caseness_start.denominator) == (2, 4)
    assert (result.recovery.numerator, result.recovery.denominator) == (1, 2)
    assert result.recovery.percent == 50.0
    assert (result.reliable_recovery.numerator, result.reliable_recovery.denominator) == (1, 2)
    # Improvement and deterioration are over every finished episode with a pair.
    assert (result.reliable_improvement.numerator, result.reliable_improvement.denominator) == (
        2,
        4,
    )
    assert result.reliable_deterioration.numerator == 0


def test_no_cases_gives_no_percentage_rather_than_a_division_by_zero():
    assert rates([_finished((5, 4), (2, 1))]).recovery.percent is None


# What one episode counts (from the record) -----------------------------------------------


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.mark.django_db
def test_sessions_and_course_meetings_of_parallel_offers_count_in_one_episode(personas):
    p = personas
    episode = episode_of(p, days_ago=60)
    individual = episode.offers.get()
    course = OfferFactory(episode=episode, step=Step.COURSE, start_reason=OfferStart.PARALLEL)
    start = timezone.now() - datetime.timedelta(days=60)
    scores(p.client, start, phq9=15, gad7=10, by=p.therapist)
    SessionFactory(
        episode=episode,
        offer=individual,
        starts_at=start + datetime.timedelta(days=7),
        attendance=Attendance.ATTENDED,
    )
    SessionFactory(  # not attended: does not count
        episode=episode,
        offer=individual,
        starts_at=start + datetime.timedelta(days=14),
        attendance=Attendance.DID_NOT_ATTEND,
    )
    run = CourseRunFactory(course_type=CourseTypeFactory(team=p.team), created_by=p.therapist)
    enrolment = EnrolmentFactory(run=run, episode=episode, offer=course)
    for days in (10, 17):
        meeting = CourseMeetingFactory(run=run, starts_at=start + datetime.timedelta(days=days))
        MeetingAttendanceFactory(meeting=meeting, episode=episode, enrolment=enrolment)
    cancelled = CourseMeetingFactory(
        run=run, starts_at=start + datetime.timedelta(days=24), cancelled=True
    )
    MeetingAttendanceFactory(meeting=cancelled, episode=episode, enrolment=enrolment)
    scores(p.client, start + datetime.timedelta(days=30), phq9=8, gad7=6, by=p.therapist)
    Episode.objects.filter(pk=episode.pk).update(
        ended_at=start + datetime.timedelta(days=31), end_reason="completed"
    )

    result = episode_outcome(Episode.objects.with_outcome_facts().get(pk=episode.pk))

    assert result.treatment_sessions == 3  # one session + two meetings, one episode
    assert result.counts
    assert result.outcome.headline == Headline.RELIABLE_RECOVERY


@pytest.mark.django_db
def test_scores_count_from_the_contact_until_14_days_after_the_end(personas):
    p = personas
    registered = timezone.now() - datetime.timedelta(days=100)
    contact = ContactFactory(team=p.team, client=p.client, registered_at=registered)
    episode = episode_of(p, days_ago=90)
    Episode.objects.filter(pk=episode.pk).update(
        ended_at=timezone.now() - datetime.timedelta(days=30), end_reason="completed"
    )
    assessment = completed(contact=contact, therapist=p.therapist)
    Episode.objects.filter(pk=episode.pk).update(assessment=assessment)
    scores(p.client, _ago(120), phq9=20, gad7=20, by=p.therapist)  # before the contact
    scores(p.client, _ago(99), phq9=15, gad7=10, by=p.therapist)  # the pre-assessment link
    scores(p.client, _ago(20), phq9=5, gad7=4, by=p.therapist)  # 10 days after the end
    scores(p.client, _ago(10), phq9=24, gad7=20, by=p.therapist)  # 20 days after: not ours

    points = Episode.objects.with_outcome_facts().get(pk=episode.pk).score_points

    assert [(point.phq9, point.gad7) for point in points] == [(15, 10), (5, 4)]


@pytest.mark.django_db
def test_the_assessments_scores_count_when_the_contact_was_registered_after_it(personas):
    """Assessed in the call, typed in a few minutes later: the baseline is still the first."""
    p = personas
    held = timezone.now() - datetime.timedelta(days=30)
    contact = ContactFactory(
        team=p.team, client=p.client, registered_at=held + datetime.timedelta(minutes=20)
    )
    episode = episode_of(p, days_ago=30)
    assessment = completed(contact=contact, therapist=p.therapist, held_at=held)
    Episode.objects.filter(pk=episode.pk).update(assessment=assessment)
    scores(p.client, held, phq9=14, gad7=9, by=p.therapist)  # the assessment's own scores
    scores(p.client, _ago(10), phq9=6, gad7=5, by=p.therapist)

    points = Episode.objects.with_outcome_facts().get(pk=episode.pk).score_points

    assert [(point.phq9, point.gad7) for point in points] == [(14, 9), (6, 5)]
