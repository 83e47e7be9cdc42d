"""Client satisfaction at the end, without names: what the team lead sees per period (pure).

The survey (questionnaires/instruments/satisfaction.json) is answered with the final
questionnaire. Nothing here carries a client, an episode or a date: per statement the mean
and the number who answered it, the mean total, and the free texts sorted alphabetically
(not by when they came, which could point to an episode that ended that day). With fewer than
`MIN_RESPONSES` answers in the period nothing is shown but the count, so a single answer
cannot be recognised.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from questionnaires.definitions import TEXT, Definition

MIN_RESPONSES = 3


@dataclass(frozen=True)
class Statement:
    text: str
    mean: Decimal | None  # one decimal, half up; None when nobody answered it
    answered: int


@dataclass(frozen=True)
class FreeText:
    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Satisfaction:
    responses: int
    shown: bool  # False: too few answers to show without risk of recognising someone
    mean_total: Decimal | None
    max_total: int
    statements: tuple[Statement, ...]
    free_texts: tuple[FreeText, ...]


def mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def satisfaction_summary(
    definition: Definition,
    answers: Sequence[Sequence[object]],
    totals: Sequence[int | None],
    language: str = "nb",
) -> Satisfaction:
    """`answers`: each response's answers in the definition's item order; `totals` theirs."""
    shown = len(answers) >= MIN_RESPONSES
    statements, free_texts = [], []
    for position, item in enumerate(definition.items):
        given = [row[position] for row in answers if position < len(row)]
        if item.scored:
            values = [v for v in given if isinstance(v, int) and not isinstance(v, bool)]
            statements.append(Statement(item.text.get(language), mean(values), len(values)))
        elif item.type == TEXT:
            texts = sorted(v.strip() for v in given if isinstance(v, str) and v.strip())
            free_texts.append(FreeText(item.text.get(language), tuple(texts)))
    known = [total for total in totals if total is not None]
    return Satisfaction(
        responses=len(answers),
        shown=shown,
        mean_total=mean(known) if shown else None,
        max_total=definition.max_total,
        statements=tuple(statements) if shown else (),
        free_texts=tuple(free_texts) if shown else (),
    )
