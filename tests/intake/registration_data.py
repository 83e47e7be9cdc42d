"""Test data for registering contacts: synthetic identity numbers and form data."""

import datetime

import pytest
from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2

from intake.fodselsnummer import SYNTHETIC_MONTH_OFFSET
from rph.accounts.models import Team


@pytest.fixture
def synthetic_numbers(settings):
    """Synthetic numbers (month + 80) can never belong to a real person."""
    settings.FNR_ALLOW_SYNTHETIC = True


def synthetic_fnr(born: datetime.date, *, d_number: bool = False, start: int = 100) -> str:
    day = born.day + (40 if d_number else 0)
    for individual in range(start, 500):
        base = f"{day:02d}{born.month + SYNTHETIC_MONTH_OFFSET:02d}{born:%y}{individual:03d}"
        first = calc_check_digit1(base)
        second = calc_check_digit2(base + first) if first != "10" else "10"
        if "10" not in (first, second):
            return base + first + second
    raise AssertionError("no synthetic number found")


BORN = datetime.date(1990, 5, 17)


def register_form(team: Team, **overrides: object) -> dict[str, object]:
    """What a clerk types for a new person calling in."""
    data: dict[str, object] = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "phone": "+47 412 34 599",
        "email": "",
        "fodselsnummer": "",
        "birth_date": "17.05.1990",
        "age": "",
        "home_municipality": team.municipalities.order_by("pk").first().pk,
        "channel": "phone",
        "referrer": "self",
        "referrer_name": "",
        "concerns": ["anxiety", "sleep"],
        "free_text": "Ringte selv, vil ha hjelp.",
        "consent_call": "on",
        "consent_sms": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
