"""Norwegian national identity numbers: fødselsnummer, D-numbers and H-numbers.

Validation is python-stdnum's. We add synthetic test numbers (Skatteetaten's Tenor
convention, month + 80) when settings allow them, and never derive sex from a number:
numbers issued from 2032 will not carry it.
"""

import datetime
import random

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.no import fodselsnummer as stdnum_fnr

SYNTHETIC_MONTH_OFFSET = 80


def _is_synthetic(number: str) -> bool:
    return len(number) == 11 and number.isdigit() and int(number[2:4]) > SYNTHETIC_MONTH_OFFSET


def _validate_synthetic(number: str) -> None:
    if stdnum_fnr.calc_check_digit1(number[:9]) != number[9] or (
        stdnum_fnr.calc_check_digit2(number[:10]) != number[10]
    ):
        raise stdnum_errors.InvalidChecksum
    month = int(number[2:4]) - SYNTHETIC_MONTH_OFFSET
    born = stdnum_fnr.get_birth_date(f"{number[:2]}{month:02d}{number[4:]}")
    # stdnum.validate refuses the unborn; the synthetic path must too.
    if born > timezone.localdate():
        raise stdnum_errors.InvalidComponent


def normalize(value: str) -> str:
    """Return the 11 digits, or raise ValidationError with a message for the user."""
    number = stdnum_fnr.compact(value or "")
    try:
        if settings.FNR_ALLOW_SYNTHETIC and _is_synthetic(number):
            _validate_synthetic(number)
        else:
            stdnum_fnr.validate(number)
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(
            _("The national identity number must have 11 digits."), code="length"
        ) from exc
    except stdnum_errors.InvalidFormat as exc:
        raise ValidationError(
            _("The national identity number may only contain digits."), code="format"
        ) from exc
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("The national identity number is not valid (the check digits do not match)."),
            code="checksum",
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("The national identity number is not valid (the birth date is invalid)."),
            code="invalid",
        ) from exc
    return number


def validate_fodselsnummer(value: str) -> None:
    normalize(value)


def birth_date(number: str) -> datetime.date:
    """Birth date of a valid number (fødselsnummer, D-, H- or synthetic number)."""
    if _is_synthetic(number):
        month = int(number[2:4]) - SYNTHETIC_MONTH_OFFSET
        number = f"{number[:2]}{month:02d}{number[4:]}"
    return stdnum_fnr.get_birth_date(number)


def is_d_number(number: str) -> bool:
    return int(number[0]) >= 4


def synthetic(born: datetime.date, rng: random.Random) -> str:
    """A valid synthetic number (month + 80) that can never belong to a real person."""
    if not 1900 <= born.year <= 1999:
        raise ValueError("synthetic numbers are generated for births 1900-1999")
    while True:
        individual = f"{rng.randrange(0, 500):03d}"
        base = f"{born:%d}{born.month + SYNTHETIC_MONTH_OFFSET:02d}{born:%y}{individual}"
        first = stdnum_fnr.calc_check_digit1(base)
        if first == "10":
            continue
        second = stdnum_fnr.calc_check_digit2(base + first)
        if second == "10":
            continue
        return base + first + second
