"""The name and phone rules behind duplicate detection: pure, no database."""

import pytest

from intake.registration.duplicates import normalise_name, normalise_phone, similar_names


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Kari Nordmann", "kari nordmann"),
        ("  KARI   nordmann ", "kari nordmann"),
        ("Bjørn-Åge Ærø", "bjorn aage aero"),
        ("Renée Müller", "renee muller"),
        ("O'Brien", "o brien"),
    ],
)
def test_names_are_normalised_for_case_diacritics_and_punctuation(typed, normalised):
    assert normalise_name(typed) == normalised


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kari Nordmann", "kari nordman"),
        ("Kari Nordmann", "KARI NORDMANN"),
        ("Bjørn Ås", "Bjorn As"),
        ("Håkon Sæther", "Haakon Saether"),
        ("Kari Anne Nordmann", "Kari Nordmann"),
        ("Nordmann Kari", "Kari Nordmann"),
        ("Per-Olav Lie", "Per Olav Lie"),
    ],
)
def test_it_finds_names_that_are_probably_the_same_person(a, b):
    assert similar_names(a, b)
    assert similar_names(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kari Hansen", "Kari Olsen"),
        ("Kari Nordmann", "Ola Nordmann"),
        ("Ali Khan", "Ola Hansen"),
        ("Kari Nordmann", ""),
        ("", ""),
    ],
)
def test_it_keeps_different_people_apart(a, b):
    assert not similar_names(a, b)


@pytest.mark.parametrize("typed", ["+47 412 34 567", "41234567", "412 34 567", "0047 41234567"])
def test_phone_numbers_are_compared_in_one_form_however_typed(typed):
    assert normalise_phone(typed) == "+4741234567"


@pytest.mark.parametrize("typed", ["", "abc", "12", None])
def test_something_that_is_no_phone_number_matches_nothing(typed):
    assert normalise_phone(typed) == ""
