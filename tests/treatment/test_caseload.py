"""My caseload and supervision: the rows, each flag shown and not shown, pinned query counts."""

import datetime

import pytest
from django.utils import timezone

from questionnaires.models import Capture, Instrument, RiskAlert
from questionnaires.responses import response_submit
from tests.intake.factories import ClientFactory
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EpisodeFactory,
    GuidedSelfHelpFactory,
    MeetingAttendanceFactory,
    OfferFactory,
    SessionFactory,
)
from treatment.caseload.rows import (
    HIDDEN_WAIT_DAYS,
    Flag,
    LatestScore,
    Trend,
    caseload_rows,
    latest_score,
    supervision_rows,
)
from treatment.models import Attendance, SessionPurpose

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - days * DAY


def _today() -> datetime.date:
    return timezone.localdate()


def _items(total: int, scored: int) -> list[int]:
    """`scored` item answers adding up to `total`, highest first."""
    return [min(3, max(0, total - 3 * n)) for n in range(scored)]


def scores(client, at, phq9: int, gad7: int, by, *, risk: bool = False) -> None:
    """A PHQ-9 (item 9 left at 0 unless `risk`) and a GAD-7 entered from paper."""
    phq9_items = [*_items(phq9, 8), 1 if risk else 0, 0]
    if risk:
        phq9_items[0] -= 1
    for code, answers in (("phq9", phq9_items), ("gad7", _items(gad7, 7))):
        response_submit(
            client=client,
            instrument=Instrument.objects.get(code=code, team=None),
            answers=answers,
            capture=Capture.PAPER,
            entered_by=by,
            answered_at=at,
        )


def _episode(personas, *, days_ago: int = 20, therapist=None, **fields):
    therapist = therapist or personas.therapist
    fields.setdefault("client", ClientFactory(team=personas.team, care_team=[therapist]))
    return EpisodeFactory(
        team=personas.team, primary_therapist=therapist, started_at=_ago(days_ago), **fields
    )


def _attended(episode, days_ago: int, purpose=SessionPurpose.TREATMENT):
    return SessionFactory(
        episode=episode, starts_at=_ago(days_ago), attendance=Attendance.ATTENDED, purpose=purpose
    )


def _row(personas, episode, user=None):
    rows = caseload_rows(team=personas.team, user=user or personas.therapist, today=_today())
    return next(row for row in rows if row.episode.pk == episode.pk)


# Who is on the list --------------------------------------------------------------------------


def test_my_caseload_holds_my_open_episodes_as_primary_or_co_therapist(personas):
    mine = _episode(personas)
    shared = _episode(personas, therapist=personas.colleague)
    shared.co_therapists.add(personas.therapist)
    _episode(personas, therapist=personas.colleague)
    ended = _episode(personas)
    ended.ended_at, ended.end_reason = timezone.now(), "completed"
    ended.save()

    rows = caseload_rows(team=personas.team, user=personas.therapist, today=_today())

    assert {row.episode for row in rows} == {mine, shared}


def test_a_row_shows_the_open_steps_and_the_next_booked_session(personas):
    episode = _episode(personas)
    OfferFactory(episode=episode, step=3)
    OfferFactory(episode=episode, step=2)
    OfferFactory(episode=episode, step=1, ended_on=_today(), end_reason="completed")
    soon = timezone.now() + 2 * DAY
    SessionFactory(episode=episode, starts_at=soon + 5 * DAY)
    SessionFactory(episode=episode, starts_at=soon)
    SessionFactory(episode=episode, starts_at=soon - DAY, attendance=Attendance.CANCELLED_BY_CLIENT)

    row = _row(personas, episode)

    assert row.steps == [2, 3]
    assert row.next_session_at == soon


# Scores and trends ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([12], LatestScore(12, None)),
        ([15, 12], LatestScore(12, 15)),
        ([9, 12, 12], LatestScore(12, 12)),
    ],
)
def test_the_latest_score_is_compared_with_the_one_before(values, expected):
    assert latest_score(values) == expected


@pytest.mark.parametrize(
    ("score", "trend"),
    [
        (LatestScore(12, None), None),
        (LatestScore(12, 15), Trend.DOWN),
        (LatestScore(15, 12), Trend.UP),
        (LatestScore(12, 12), Trend.FLAT),
    ],
)
def test_the_trend(score, trend):
    assert score.trend == trend


def test_the_row_has_the_last_phq9_and_gad7_with_their_trends(personas):
    episode = _episode(personas)
    scores(episode.client, _ago(15), 16, 9, personas.therapist)
    scores(episode.client, _ago(5), 11, 9, personas.therapist)

    row = _row(personas, episode)

    assert (row.phq9, row.gad7) == (LatestScore(11, 16), LatestScore(9, 9))


# Flags: each shows when it should and not otherwise ------------------------------------------


def test_an_open_risk_alert_flags_the_client(personas):
    episode = _episode(personas)
    _attended(episode, 3)
    scores(episode.client, _ago(2), 9, 5, personas.therapist, risk=True)

    assert Flag.RISK in _row(personas, episode).flags


def test_an_acknowledged_risk_alert_does_not(personas):
    episode = _episode(personas)
    _attended(episode, 3)
    scores(episode.client, _ago(2), 9, 5, personas.therapist, risk=True)
    RiskAlert.objects.update(acknowledged_at=timezone.now(), acknowledged_by=personas.therapist)

    assert _row(personas, episode).flags == []


def test_reliable_deterioration_so_far_flags_the_client(personas):
    episode = _episode(personas)
    _attended(episode, 3)
    scores(episode.client, _ago(15), 10, 6, personas.therapist)
    scores(episode.client, _ago(2), 16, 6, personas.therapist)  # PHQ-9 up by 6

    assert _row(personas, episode).flags == [Flag.DETERIORATION]


def test_a_rise_short_of_reliable_does_not(personas):
    episode = _episode(personas)
    _attended(episode, 3)
    scores(episode.client, _ago(15), 10, 6, personas.therapist)
    scores(episode.client, _ago(2), 15, 9, personas.therapist)  # +5 and +3

    assert _row(personas, episode).flags == []


def _sessions(episode, n: int) -> None:
    for days_ago in range(n, 0, -1):
        _attended(episode, days_ago)


def test_the_teams_number_of_sessions_without_reliable_improvement_asks_for_a_review(personas):
    episode = _episode(personas)
    scores(episode.client, _ago(19), 14, 10, personas.therapist)
    _sessions(episode, 6)
    scores(episode.client, _ago(1), 12, 9, personas.therapist)

    assert _row(personas, episode).flags == [Flag.REVIEW]


def test_fewer_sessions_or_a_reliable_improvement_do_not(personas):
    early = _episode(personas)
    scores(early.client, _ago(19), 14, 10, personas.therapist)
    _sessions(early, 5)
    better = _episode(personas)
    scores(better.client, _ago(19), 14, 10, personas.therapist)
    _sessions(better, 8)
    scores(better.client, _ago(1), 7, 9, personas.therapist)  # PHQ-9 down by 7

    assert (_row(personas, early).flags, _row(personas, better).flags) == ([], [])


def test_the_review_prompt_follows_the_team_setting(personas):
    personas.team.review_after_sessions = 3
    personas.team.save()
    episode = _episode(personas)
    _sessions(episode, 3)  # and no paired scores: no improvement shown

    assert _row(personas, episode).flags == [Flag.REVIEW]


def test_a_course_meeting_and_a_follow_up_call_count_as_treatment_for_the_review(personas):
    personas.team.review_after_sessions = 2
    personas.team.save()
    episode = _episode(personas)
    _attended(episode, 2, purpose=SessionPurpose.FOLLOW_UP)
    run = CourseRunFactory(
        course_type=CourseTypeFactory(team=personas.team), created_by=personas.therapist
    )
    MeetingAttendanceFactory(
        meeting=CourseMeetingFactory(run=run, starts_at=_ago(1)), episode=episode
    )

    assert _row(personas, episode).flags == [Flag.REVIEW]


def test_more_than_four_weeks_since_the_client_was_last_seen_is_a_hidden_wait(personas):
    seen_long_ago = _episode(personas, days_ago=90)
    _attended(seen_long_ago, HIDDEN_WAIT_DAYS + 1)
    never_seen = _episode(personas, days_ago=HIDDEN_WAIT_DAYS + 1)

    assert _row(personas, seen_long_ago).flags == [Flag.HIDDEN_WAIT]
    assert _row(personas, never_seen).flags == [Flag.HIDDEN_WAIT]


def test_seen_within_four_weeks_is_not(personas):
    session = _episode(personas, days_ago=90)
    _attended(session, HIDDEN_WAIT_DAYS)
    course = _episode(personas, days_ago=90)
    run = CourseRunFactory(
        course_type=CourseTypeFactory(team=personas.team), created_by=personas.therapist
    )
    MeetingAttendanceFactory(
        meeting=CourseMeetingFactory(run=run, starts_at=_ago(7)), episode=course
    )
    placed = _episode(personas, days_ago=HIDDEN_WAIT_DAYS)
    missed = _episode(personas, days_ago=90)
    _attended(missed, 10)
    SessionFactory(episode=missed, starts_at=_ago(2), attendance=Attendance.DID_NOT_ATTEND)

    flags = [_row(personas, e).flags for e in (session, course, placed, missed)]

    assert flags == [[], [], [], []]


def _self_help(episode, given_days_ago: int):
    return GuidedSelfHelpFactory(
        episode=episode,
        material_given_on=_today() - given_days_ago * DAY,
        follow_up_every_days=14,
    )


def test_overdue_guided_self_help_follow_up_flags_the_client(personas):
    episode = _episode(personas)
    _attended(episode, 16, purpose=SessionPurpose.FOLLOW_UP)
    _self_help(episode, 16)

    assert _row(personas, episode).flags == [Flag.SELF_HELP_OVERDUE]


def test_a_booked_follow_up_call_or_an_ended_self_help_does_not(personas):
    booked = _episode(personas)
    _attended(booked, 3)
    planned = _self_help(booked, 16)
    SessionFactory(
        episode=booked,
        guided_self_help=planned,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=timezone.now() + DAY,
    )
    ended = _episode(personas)
    _attended(ended, 3)
    done = _self_help(ended, 16)
    done.ended_on = _today()
    done.save()

    assert (_row(personas, booked).flags, _row(personas, ended).flags) == ([], [])


# Supervision ---------------------------------------------------------------------------------


def test_supervision_lists_the_teams_flagged_clients_most_flags_first(personas):
    quiet = _episode(personas)
    _attended(quiet, 3)
    waiting = _episode(personas, therapist=personas.colleague, days_ago=60)
    risky = _episode(personas, therapist=personas.colleague, days_ago=60)
    scores(risky.client, _ago(1), 9, 5, personas.colleague, risk=True)

    rows = supervision_rows(team=personas.team, today=_today())

    assert [(row.episode, row.flags) for row in rows] == [
        (risky, [Flag.RISK, Flag.HIDDEN_WAIT]),
        (waiting, [Flag.HIDDEN_WAIT]),
    ]
    assert quiet not in {row.episode for row in rows}


# Query counts --------------------------------------------------------------------------------


def _clients_with_everything(personas, n: int) -> None:
    for i in range(n):
        episode = _episode(personas, therapist=personas.therapist if i % 2 else personas.colleague)
        episode.co_therapists.add(personas.therapist)
        OfferFactory(episode=episode, step=1 + i % 3)
        _attended(episode, 40)
        SessionFactory(episode=episode, starts_at=timezone.now() + DAY)
        _self_help(episode, 30)
        scores(episode.client, _ago(15), 12, 9, personas.therapist, risk=i % 3 == 0)
        scores(episode.client, _ago(2), 18, 9, personas.therapist)


@pytest.mark.parametrize("rows", [caseload_rows, supervision_rows])
def test_the_lists_take_the_same_number_of_queries_for_5_and_200_clients(
    personas, django_assert_num_queries, rows
):
    def run():
        kwargs = {"team": personas.team, "today": _today()}
        if rows is caseload_rows:
            kwargs["user"] = personas.therapist
        return rows(**kwargs)

    _clients_with_everything(personas, 5)
    with django_assert_num_queries(4):
        few = run()
    _clients_with_everything(personas, 195)
    with django_assert_num_queries(4):
        many = run()

    assert (len(few), len(many)) == (5, 200)
    assert all(Flag.DETERIORATION in row.flags for row in many)
