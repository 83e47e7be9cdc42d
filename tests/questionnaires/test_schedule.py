"""When links and reminders go: lead times in elapsed hours, never 21:00-08:00 Oslo time."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questionnaires.schedule import (
    FINAL_CODES,
    FIRST_CODES,
    MIN_REMINDER_GAP,
    OSLO,
    SendPlan,
    in_quiet_hours,
    send_plan,
    send_time,
    session_codes,
)


def at(text: str) -> datetime:
    """An instant written with its offset, as a clock in Oslo shows it."""
    return datetime.fromisoformat(text)


def plan(now: str, session: str, **team) -> SendPlan | None:
    settings = {"invitation_lead_hours": 24, "reminder_lead_hours": 3, "max_messages": 2} | team
    return send_plan(now=at(now), session_at=at(session), **settings)


def local(when: datetime | None) -> str:
    assert when is not None
    return when.astimezone(OSLO).isoformat(timespec="minutes")


def test_the_link_goes_24_hours_before_and_the_reminder_3_hours_before():
    made = plan("2026-03-02T09:00+01:00", "2026-03-05T13:00+01:00")

    assert made == SendPlan(
        invitation_at=at("2026-03-04T13:00+01:00"), reminder_at=at("2026-03-05T10:00+01:00")
    )


def test_the_team_settings_decide_the_lead_times():
    made = plan(
        "2026-03-02T09:00+01:00",
        "2026-03-05T13:00+01:00",
        invitation_lead_hours=48,
        reminder_lead_hours=2,
    )

    assert made is not None
    assert local(made.invitation_at) == "2026-03-03T13:00+01:00"
    assert local(made.reminder_at) == "2026-03-05T11:00+01:00"


def test_lead_hours_are_elapsed_hours_when_the_clocks_go_forward():
    # Sunday 29 March 2026 the clocks go from 02:00 to 03:00: 24 elapsed hours before
    # Sunday 10:00 is Saturday 09:00 on the wall clock.
    made = plan("2026-03-20T09:00+01:00", "2026-03-29T10:00+02:00")

    assert made is not None
    assert local(made.invitation_at) == "2026-03-28T09:00+01:00"
    assert local(made.reminder_at) == "2026-03-29T08:00+02:00"  # 07:00 is quiet


def test_lead_hours_are_elapsed_hours_when_the_clocks_go_back():
    # Sunday 25 October 2026 the clocks go from 03:00 back to 02:00: 24 elapsed hours before
    # Sunday 10:00 is Saturday 11:00 on the wall clock.
    made = plan("2026-10-20T09:00+02:00", "2026-10-25T10:00+01:00")

    assert made is not None
    assert local(made.invitation_at) == "2026-10-24T11:00+02:00"
    assert local(made.reminder_at) == "2026-10-25T08:00+01:00"


def test_a_time_in_the_quiet_hours_moves_to_08_00_the_next_morning():
    # 24 hours before a 22:30 session is 22:30 the evening before: quiet.
    made = plan("2026-03-02T09:00+01:00", "2026-03-05T22:30+01:00")

    assert made is not None
    assert local(made.invitation_at) == "2026-03-05T08:00+01:00"
    assert local(made.reminder_at) == "2026-03-05T19:30+01:00"


def test_after_midnight_it_moves_to_08_00_the_same_morning_across_the_dst_night():
    # Reminder 3 h before Sunday 08:30 CEST is 05:30, the night the clocks went forward.
    made = plan("2026-03-20T09:00+01:00", "2026-03-29T08:30+02:00")

    assert made is not None
    assert local(made.reminder_at) == "2026-03-29T08:00+02:00"


def test_when_08_00_is_too_late_it_moves_back_to_20_45_the_evening_before():
    # A 07:30 session: the reminder (04:30) cannot wait until 08:00.
    made = plan("2026-03-02T09:00+01:00", "2026-03-05T07:30+01:00")

    assert made is not None
    assert local(made.invitation_at) == "2026-03-04T08:00+01:00"
    assert local(made.reminder_at) == "2026-03-04T20:45+01:00"


def test_a_link_booked_late_in_the_evening_waits_until_08_00():
    made = plan("2026-03-04T22:00+01:00", "2026-03-05T14:00+01:00")

    assert made is not None
    assert local(made.invitation_at) == "2026-03-05T08:00+01:00"
    assert local(made.reminder_at) == "2026-03-05T11:00+01:00"


def test_a_link_already_due_goes_at_once_in_the_daytime():
    made = plan("2026-03-05T10:17+01:00", "2026-03-05T16:00+01:00")

    assert made is not None
    assert made.invitation_at == at("2026-03-05T10:17+01:00")
    assert local(made.reminder_at) == "2026-03-05T13:00+01:00"


def test_no_reminder_comes_less_than_two_hours_after_the_link():
    later = plan("2026-03-05T12:00+01:00", "2026-03-05T14:30+01:00")
    none = plan("2026-03-05T12:00+01:00", "2026-03-05T13:59+01:00")

    assert later is not None and none is not None
    assert later.reminder_at == at("2026-03-05T14:00+01:00")  # not 11:30
    assert none.invitation_at == at("2026-03-05T12:00+01:00")
    assert none.reminder_at is None


def test_no_reminder_when_the_team_allows_one_message_and_nothing_when_none():
    one = plan("2026-03-02T09:00+01:00", "2026-03-05T13:00+01:00", max_messages=1)

    assert one is not None and one.reminder_at is None
    assert plan("2026-03-02T09:00+01:00", "2026-03-05T13:00+01:00", max_messages=0) is None


def test_nothing_goes_when_no_allowed_time_is_left_before_the_session():
    # Booked at 23:00 for 07:00: 08:00 is too late and 20:45 has passed.
    assert plan("2026-03-04T23:00+01:00", "2026-03-05T07:00+01:00") is None
    # A session that has started.
    assert plan("2026-03-05T10:00+01:00", "2026-03-05T10:00+01:00") is None


def test_a_resend_goes_now_not_at_the_lead_time():
    made = send_plan(
        now=at("2026-03-02T11:00+01:00"),
        session_at=at("2026-03-05T13:00+01:00"),
        invitation_lead_hours=24,
        reminder_lead_hours=3,
        max_messages=1,
        immediately=True,
    )

    assert made == SendPlan(invitation_at=at("2026-03-02T11:00+01:00"), reminder_at=None)


def test_a_link_without_a_session_has_no_reminder_and_still_waits_for_the_morning():
    made = send_plan(
        now=at("2026-03-02T23:10+01:00"),
        session_at=None,
        invitation_lead_hours=24,
        reminder_lead_hours=3,
        max_messages=2,
    )

    assert made == SendPlan(invitation_at=at("2026-03-03T08:00+01:00"), reminder_at=None)


def test_the_quiet_hours_start_at_21_00_and_end_at_08_00():
    assert not in_quiet_hours(at("2026-03-05T20:59:59+01:00"))
    assert in_quiet_hours(at("2026-03-05T21:00+01:00"))
    assert in_quiet_hours(at("2026-03-06T07:59:59+01:00"))
    assert not in_quiet_hours(at("2026-03-06T08:00+01:00"))
    # Oslo time, whatever zone the instant is written in.
    assert in_quiet_hours(at("2026-06-01T19:30+00:00"))  # 21:30 CEST


def test_send_time_never_returns_a_time_before_not_before():
    wanted = at("2026-03-05T09:00+01:00")
    not_before = at("2026-03-05T11:00+01:00")

    assert send_time(wanted, not_before=not_before, session_at=None) == not_before


YEAR_2026 = st.datetimes(
    min_value=datetime(2026, 1, 1),  # hypothesis wants naive bounds
    max_value=datetime(2026, 12, 31),
    timezones=st.just(UTC),
)


@given(
    now=YEAR_2026,
    ahead=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=10)),
    invitation_lead=st.integers(min_value=1, max_value=24 * 7),
    reminder_lead=st.integers(min_value=1, max_value=48),
    max_messages=st.integers(min_value=1, max_value=3),
)
def test_every_planned_message_is_in_allowed_hours_before_the_session(
    now, ahead, invitation_lead, reminder_lead, max_messages
):
    session = now + ahead
    made = send_plan(
        now=now,
        session_at=session,
        invitation_lead_hours=invitation_lead,
        reminder_lead_hours=reminder_lead,
        max_messages=max_messages,
    )
    if made is None:
        return
    assert now <= made.invitation_at < session
    assert not in_quiet_hours(made.invitation_at)
    if made.reminder_at is not None:
        assert made.invitation_at + MIN_REMINDER_GAP <= made.reminder_at < session
        assert not in_quiet_hours(made.reminder_at)


@pytest.mark.parametrize(
    ("number", "every", "codes"),
    [
        (1, 0, ("phq9", "gad7")),
        (4, 0, ("phq9", "gad7")),
        (0, 3, ("phq9", "gad7")),
        (2, 3, ("phq9", "gad7")),
        (3, 3, ("phq9", "gad7", "wsas")),
        (6, 3, ("phq9", "gad7", "wsas")),
        (1, 1, ("phq9", "gad7", "wsas")),
    ],
)
def test_wsas_joins_every_nth_treatment_session_and_never_when_the_team_says_0(
    number, every, codes
):
    assert session_codes(number, every) == codes


def test_wsas_goes_with_the_first_and_final_questionnaire_the_survey_only_with_the_final():
    assert FIRST_CODES == ("phq9", "gad7", "wsas")
    assert FINAL_CODES == ("phq9", "gad7", "wsas", "satisfaction")
