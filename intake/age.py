"""Age rules for intake. Pure: no database.

RPH is for people aged 16 and older (domain.md §1). Younger people may still be registered,
nobody is turned away, but the contact is flagged so the team helps them onward (school
health service, helsestasjon for ungdom, the GP, BUP).
"""

import datetime

MINIMUM_AGE = 16


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years completed on `day` (someone born on 29 February ages on 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def age_at_contact(
    birth_date: datetime.date | None, recorded_age: int | None, day: datetime.date
) -> int | None:
    """From the birth date; else the age recorded at registration (some give only that)."""
    if birth_date is not None:
        return age_on(birth_date, day)
    return recorded_age


def under_minimum_age(age: int | None) -> bool:
    return age is not None and age < MINIMUM_AGE
