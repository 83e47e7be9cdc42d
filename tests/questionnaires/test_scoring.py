"""Scoring PHQ-9, GAD-7 and AUDIT-C exactly: bands, proration, risk flags, refusals."""

from fractions import Fraction

import pytest
from django.utils import translation

from questionnaires.definitions import parse_definition
from questionnaires.scoring import (
    AUDITC,
    GAD7,
    PHQ9,
    SELF_HARM,
    SELF_HARM_UNANSWERED,
    Score,
    round_half_up,
    score_answers,
    score_definition,
)
from tests.questionnaires.definition_data import custom_definition


def answers_summing_to(total: int, items: int) -> list[int]:
    """Answers 0-3 that add up to `total`, highest first."""
    values = []
    for _ in range(items):
        value = min(3, total)
        values.append(value)
        total -= value
    assert total == 0
    return values


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_change_exactly_at_their_boundaries(total, band):
    # Item 9 last and 0 so that the boundaries are tested without the risk flag.
    answers = [*answers_summing_to(total, 8), 0] if total <= 24 else [3] * 9

    score = score_answers(PHQ9, answers)

    assert (score.total, score.band, score.prorated) == (total, band, False)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_change_exactly_at_their_boundaries(total, band):
    score = score_answers(GAD7, answers_summing_to(total, 7))

    assert (score.total, score.band, score.prorated) == (total, band, False)


def test_a_complete_phq9_is_scored_as_its_plain_sum():
    score = score_answers(PHQ9, [1, 2, 1, 0, 1, 2, 1, 0, 0])

    assert score == Score(
        total=8,
        raw_sum=8,
        prorated=False,
        band="mild",
        flags=frozenset(),
        answered=9,
        caseness=False,
        cutoffs=frozenset(),
    )


def test_phq9_with_one_missing_item_is_prorated_and_rounded_half_up():
    # 8 answered summing 13: 13 x 9 / 8 = 14.625 -> 15.
    score = score_answers(PHQ9, [3, 2, 2, 2, 2, 1, 1, None, 0])

    assert (score.raw_sum, score.total, score.prorated, score.band) == (
        13,
        15,
        True,
        "moderately_severe",
    )


def test_a_prorated_half_rounds_up_not_to_even():
    # 8 answered summing 4: 4 x 9 / 8 = 4.5 -> 5 (round() would give 4, and the band minimal).
    score = score_answers(PHQ9, [1, 1, 1, 1, 0, 0, 0, 0, None])

    assert (score.total, score.band) == (5, "mild")
    assert round(4.5) == 4  # the trap this avoids


def test_another_half_rounds_up_for_gad7():
    # 6 answered summing 9: 9 x 7 / 6 = 10.5 -> 11 (round() would give 10).
    score = score_answers(GAD7, [3, 3, 3, 0, 0, 0, None])

    assert (score.raw_sum, score.total, score.prorated, score.band) == (9, 11, True, "moderate")


def test_phq9_with_two_missing_items_is_prorated():
    # 7 answered summing 13: 13 x 9 / 7 = 16.71 -> 17.
    score = score_answers(PHQ9, [3, 3, 3, 2, 2, None, None, 0, 0])

    assert (score.total, score.prorated, score.answered) == (17, True, 7)


def test_phq9_with_three_missing_items_has_no_total_and_no_band():
    score = score_answers(PHQ9, [3, 3, 3, 2, 2, None, None, None, 0])

    assert (score.total, score.band, score.caseness, score.raw_sum) == (None, None, None, 13)
    assert not score.prorated


def test_gad7_may_miss_one_item_but_not_two():
    one_missing = score_answers(GAD7, [2, 2, 2, 2, 2, 2, None])
    two_missing = score_answers(GAD7, [2, 2, 2, 2, 2, None, None])

    assert (one_missing.total, one_missing.prorated) == (14, True)
    assert (two_missing.total, two_missing.band, two_missing.raw_sum) == (None, None, 10)


def test_caseness_follows_the_iapt_cut_offs():
    assert score_answers(PHQ9, [*answers_summing_to(10, 8), 0]).caseness is True
    assert score_answers(PHQ9, [*answers_summing_to(9, 8), 0]).caseness is False
    assert score_answers(GAD7, answers_summing_to(8, 7)).caseness is True
    assert score_answers(GAD7, answers_summing_to(7, 7)).caseness is False


def test_item_9_at_one_raises_the_self_harm_flag_even_with_a_total_of_one():
    score = score_answers(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1])

    assert (score.total, score.band) == (1, "minimal")
    assert score.flags == {SELF_HARM}


@pytest.mark.parametrize("item_9", [1, 2, 3])
def test_any_positive_item_9_raises_the_self_harm_flag(item_9):
    assert SELF_HARM in score_answers(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, item_9]).flags


def test_item_9_at_zero_raises_no_flag():
    assert score_answers(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == frozenset()


def test_an_unanswered_item_9_raises_the_check_flag_and_the_total_is_still_prorated():
    score = score_answers(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, None])

    assert score.flags == {SELF_HARM_UNANSWERED}
    assert (score.total, score.prorated) == (9, True)


def test_only_item_9_answered_gives_the_flag_but_no_total():
    score = score_answers(PHQ9, [None] * 8 + [2])

    assert score.flags == {SELF_HARM}
    assert (score.total, score.band, score.raw_sum) == (None, None, 2)


def test_nothing_answered_gives_no_total_and_the_check_flag():
    score = score_answers(PHQ9, [None] * 9)

    assert (score.total, score.raw_sum, score.answered) == (None, 0, 0)
    assert score.flags == {SELF_HARM_UNANSWERED}


def test_gad7_has_no_risk_flags():
    assert score_answers(GAD7, [3] * 7).flags == frozenset()


def test_auditc_reports_both_positive_screen_cut_offs_and_no_band():
    assert score_answers(AUDITC, [1, 1, 0]).cutoffs == frozenset()
    assert score_answers(AUDITC, [2, 1, 0]).cutoffs == {"positive_women"}
    assert score_answers(AUDITC, [2, 1, 1]).cutoffs == {"positive_women", "positive_men"}
    assert score_answers(AUDITC, [4, 4, 4]).band is None


def test_auditc_items_take_values_up_to_four():
    assert score_answers(AUDITC, [4, 4, 4]).total == 12


def test_auditc_has_no_total_when_an_item_is_missing():
    score = score_answers(AUDITC, [4, None, 4])

    assert (score.total, score.raw_sum, score.cutoffs) == (None, 8, frozenset())


@pytest.mark.parametrize("code", ["phq9", "PHQ-9", "Phq-9"])
def test_the_code_may_be_written_as_on_the_form(code):
    assert score_answers(code, [1] * 9).total == 9


@pytest.mark.parametrize(
    ("code", "answers", "message"),
    [
        (PHQ9, [1] * 8, "PHQ-9 takes 9 answers (the scored items), not 8."),
        (PHQ9, [1] * 10, "PHQ-9 takes 9 answers (the scored items), not 10."),
        (GAD7, [1] * 9, "GAD-7 takes 7 answers (the scored items), not 9."),
        (PHQ9, [1, 1, 4, 1, 1, 1, 1, 1, 1], "PHQ-9 item 3: 4 is not one of 0, 1, 2, 3."),
        (PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, -1], "PHQ-9 item 9: -1 is not one of 0, 1, 2, 3."),
        (GAD7, [1, 1, 1, 1, 1, 1, True], "GAD-7 item 7: True is not one of 0, 1, 2, 3."),
        (GAD7, [1, 1, 1.0, 1, 1, 1, 1], "GAD-7 item 3: 1.0 is not one of 0, 1, 2, 3."),
        (GAD7, [1, 1, "1", 1, 1, 1, 1], "GAD-7 item 3: '1' is not one of 0, 1, 2, 3."),
        (AUDITC, [5, 0, 0], "AUDIT-C item 1: 5 is not one of 0, 1, 2, 3, 4."),
        (PHQ9, "111111111", "The answers must be a list."),
        (
            "bdi2",
            [1] * 21,
            "Unknown questionnaire 'bdi2'; known: auditc, gad7, phq9, satisfaction, wsas.",
        ),
        (None, [1] * 9, "Unknown questionnaire None"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(english, code, answers, message):
    with pytest.raises(ValueError) as refused:
        score_answers(code, answers)

    assert message in str(refused.value)


def test_refusals_read_in_norwegian_in_the_norwegian_ui():
    with translation.override("nb"), pytest.raises(ValueError) as refused:
        score_answers(PHQ9, [1] * 8)

    assert str(refused.value) == "PHQ-9 skal ha 9 svar (de skårede spørsmålene), ikke 8."


def test_a_tuple_of_answers_is_scored_as_well_as_a_list():
    assert score_answers(GAD7, (1, 1, 1, 1, 1, 1, 1)).total == 7


def test_a_team_definition_is_scored_by_its_own_rules():
    definition = parse_definition(custom_definition())

    complete = score_definition(definition, [1, 1, 2, 2])
    prorated = score_definition(definition, [1, 1, None, 1])  # 3 x 4 / 3 = 4
    too_few = score_definition(definition, [1, None, None, 3])

    assert (complete.total, complete.band, complete.caseness) == (6, "high", True)
    assert complete.flags == {"worry"}
    assert (prorated.total, prorated.prorated, prorated.band, prorated.flags) == (
        4,
        True,
        "low",
        frozenset(),
    )
    assert (too_few.total, too_few.flags) == (None, {"worry"})


def test_a_team_definition_without_proration_sums_what_was_answered():
    data = custom_definition()
    data["scoring"]["missing"] = {"max_missing": 1, "prorate": False}

    score = score_definition(parse_definition(data), [3, 3, None, 1])

    assert (score.total, score.prorated) == (7, False)


def test_an_unanswered_risk_item_raises_the_definitions_check_flag():
    definition = parse_definition(custom_definition())

    assert score_definition(definition, [1, 1, 1, None]).flags == {"worry_check"}


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(9, 2), 5),
        (Fraction(25, 2), 13),
        (Fraction(117, 8), 15),
        (Fraction(111, 8), 14),
        (Fraction(0), 0),
        (Fraction(-1, 2), 0),
    ],
)
def test_round_half_up(value, rounded):
    assert round_half_up(value) == rounded
