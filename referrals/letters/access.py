"""Fetch a letter for a user: the client's access rules decide, and every fetch is logged.

A draft is clinical content: reading one needs clinical access (the care team, or emergency
access). An approved or sent letter's metadata and PDF need only a role that works with the
team's clients, so clerical staff can print and post it. Writing a draft, approving it and
overriding an objection need the care team (CLINICAL_WRITE).
"""

from collections.abc import Callable

from django.http import HttpRequest

from intake.access import get_owned_for_user
from referrals.models import Letter, LetterStatus
from rph.accounts.access import Access, Need


def read_need(letter: Letter) -> Need:
    return Need.CLINICAL_READ if letter.status == LetterStatus.DRAFT else Need.CONTACT_READ


def send_need(letter: Letter) -> Need:
    return Need.CLINICAL_WRITE if letter.status == LetterStatus.DRAFT else Need.CONTACT_WRITE


def get_letter_for_user(
    request: HttpRequest, pk: int, need: Need | Callable[[Letter], Need] = read_need
) -> tuple[Letter, Access]:
    """404 outside the client's team. `need` may depend on the letter (its status)."""
    queryset = Letter.objects.select_related(
        "team", "gp", "drafted_by", "approved_by", "sent_by", "override_by", "episode"
    ).defer("pdf")
    return get_owned_for_user(request, queryset, pk, need)
