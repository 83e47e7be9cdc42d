"""What a letter says about suicide risk: one rule for the draft text, the facts table, the PDF
and the API. Pure: reads the `risk` part of `Letter.facts` (referrals/letters/drafting.py).

The outcome of the screening at the kartleggingssamtale (seed 000 §9.2):
- not done: no kartleggingssamtale, or one of the three screening questions unanswered and no
  risk level recorded;
- done, negative: no thoughts of suicide, no plans, no earlier attempts;
- done, with risk: a yes to one of the questions, or a moderate level;
- acute: a high level, or high suicide risk or acute needs noted at the assessment.
"""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext

from intake.assessments.choices import RiskLevel
from intake.assessments.rules import URGENT_FACTORS

SCREENING_QUESTIONS = ("suicidal_thoughts", "suicide_plans", "earlier_attempts")


class Screening(StrEnum):
    NOT_DONE = "not_done"
    NEGATIVE = "negative"
    RISK = "risk"
    ACUTE = "acute"


def screening(risk: dict[str, Any] | None) -> Screening:
    """The outcome of the suicide risk screening in a letter's facts."""
    if not risk:
        return Screening.NOT_DONE
    level = risk.get("level") or ""
    if level == RiskLevel.HIGH or URGENT_FACTORS & set(risk.get("exclusion_factors") or []):
        return Screening.ACUTE
    answers = [risk.get(question) for question in SCREENING_QUESTIONS]
    if any(answers) or level == RiskLevel.MODERATE:
        return Screening.RISK
    if all(answer is False for answer in answers):
        return Screening.NEGATIVE
    return Screening.RISK if level else Screening.NOT_DONE


def statement(risk: dict[str, Any] | None, level_label: str) -> str:
    """One sentence for the facts table and the first line of the risk text, in the active
    language; `level_label` is the level's label ("" when none was recorded)."""
    outcome = screening(risk)
    level = level_label.lower()
    if outcome == Screening.NOT_DONE:
        return gettext("Not assessed: the suicide risk screening was not recorded.")
    if outcome == Screening.NEGATIVE:
        if level:
            return gettext(
                "Assessed: no signs of suicide risk at the screening; risk assessed as %(level)s."
            ) % {"level": level}
        return gettext("Assessed: no signs of suicide risk at the screening.")
    if outcome == Screening.RISK:
        if level:
            return gettext(
                "Assessed: signs of suicide risk at the screening; risk assessed as %(level)s."
            ) % {"level": level}
        return gettext("Assessed: signs of suicide risk at the screening; no risk level recorded.")
    if level:
        return gettext(
            "Assessed: acute suicide risk or acute needs; risk assessed as %(level)s."
        ) % {"level": level}
    return gettext("Assessed: acute suicide risk or acute needs.")
