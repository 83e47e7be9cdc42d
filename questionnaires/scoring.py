"""Scoring of questionnaire answers: pure, typed, no database.

Every rule (items, option values, bands, missing-item rule, risk items, caseness, reliable
change) comes from the instrument's definition; the shipped definitions are read once, at
import, from the package's JSON files. `answers` are the *scored* items in order (9 for PHQ-9:
item 10 is not scored), `None` for an unanswered item, `NOT_APPLICABLE` for an item answered
"not applicable" where the definition allows it (the WSAS work item).

Not applicable is not missing: the item leaves the count, and the total is the sum of the
applicable items prorated to the full scale (sum x items / applicable answered items, rounded
half up) and marked prorated, so bands keep their meaning; the missing-item rule then applies
to the applicable items. With no applicable item answered there is no total.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from questionnaires.definitions import NOT_APPLICABLE, Definition, shipped_definitions

PHQ9 = "phq9"
GAD7 = "gad7"
AUDITC = "auditc"
WSAS = "wsas"
SATISFACTION = "satisfaction"

SELF_HARM = "self_harm"
SELF_HARM_UNANSWERED = "self_harm_unanswered"

SHIPPED: Mapping[str, Definition] = shipped_definitions()


@dataclass(frozen=True)
class Score:
    total: int | None  # None: too many items missing, excluded from outcomes
    raw_sum: int  # sum of the answered items
    prorated: bool
    band: str | None
    flags: frozenset[str]
    answered: int = 0
    not_applicable: int = 0  # items answered "not applicable"
    caseness: bool | None = None  # None when there is no total or no caseness cut-off
    cutoffs: frozenset[str] = frozenset()  # codes of the named cut-offs reached


def shipped_definition(code: str) -> Definition:
    """The shipped definition for a code; "PHQ-9", "phq9" and "Phq-9" are the same code."""
    key = code.lower().replace("-", "") if isinstance(code, str) else code
    try:
        return SHIPPED[key]
    except (KeyError, TypeError):
        raise ValueError(
            _("Unknown questionnaire %(code)s; known: %(known)s.")
            % {"code": repr(code), "known": ", ".join(sorted(SHIPPED))}
        ) from None


def score_answers(code: str, answers: Sequence[int | None]) -> Score:
    """Score the scored items of a shipped instrument."""
    return score_definition(shipped_definition(code), answers)


def score_definition(definition: Definition, answers: Sequence[int | None]) -> Score:
    """Score the scored items of any checked definition (shipped or a team's own)."""
    values = _checked(definition, answers)
    answered = [value for value in values if isinstance(value, int)]
    not_applicable = sum(value == NOT_APPLICABLE for value in values)
    raw_sum = sum(answered)
    total, prorated = _total(definition, raw_sum, len(answered), len(values), not_applicable)
    band = definition.band_for(total) if total is not None else None
    caseness_min = definition.scoring.caseness_min
    return Score(
        total=total,
        raw_sum=raw_sum,
        prorated=prorated,
        band=band.code if band else None,
        flags=_flags(definition, values),
        answered=len(answered),
        not_applicable=not_applicable,
        caseness=None if total is None or caseness_min is None else total >= caseness_min,
        cutoffs=frozenset(
            cutoff.code
            for cutoff in definition.scoring.cutoffs
            if total is not None and total >= cutoff.min
        ),
    )


def round_half_up(value: Fraction) -> int:
    """Round to the nearest whole number, halves upwards (not to even, as round() does)."""
    return math.floor(value + Fraction(1, 2))


def _total(
    definition: Definition, raw_sum: int, answered: int, items: int, not_applicable: int = 0
) -> tuple[int | None, bool]:
    missing = items - not_applicable - answered
    rule = definition.scoring.missing
    if missing == 0 and not not_applicable:
        return raw_sum, False
    if missing > rule.max_missing or answered == 0:
        return None, False
    if not rule.prorate:
        return raw_sum, False
    return round_half_up(Fraction(raw_sum * items, answered)), True


def _flags(definition: Definition, values: Sequence[int | None]) -> frozenset[str]:
    flags = set()
    for risk in definition.risk_items:
        value = values[definition.scored_position(risk.item)]
        if value == NOT_APPLICABLE:
            continue
        if value is None:
            if risk.unanswered_flag:
                flags.add(risk.unanswered_flag)
        elif value >= risk.min_value:
            flags.add(risk.flag)
    return frozenset(flags)


def _checked(definition: Definition, answers: Sequence[int | None]) -> list[int | None]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(_("The answers must be a list."))
    items = definition.scored_items
    if len(answers) != len(items):
        raise ValueError(
            _("%(name)s takes %(expected)s answers (the scored items), not %(given)s.")
            % {"name": definition.name, "expected": len(items), "given": len(answers)}
        )
    for item, value in zip(items, answers, strict=True):
        if value is None or (value == NOT_APPLICABLE and item.not_applicable):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            raise ValueError(
                _("%(name)s item %(number)s: %(value)s is not one of %(allowed)s.")
                % {
                    "name": definition.name,
                    "number": item.number,
                    "value": repr(value),
                    "allowed": ", ".join(str(allowed) for allowed in item.values),
                }
            )
    return list(answers)
