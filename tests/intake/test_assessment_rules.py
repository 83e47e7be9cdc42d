"""The completion rules for the assessment conversation. Pure: no database."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.utils import translation

from intake.assessments import rules
from intake.assessments.choices import Decision, ExclusionFactor, RiskLevel, Route, Step
from intake.assessments.rules import AssessmentFacts

AT = datetime(2026, 3, 2, 14, 20, tzinfo=UTC)

# A record that may be completed: screened, no minor children, placed on step 2.
COMPLETE = AssessmentFacts(
    suicidal_thoughts=False,
    suicide_plans=False,
    earlier_suicide_attempts=False,
    has_minor_children=False,
    decision=Decision.IN_TARGET_GROUP,
    step=Step.COURSE,
)
POSITIVE = replace(COMPLETE, suicidal_thoughts=True)
ASSESSED = replace(POSITIVE, risk_level=RiskLevel.LOW, risk_actions="Kriseplan laget sammen.")
HIGH = replace(ASSESSED, risk_level=RiskLevel.HIGH, risk_conferred_with="Psykolog Hansen, 14:10")
ACTED = replace(HIGH, urgent_action="Ringte legevakten 14:20, fulgt dit.", urgent_action_at=AT)
OUTSIDE = replace(
    COMPLETE, decision=Decision.OUTSIDE, step=None, route=Route.GP_DPS, decision_reason="Psykose?"
)

CASES = [
    # (label, facts, the fields with problems, in order)
    ("a complete record", COMPLETE, []),
    ("an empty draft", AssessmentFacts(), [
        "suicidal_thoughts", "suicide_plans", "earlier_suicide_attempts",
        "has_minor_children", "decision",
    ]),
    ("unanswered plans", replace(COMPLETE, suicide_plans=None), ["suicide_plans"]),
    ("positive screening, not assessed", POSITIVE, ["risk_level", "risk_actions"]),
    ("earlier attempt only", replace(COMPLETE, earlier_suicide_attempts=True),
     ["risk_level", "risk_actions"]),
    ("positive screening, blank actions", replace(ASSESSED, risk_actions="   "), ["risk_actions"]),
    ("positive screening, low risk, assessed", ASSESSED, []),
    ("moderate risk without conferring", replace(ASSESSED, risk_level=RiskLevel.MODERATE),
     ["risk_conferred_with"]),
    ("moderate risk, conferred", replace(
        ASSESSED, risk_level=RiskLevel.MODERATE, risk_conferred_with="Teamleder"), []),
    ("high risk, conferred, no acute action", HIGH, ["urgent_action", "urgent_action_at"]),
    ("high risk, action without time", replace(ACTED, urgent_action_at=None),
     ["urgent_action_at"]),
    ("high risk, acted", ACTED, []),
    ("high risk, nobody conferred with", replace(ACTED, risk_conferred_with=""),
     ["risk_conferred_with"]),
    ("acute needs without action", replace(
        COMPLETE, exclusion_factors=(ExclusionFactor.ACUTE_NEEDS,)),
     ["urgent_action", "urgent_action_at"]),
    ("high suicide risk factor without action", replace(
        COMPLETE, exclusion_factors=(ExclusionFactor.HIGH_SUICIDE_RISK,)),
     ["urgent_action", "urgent_action_at"]),
    ("psychosis is not by itself acute", replace(
        OUTSIDE, exclusion_factors=(ExclusionFactor.PSYCHOSIS,)), []),
    ("minor children, nothing recorded", replace(COMPLETE, has_minor_children=True),
     ["children_followup_considered", "children_note"]),
    ("minor children, considered, no note", replace(
        COMPLETE, has_minor_children=True, children_followup_considered=True),
     ["children_note"]),
    ("minor children, considered 'no' with a note", replace(
        COMPLETE, has_minor_children=True, children_followup_considered=False,
        children_note="Barna bor hos far denne perioden."), []),
    ("ages say a child is under 18", replace(COMPLETE, children_ages=(21, 15)),
     ["has_minor_children"]),
    ("grown-up children only", replace(COMPLETE, children_ages=(21, 25)), []),
    ("no decision", replace(COMPLETE, decision="", step=None), ["decision"]),
    ("in the target group without a step", replace(COMPLETE, step=None), ["step"]),
    ("outside without route or reason", replace(OUTSIDE, route="", decision_reason=""),
     ["route", "decision_reason"]),
    ("outside with a blank reason", replace(OUTSIDE, decision_reason="  "), ["decision_reason"]),
    ("outside, routed with reason", OUTSIDE, []),
    ("the person wants to wait", replace(COMPLETE, decision=Decision.WANTS_TO_WAIT, step=None),
     []),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "fields"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_completion_problems_name_exactly_the_missing_fields(facts, fields):
    assert [field for field, _message in rules.field_problems(facts)] == fields
    assert len(rules.completion_problems(facts)) == len(fields)


URGENT = [
    ("nothing", COMPLETE, False),
    ("low risk", ASSESSED, False),
    ("moderate risk", replace(ASSESSED, risk_level=RiskLevel.MODERATE), False),
    ("high risk", HIGH, True),
    ("acute needs", replace(COMPLETE, exclusion_factors=(ExclusionFactor.ACUTE_NEEDS,)), True),
    ("high risk factor", replace(
        COMPLETE, exclusion_factors=(ExclusionFactor.HIGH_SUICIDE_RISK,)), True),
    ("severe substance use", replace(
        COMPLETE, exclusion_factors=(ExclusionFactor.SEVERE_SUBSTANCE,)), False),
    ("suicide plans alone (the risk assessment decides)", replace(
        COMPLETE, suicide_plans=True), False),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "urgent"), [c[1:] for c in URGENT], ids=[c[0] for c in URGENT])
def test_high_risk_and_acute_needs_call_for_urgent_action(facts, urgent):
    assert rules.needs_urgent_action(facts) is urgent


def test_the_messages_are_norwegian_in_the_norwegian_ui():
    with translation.override("nb"):
        problems = rules.completion_problems(HIGH)

    assert problems == [
        "Høy risiko eller akutte behov: registrer det akutte tiltaket før kartleggingen kan"
        " fullføres.",
        "Registrer når det akutte tiltaket ble gjort.",
    ]


def test_the_messages_are_english_in_the_english_ui():
    with translation.override("en"):
        problems = rules.completion_problems(replace(COMPLETE, decision=""))

    assert problems == ["Record the outcome of the assessment."]


ANSWERS = [
    ("not given", [], 10, []),
    ("all ten, some unanswered", [0, 1, 2, 3, None, 0, 1, 2, 3, None], 10, []),
    ("too few", [0, 1, 2], 10, ["Expected 10 answers, got 3."]),
    ("too many", [0] * 8, 7, ["Expected 7 answers, got 8."]),
    ("out of range", [0, 1, 2, 3, 7, 0, 1], 7, ["Each answer must be 0, 1, 2, 3 or empty."]),
    ("negative", [-1, 0, 0, 0, 0, 0, 0], 7, ["Each answer must be 0, 1, 2, 3 or empty."]),
    ("text", ["2", 0, 0, 0, 0, 0, 0], 7, ["Each answer must be 0, 1, 2, 3 or empty."]),
    ("a boolean is not a number here", [True, 0, 0, 0, 0, 0, 0], 7,
     ["Each answer must be 0, 1, 2, 3 or empty."]),
    ("not a list", {"1": 2}, 7, ["The answers must be a list."]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "items", "problems"), [c[1:] for c in ANSWERS], ids=[c[0] for c in ANSWERS]
)
def test_item_answers_must_have_the_right_length_and_values(answers, items, problems):
    with translation.override("en"):
        assert rules.item_answer_problems(answers, items) == problems
