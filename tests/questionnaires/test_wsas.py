"""WSAS: five areas 0-8, total 0-40, the published bands on and around every edge, and the
not-applicable rule for the work item (the other four prorated to 0-40, rounded half up)."""

import pytest

from questionnaires.definitions import NOT_APPLICABLE, shipped_definitions
from questionnaires.scoring import WSAS, score_answers

NA = NOT_APPLICABLE


def answers_summing_to(total: int) -> list[int]:
    values = []
    for _ in range(5):
        values.append(min(8, total))
        total -= values[-1]
    assert total == 0
    return values


def test_wsas_ships_with_its_source_and_licence_and_without_the_licensed_wording():
    wsas = shipped_definitions()[WSAS]

    assert [item.values for item in wsas.scored_items] == [tuple(range(9))] * 5
    assert (wsas.min_total, wsas.max_total) == (0, 40)
    assert "Mundt" in wsas.source and "180:461-464" in wsas.source
    assert "does not ship" in wsas.licence
    assert wsas.items[0].not_applicable is not None
    assert [item.not_applicable for item in wsas.items[1:]] == [None] * 4
    assert wsas.title.get("en") == "Work and Social Adjustment Scale (WSAS)"
    assert all(item.text.get("en") != item.text.get("nb") for item in wsas.items)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "subclinical"),
        (1, "subclinical"),
        (9, "subclinical"),
        (10, "significant"),
        (11, "significant"),
        (19, "significant"),
        (20, "significant"),
        (21, "severe"),
        (22, "severe"),
        (39, "severe"),
        (40, "severe"),
    ],
)
def test_bands_on_and_around_every_edge(total, band):
    score = score_answers(WSAS, answers_summing_to(total))

    assert (score.total, score.band, score.prorated) == (total, band, False)


@pytest.mark.parametrize(
    ("others", "total", "band"),
    [
        ([0, 0, 0, 0], 0, "subclinical"),
        ([1, 1, 0, 0], 3, "subclinical"),  # 2 x 5/4 = 2.5 -> 3 (half up)
        ([2, 2, 2, 1], 9, "subclinical"),  # 7 x 5/4 = 8.75 -> 9
        ([2, 2, 2, 2], 10, "significant"),  # 8 x 5/4 = 10
        ([4, 4, 4, 4], 20, "significant"),  # 16 x 5/4 = 20
        ([4, 4, 4, 5], 21, "severe"),  # 17 x 5/4 = 21.25 -> 21
        ([8, 8, 8, 8], 40, "severe"),
    ],
)
def test_work_not_applicable_prorates_the_other_four_to_the_full_scale(others, total, band):
    score = score_answers(WSAS, [NA, *others])

    assert (score.total, score.band, score.prorated) == (total, band, True)
    assert (score.raw_sum, score.answered, score.not_applicable) == (sum(others), 4, 1)


def test_a_question_left_out_leaves_no_total_not_even_with_work_not_applicable():
    assert score_answers(WSAS, [None, 1, 1, 1, 1]).total is None
    assert score_answers(WSAS, [3, None, 1, 1, 1]).total is None
    assert score_answers(WSAS, [NA, None, 1, 1, 1]).total is None


@pytest.mark.parametrize("answers", [[1, NA, 1, 1, 1], [9, 1, 1, 1, 1], [-1, 0, 0, 0, 0]])
def test_not_applicable_outside_the_work_item_and_values_off_the_scale_are_refused(answers):
    with pytest.raises(ValueError, match="WSAS"):
        score_answers(WSAS, answers)
