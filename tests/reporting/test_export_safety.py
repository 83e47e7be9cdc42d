"""What makes an exported file safe to hand over: pure rules, no database."""

import datetime

import pytest

from reporting.exports.safety import (
    MAX_SHIFT_DAYS,
    pseudonym,
    shift_days,
    shifted,
    spreadsheet_safe,
)

KEY = b"en-lang-nok-for-testene-2026"


@pytest.mark.parametrize("text", ["=1+1", "+47 912 34 567", "-5", "@SUM(A1:A9)", "\tx", "\rx"])
def test_a_text_that_could_start_a_formula_gets_a_leading_apostrophe(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["in_work", "2025-01-01", "", "a=b", 5, -5, None, 1.5])
def test_other_values_are_left_as_they_are(value):
    assert spreadsheet_safe(value) == value


def test_a_pseudonym_is_stable_under_one_key_and_unrelated_under_another():
    first = pseudonym(KEY, "client", 42)

    assert first == pseudonym(KEY, "client", 42)
    assert first != pseudonym(b"another-key-entirely-0000", "client", 42)
    assert first != pseudonym(KEY, "client", 43)
    assert first != pseudonym(KEY, "episode", 42)
    assert len(first) == 16 and set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert "42" not in first


def test_every_client_gets_a_date_offset_that_is_never_zero_and_at_most_half_a_year():
    offsets = [shift_days(KEY, client_id) for client_id in range(1, 2000)]

    assert 0 not in offsets
    assert max(abs(days) for days in offsets) <= MAX_SHIFT_DAYS
    assert min(offsets) < 0 < max(offsets)
    assert len(set(offsets)) > 300
    assert shift_days(KEY, 7) == shift_days(KEY, 7)


def test_shifting_moves_a_date_and_leaves_an_unknown_one_unknown():
    assert shifted(datetime.date(2025, 1, 1), -3) == datetime.date(2024, 12, 29)
    assert shifted(None, 10) is None
