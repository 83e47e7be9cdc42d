"""Closing a contact before an assessment was offered. Pure rules: no database.

A person may only be closed as unreachable after the team's number of failed attempts;
the other reasons (declined, duplicate, helped onward) need no attempts at all.
"""

import re
from collections.abc import Iterable

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from intake.models import ContactAttempt

Outcome = ContactAttempt.Outcome

# Every outcome but "reached" counts as a failed attempt to reach the person.
FAILED_OUTCOMES = frozenset({Outcome.NO_ANSWER, Outcome.MESSAGE_LEFT, Outcome.WRONG_NUMBER})


class CloseReason(TextChoices):
    UNREACHABLE = "unreachable", _("Could not be reached")
    DECLINED = "declined", _("Declined help from the team")
    DUPLICATE = "duplicate", _("Duplicate registration")
    HELPED_ONWARD = "helped_onward", _("Helped onward to another service")


# Reasons after which the person gets the "how to get back in touch" letter/SMS.
LETTER_REASONS = frozenset({CloseReason.UNREACHABLE, CloseReason.DECLINED})


def failed_attempts(outcomes: Iterable[str]) -> int:
    return sum(1 for outcome in outcomes if outcome in FAILED_OUTCOMES)


def may_close(reason: str, failed: int, max_attempts: int) -> bool:
    return reason != CloseReason.UNREACHABLE or failed >= max_attempts


# Word stems that tell whoever sees the phone's lock screen what the message is about.
_HEALTH_WORDS = re.compile(r"psyk|helse|angst|depresj|terap|behandl|mental|\brus", re.IGNORECASE)


def health_words_in(text: str) -> list[str]:
    """The health words in `text`, lower-cased, in order of appearance, without repeats."""
    return list(dict.fromkeys(m.group(0).lower() for m in _HEALTH_WORDS.finditer(text)))
