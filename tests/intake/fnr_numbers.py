"""Made-up national identity numbers with correct check digits, never a real person's.

Individual numbers 0-499 mean born 1900-1999, 500-749 with a year 00-39 born 2000-2039.
"""

import datetime

from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2


def number(
    born: datetime.date, *, day_offset: int = 0, month_offset: int = 0, first_individual: int = 0
) -> str:
    """The first valid number for that birth date from `first_individual` on.

    day_offset=40 makes a D-number, month_offset=40 an H-number, 80 a synthetic number.
    """
    prefix = f"{born.day + day_offset:02d}{born.month + month_offset:02d}{born:%y}"
    first = first_individual if born.year < 2000 else max(first_individual, 500)
    return with_check_digits(prefix, range(first, 500 if born.year < 2000 else 750))


def with_check_digits(prefix: str, individuals: range = range(500)) -> str:
    """Six date digits plus the first individual number that gives valid check digits."""
    for individual in individuals:
        base = f"{prefix}{individual:03d}"
        first = calc_check_digit1(base)
        second = calc_check_digit2(base + first)
        if len(first) == len(second) == 1:
            return base + first + second
    raise ValueError("no valid number")


def with_wrong_check_digit(valid: str) -> str:
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)
