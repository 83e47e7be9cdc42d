"""The fødselsnummer wrapper: python-stdnum's rules, Norwegian messages, synthetic numbers
only where allowed, and no way to read sex from a number. No database needed."""

import datetime
import random

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from intake import fodselsnummer
from intake.fodselsnummer import birth_date, is_d_number, normalize, synthetic
from tests.intake.fnr_numbers import number, with_check_digits, with_wrong_check_digit

BORN = datetime.date(1985, 3, 14)
TODAY = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def _message(value: str) -> str:
    with translation.override("nb"), pytest.raises(ValidationError) as raised:
        normalize(value)
    [message] = raised.value.messages
    return message


@pytest.fixture(autouse=True)
def _no_synthetic_numbers(settings):
    settings.FNR_ALLOW_SYNTHETIC = False


def test_a_valid_fodselsnummer_is_accepted_and_carries_the_birth_date():
    valid = number(BORN)

    assert normalize(valid) == valid
    assert birth_date(valid) == BORN
    assert not is_d_number(valid)


def test_spaces_and_dashes_are_removed():
    valid = number(BORN)

    assert normalize(f" {valid[:6]} {valid[6:]} ") == valid
    assert normalize(f"{valid[:6]}-{valid[6:]}") == valid


def test_a_d_number_is_accepted_and_gives_the_real_birth_date():
    d_number = number(BORN, day_offset=40)

    assert d_number[0] == "5"
    assert normalize(d_number) == d_number
    assert is_d_number(d_number)
    assert birth_date(d_number) == BORN


def test_an_h_number_is_accepted_and_gives_the_real_birth_date():
    h_number = number(BORN, month_offset=40)

    assert normalize(h_number) == h_number
    assert birth_date(h_number) == BORN


def test_a_born_in_2000s_number_gets_the_right_century():
    valid = number(datetime.date(2005, 7, 1))

    assert birth_date(normalize(valid)) == datetime.date(2005, 7, 1)


def test_a_synthetic_number_is_refused_where_synthetic_numbers_are_not_allowed():
    made_up = number(BORN, month_offset=80)

    assert _message(made_up) == "Fødselsnummeret er ikke gyldig (fødselsdatoen er ugyldig)."


def test_a_synthetic_number_is_accepted_in_test_systems(settings):
    settings.FNR_ALLOW_SYNTHETIC = True
    made_up = number(BORN, month_offset=80)

    assert normalize(made_up) == made_up
    assert birth_date(made_up) == BORN


def test_a_synthetic_d_number_gives_the_real_birth_date(settings):
    settings.FNR_ALLOW_SYNTHETIC = True
    made_up = number(BORN, day_offset=40, month_offset=80)

    assert birth_date(normalize(made_up)) == BORN


def test_a_synthetic_number_still_needs_correct_check_digits(settings):
    settings.FNR_ALLOW_SYNTHETIC = True
    made_up = with_wrong_check_digit(number(BORN, month_offset=80))

    assert "kontrollsifrene stemmer ikke" in _message(made_up)


def test_generated_synthetic_numbers_are_valid_and_never_real(settings):
    rng = random.Random(7)
    numbers = [synthetic(datetime.date(1950 + n, 1 + n % 12, 1 + n % 28), rng) for n in range(40)]

    assert all(int(n[2:4]) > 80 for n in numbers)  # never a real person's month
    settings.FNR_ALLOW_SYNTHETIC = True
    assert [normalize(n) for n in numbers] == numbers


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            with_wrong_check_digit(number(BORN)),
            "Fødselsnummeret er ikke gyldig (kontrollsifrene stemmer ikke).",
        ),
        (number(BORN)[:-1], "Fødselsnummeret må ha 11 sifre."),
        (number(BORN) + "0", "Fødselsnummeret må ha 11 sifre."),
        ("", "Fødselsnummeret må ha 11 sifre."),
        ("1403850000A", "Fødselsnummeret kan bare inneholde sifre."),
        ("ABCDEFGHIJK", "Fødselsnummeret kan bare inneholde sifre."),
        (with_check_digits("310285"), "Fødselsnummeret er ikke gyldig (fødselsdatoen er ugyldig)."),
    ],
    ids=["check digit", "too short", "too long", "empty", "a letter", "letters", "31 February"],
)
def test_an_invalid_number_gets_a_norwegian_message(value, message):
    assert _message(value).startswith(message)


@time_machine.travel(TODAY, tick=False)
def test_a_birth_date_in_the_future_is_refused():
    unborn = number(datetime.date(2027, 1, 15))

    assert _message(unborn) == "Fødselsnummeret er ikke gyldig (fødselsdatoen er ugyldig)."


@time_machine.travel(TODAY, tick=False)
def test_a_synthetic_number_with_a_birth_date_in_the_future_is_refused(settings):
    settings.FNR_ALLOW_SYNTHETIC = True
    unborn = number(datetime.date(2027, 1, 15), month_offset=80)

    assert _message(unborn) == "Fødselsnummeret er ikke gyldig (fødselsdatoen er ugyldig)."


def test_the_messages_are_english_for_english_users():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        normalize("123")

    assert raised.value.messages == ["The national identity number must have 11 digits."]


def test_the_module_offers_no_way_to_read_sex_from_a_number():
    words = ("gender", "sex", "kjonn", "kjønn")

    assert [name for name in dir(fodselsnummer) if any(w in name.lower() for w in words)] == []
