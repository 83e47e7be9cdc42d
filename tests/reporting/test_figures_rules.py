"""The dashboard's pure rules: statistics, the clock, ages, work, weeks and periods."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from reporting.figures.base import median, percentile
from reporting.figures.capacity import capacity_window, weeks_up_to
from reporting.figures.facts import ContactFact
from reporting.figures.intake import hours_between, reached_in_time
from reporting.figures.reach import age_band
from reporting.figures.work import in_work_without_benefits
from reporting.filters import Period, last_twelve_months

OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([5], 5), ([3, 1, 2], 2), ([4, 1, 3, 2], 2.5), ([7, 7, 10, 13, 14], 10)],
)
def test_the_median_is_the_middle_or_the_mean_of_the_two_middle_values(values, expected):
    assert median(values) == expected


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([], 90, None),
        ([12, 24, 60, 96], 90, 96),  # rank ceil(3.6) = 4
        (list(range(1, 11)), 90, 9),  # rank 9 exactly
        (list(range(1, 21)), 90, 18),
        (list(range(1, 12)), 90, 10),  # rank ceil(9.9) = 10
        ([8, 3, 5], 50, 5),
        ([8, 3, 5], 100, 8),
    ],
)
def test_percentiles_use_the_nearest_rank(values, p, expected):
    assert percentile(values, p) == expected


def test_a_percentile_outside_1_to_100_is_an_error():
    with pytest.raises(ValueError):
        percentile([1, 2], 0)


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, "unknown"),
        (15, "under_16"),
        (16, "16_17"),
        (17, "16_17"),
        (18, "18_29"),
        (29, "18_29"),
        (30, "30_39"),
        (59, "50_59"),
        (60, "60_66"),
        (66, "60_66"),
        (67, "67_plus"),
        (99, "67_plus"),
    ],
)
def test_age_bands(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["in_work"], True),
        (["in_work", "student"], True),
        (["in_work", "sick_leave"], False),
        (["in_work", "aap"], False),
        (["in_work", "disability"], False),
        (["job_seeker"], False),
        ([], False),
    ],
)
def test_in_work_without_benefits(statuses, expected):
    assert in_work_without_benefits(statuses) is expected


def _contact(registered, offered=None, status="offered", close_reason=""):
    return ContactFact(
        id=1,
        client_id=1,
        registered_at=registered,
        channel="phone",
        referrer="self",
        status=status,
        close_reason=close_reason,
        offered_at=offered,
        therapist_id=None,
        birth_date=None,
        age_at_contact=None,
        assessed=False,
        assessment_held_at=None,
    )


START = datetime.datetime(2026, 1, 5, 9, tzinfo=OSLO)
HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("contact", "in_time", "decided"),
    [
        (_contact(START, START + 47 * HOUR), True, True),
        # As on the contact page: offered at the deadline itself is late.
        (_contact(START, START + 48 * HOUR), False, True),
        (_contact(START, status="open"), False, True),  # open, past the deadline
        (_contact(START + 200 * HOUR, status="open"), False, False),  # open, time left
        (_contact(START, status="closed", close_reason="unreachable"), False, True),
        (_contact(START, status="closed", close_reason="duplicate"), False, False),
        (_contact(START, status="closed", close_reason="declined"), False, False),
    ],
)
def test_who_was_reached_in_time(contact, in_time, decided):
    now = START + 100 * HOUR

    reached, counted = reached_in_time([contact], 48, now)

    assert (reached == [contact], counted == [contact]) == (in_time, decided)


def test_hours_to_contact_are_elapsed_hours_across_a_dst_change():
    before = datetime.datetime(2026, 3, 28, 12, tzinfo=OSLO)  # the clocks go forward on 29.03
    after = datetime.datetime(2026, 3, 29, 12, tzinfo=OSLO)

    assert hours_between(before, after) == 23


def test_capacity_weeks_are_the_twelve_mondays_up_to_the_last_day():
    weeks = weeks_up_to(datetime.date(2026, 2, 28))  # a Saturday

    assert weeks[0] == datetime.date(2025, 12, 8)
    assert weeks[-1] == datetime.date(2026, 2, 23)
    assert len(weeks) == 12
    assert capacity_window(datetime.date(2026, 2, 28)) == Period(
        datetime.date(2025, 12, 8), datetime.date(2026, 3, 1)
    )


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (datetime.date(2026, 3, 2), datetime.date(2025, 3, 3)),
        (datetime.date(2026, 1, 1), datetime.date(2025, 1, 2)),
        (datetime.date(2028, 2, 29), datetime.date(2027, 3, 1)),
    ],
)
def test_the_default_period_is_the_last_twelve_months(today, first):
    assert last_twelve_months(today) == Period(first, today)


def test_a_period_holds_whole_days_in_norwegian_time():
    period = Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))

    assert period.has_moment(datetime.datetime(2026, 1, 1, 0, 0, tzinfo=OSLO))
    assert period.has_moment(datetime.datetime(2026, 1, 31, 23, 59, tzinfo=OSLO))
    assert not period.has_moment(datetime.datetime(2026, 2, 1, 0, 0, tzinfo=OSLO))
    # 23:30 UTC on 31.12 is already 1 January in Oslo.
    assert period.has_moment(datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC))
