"""The overdue rule for guided self-help follow-up (treatment/self_help/services.py), no DB."""

from datetime import date

import pytest

from treatment.self_help.services import follow_up_due_on, follow_up_overdue

GIVEN = date(2026, 3, 2)


def test_before_the_first_call_the_clock_runs_from_the_day_the_material_was_given():
    assert follow_up_due_on(material_given_on=GIVEN, last_call_on=None, every_days=14) == date(
        2026, 3, 16
    )


def test_an_attended_call_restarts_the_clock():
    due = follow_up_due_on(material_given_on=GIVEN, last_call_on=date(2026, 3, 20), every_days=14)
    assert due == date(2026, 4, 3)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2026, 3, 15), False),  # the day before it is due
        (date(2026, 3, 16), False),  # on the due date the call can still be made
        (date(2026, 3, 17), True),  # the day after
        (date(2026, 5, 1), True),
    ],
)
def test_it_is_overdue_from_the_day_after_the_due_date(today, overdue):
    assert follow_up_overdue(today=today, due_on=date(2026, 3, 16), next_booked_on=None) is overdue


@pytest.mark.parametrize(
    ("next_booked_on", "overdue"),
    [
        (date(2026, 3, 20), False),  # booked today: planned
        (date(2026, 3, 21), False),  # booked ahead
        (date(2026, 4, 30), False),  # booked long after the due date still counts as planned
        (date(2026, 3, 19), True),  # booked yesterday and never recorded: not done
    ],
)
def test_a_call_booked_for_today_or_later_means_the_follow_up_is_planned(next_booked_on, overdue):
    today = date(2026, 3, 20)
    result = follow_up_overdue(today=today, due_on=date(2026, 3, 16), next_booked_on=next_booked_on)
    assert result is overdue
