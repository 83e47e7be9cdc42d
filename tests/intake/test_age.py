"""The 16-year rule: pure, no database."""

import datetime

import pytest

from intake.age import MINIMUM_AGE, age_on, under_minimum_age


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (datetime.date(2010, 3, 15), datetime.date(2026, 3, 14), 15),
        (datetime.date(2010, 3, 15), datetime.date(2026, 3, 15), 16),
        (datetime.date(2008, 2, 29), datetime.date(2026, 2, 28), 17),
        (datetime.date(2008, 2, 29), datetime.date(2026, 3, 1), 18),
    ],
)
def test_age_counts_whole_years_completed(born, day, age):
    assert age_on(born, day) == age


def test_the_service_is_for_people_aged_16_and_over():
    assert MINIMUM_AGE == 16
    assert under_minimum_age(15)
    assert not under_minimum_age(16)
    assert not under_minimum_age(None)
