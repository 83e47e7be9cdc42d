"""Who may be closed, and which SMS words give the person away. Pure rules."""

import pytest

from intake.models import ContactAttempt
from intake.queue.closing import CloseReason, failed_attempts, health_words_in, may_close

Outcome = ContactAttempt.Outcome


def test_every_outcome_but_reached_counts_as_a_failed_attempt():
    outcomes = [Outcome.NO_ANSWER, Outcome.MESSAGE_LEFT, Outcome.WRONG_NUMBER, Outcome.REACHED]

    assert failed_attempts(outcomes) == 3


@pytest.mark.parametrize(("failed", "allowed"), [(0, False), (2, False), (3, True), (4, True)])
def test_unreachable_needs_the_teams_number_of_failed_attempts(failed, allowed):
    assert may_close(CloseReason.UNREACHABLE, failed, max_attempts=3) is allowed


@pytest.mark.parametrize(
    "reason", [CloseReason.DECLINED, CloseReason.DUPLICATE, CloseReason.HELPED_ONWARD]
)
def test_other_reasons_need_no_attempts(reason):
    assert may_close(reason, 0, max_attempts=3)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hilsen Rask psykisk helsehjelp Fosen", ["psyk", "helse"]),
        ("Hilsen Folkehelsekontoret", ["helse"]),
        ("Gjelder angst og depresjon", ["angst", "depresj"]),
        ("Time hos terapeut", ["terap"]),
        ("Tilbud om rusbehandling", ["rus", "behandl"]),
        ("Hei! Ta kontakt igjen. Hilsen Fosen kommune", []),
        ("Trusler og brus", []),
    ],
)
def test_health_words_are_found_where_others_could_read_them(text, words):
    assert health_words_in(text) == words
