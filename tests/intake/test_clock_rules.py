"""The response-promise clock (intake.deadlines), pure: elapsed hours, weekends, DST, edges."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from intake.deadlines import ClockState, clock_state, deadline_for, time_left

OSLO = ZoneInfo("Europe/Oslo")
SECOND = timedelta(seconds=1)


def oslo(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=OSLO, fold=fold)


def test_the_deadline_is_48_hours_later_across_a_weekend():
    friday_afternoon = oslo(2026, 3, 13, 15, 30)

    deadline = deadline_for(friday_afternoon, 48)

    assert deadline.astimezone(OSLO) == oslo(2026, 3, 15, 15, 30)
    assert deadline.astimezone(OSLO).strftime("%A") == "Sunday"


def test_across_the_spring_change_the_wall_clock_shows_one_hour_more():
    saturday_noon = oslo(2026, 3, 28, 12, 0)  # CET, the clocks go forward on 29 March

    deadline = deadline_for(saturday_noon, 48)

    assert deadline - saturday_noon == timedelta(hours=48)
    assert deadline.astimezone(OSLO) == oslo(2026, 3, 30, 13, 0)
    assert deadline.astimezone(OSLO).utcoffset() == timedelta(hours=2)


def test_across_the_autumn_change_the_wall_clock_shows_one_hour_less():
    saturday_noon = oslo(2026, 10, 24, 12, 0)  # CEST, the clocks go back on 25 October

    deadline = deadline_for(saturday_noon, 48)

    assert deadline - saturday_noon == timedelta(hours=48)
    assert deadline.astimezone(OSLO) == oslo(2026, 10, 26, 11, 0)
    assert deadline.astimezone(OSLO).utcoffset() == timedelta(hours=1)


def test_the_repeated_autumn_hour_gives_two_different_deadlines():
    first = oslo(2026, 10, 25, 2, 30, fold=0)  # 02:30 CEST
    second = oslo(2026, 10, 25, 2, 30, fold=1)  # 02:30 CET, one hour later

    assert deadline_for(second, 48) - deadline_for(first, 48) == timedelta(hours=1)


def test_a_team_promise_of_a_week_counts_168_hours():
    registered = oslo(2026, 3, 25, 9, 0)

    assert deadline_for(registered, 24 * 7).astimezone(OSLO) == oslo(2026, 4, 1, 10, 0)


def test_the_deadline_is_stored_in_utc():
    assert deadline_for(oslo(2026, 6, 1, 12, 0), 48).tzinfo is UTC


def test_a_naive_registration_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_for(datetime(2026, 3, 1, 12, 0), 48)


DEADLINE = oslo(2026, 3, 30, 13, 0)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        pytest.param(DEADLINE - timedelta(hours=12) - SECOND, ClockState.ON_TIME, id="12h+1s left"),
        pytest.param(DEADLINE - timedelta(hours=12), ClockState.DUE_SOON, id="exactly 12h left"),
        pytest.param(DEADLINE - SECOND, ClockState.DUE_SOON, id="one second left"),
        pytest.param(DEADLINE, ClockState.OVERDUE, id="exactly at the deadline"),
        pytest.param(DEADLINE + timedelta(days=3), ClockState.OVERDUE, id="days late"),
    ],
)
def test_the_clock_state_at_the_edges(now, state):
    assert clock_state(now, DEADLINE, due_soon_hours=12) == state


def test_due_soon_follows_the_teams_setting():
    now = DEADLINE - timedelta(hours=20)

    assert clock_state(now, DEADLINE, due_soon_hours=12) == ClockState.ON_TIME
    assert clock_state(now, DEADLINE, due_soon_hours=24) == ClockState.DUE_SOON


@pytest.mark.parametrize(
    ("stopped_at", "state"),
    [
        pytest.param(DEADLINE - SECOND, ClockState.STOPPED_IN_TIME, id="one second before"),
        pytest.param(DEADLINE, ClockState.STOPPED_LATE, id="exactly at the deadline"),
        pytest.param(DEADLINE + timedelta(hours=5), ClockState.STOPPED_LATE, id="after"),
    ],
)
def test_a_stopped_clock_is_judged_by_when_it_stopped_not_by_now(stopped_at, state):
    much_later = DEADLINE + timedelta(days=30)

    assert clock_state(much_later, DEADLINE, 12, stopped_at=stopped_at) == state


def test_time_left_counts_elapsed_time_across_the_spring_change():
    now = oslo(2026, 3, 29, 1, 0)  # CET; one hour later it is 03:00 CEST

    assert time_left(now, oslo(2026, 3, 29, 3, 0)) == timedelta(hours=1)


def test_oslo_times_on_both_sides_of_the_autumn_change_are_compared_by_elapsed_time():
    deadline = oslo(2026, 10, 25, 3, 0)  # CET
    now = oslo(2026, 10, 25, 2, 30, fold=0)  # CEST: 1 h 30 min before the deadline

    assert time_left(now, deadline) == timedelta(minutes=90)
    assert clock_state(now, deadline, due_soon_hours=1) == ClockState.ON_TIME
    assert clock_state(now, deadline, 1, stopped_at=now) == ClockState.STOPPED_IN_TIME
