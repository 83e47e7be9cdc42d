"""Properties that hold for every set of answers to the shipped instruments."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from questionnaires.definitions import Definition
from questionnaires.scoring import SHIPPED, round_half_up, score_answers, score_definition

codes = st.sampled_from(sorted(SHIPPED))


@st.composite
def complete_answers(draw: st.DrawFn, code: str | None = None) -> tuple[Definition, list[int]]:
    definition = SHIPPED[code or draw(codes)]
    answers = [draw(st.sampled_from(item.values)) for item in definition.scored_items]
    return definition, answers


@st.composite
def answers_with_gaps(
    draw: st.DrawFn, code: str | None = None
) -> tuple[Definition, list[int | None]]:
    definition, answers = draw(complete_answers(code))
    missing = draw(st.sets(st.integers(0, len(answers) - 1)))
    return definition, [None if index in missing else value for index, value in enumerate(answers)]


@given(complete_answers())
def test_with_nothing_missing_the_total_is_the_plain_sum(case):
    definition, answers = case

    score = score_answers(definition.code, answers)

    assert score.total == score.raw_sum == sum(answers)
    assert not score.prorated


@given(answers_with_gaps())
def test_a_total_always_lies_within_the_possible_range(case):
    definition, answers = case

    total = score_definition(definition, answers).total

    assert total is None or definition.min_total <= total <= definition.max_total


@given(answers_with_gaps())
def test_the_band_is_the_one_whose_range_holds_the_total(case):
    definition, answers = case

    score = score_definition(definition, answers)

    if score.total is None or not definition.scoring.bands:
        assert score.band is None
    else:
        (band,) = [b for b in definition.scoring.bands if b.min <= score.total <= b.max]
        assert score.band == band.code


@given(answers_with_gaps())
def test_a_prorated_total_is_the_rounded_mean_times_the_items(case):
    definition, answers = case
    answered = [value for value in answers if value is not None]

    score = score_definition(definition, answers)

    if score.prorated:
        exact = Fraction(sum(answered) * len(answers), len(answered))
        assert score.total == round_half_up(exact)
        assert abs(score.total - exact) <= Fraction(1, 2)
        assert min(answered) * len(answers) <= score.total <= max(answered) * len(answers)


@given(answers_with_gaps())
def test_a_total_exists_exactly_when_no_more_than_the_allowed_items_are_missing(case):
    definition, answers = case
    missing = answers.count(None)

    score = score_definition(definition, answers)

    assert (score.total is not None) == (missing <= definition.scoring.missing.max_missing)
    assert score.prorated == (0 < missing <= definition.scoring.missing.max_missing)


@given(answers_with_gaps())
def test_the_raw_sum_is_the_sum_of_what_was_answered(case):
    definition, answers = case

    score = score_definition(definition, answers)

    assert score.raw_sum == sum(value for value in answers if value is not None)
    assert score.answered == len(answers) - answers.count(None)


@given(answers_with_gaps("phq9"))
def test_the_self_harm_flags_depend_on_item_9_alone(case):
    definition, answers = case

    flags = score_definition(definition, answers).flags

    item_9 = answers[8]
    if item_9 is None:
        assert flags == {"self_harm_unanswered"}
    else:
        assert flags == ({"self_harm"} if item_9 >= 1 else set())
