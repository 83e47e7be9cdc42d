"""When an assessment conversation may be recorded as complete. Pure: no database.

The rules follow seed 000 §9.2 (suicide risk: screen always, assess when in doubt, confer
when the risk is not low), §9.3 (minor children as relatives, helsepersonelloven §10a) and
§5.1.3 (acute needs go to legevakt or the acute team now). A draft may break every rule;
completion may break none.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import Decision, ExclusionFactor, RiskLevel

PHQ9_ITEMS = 10  # nine scored items and item 10 (daily difficulty), recorded, not scored
GAD7_ITEMS = 7
ITEM_VALUES = frozenset({0, 1, 2, 3})
ADULT_AGE = 18

URGENT_FACTORS = frozenset({ExclusionFactor.HIGH_SUICIDE_RISK, ExclusionFactor.ACUTE_NEEDS})

ANSWER_THOUGHTS = _("Answer whether the person has thoughts of suicide.")
ANSWER_PLANS = _("Answer whether the person has suicide plans.")
ANSWER_ATTEMPTS = _("Answer whether the person has attempted suicide before.")
NEED_RISK_LEVEL = _("The suicide screening is positive: record the risk level.")
NEED_RISK_ACTIONS = _("The suicide screening is positive: record the actions taken.")
NEED_CONFERRED = _("With moderate or high risk, confer with a colleague and record who.")
ANSWER_MINOR_CHILDREN = _("Answer whether the person has children under 18.")
AGES_SAY_MINOR = _("The children's ages include a child under 18.")
NEED_CHILDREN_FOLLOWUP = _(
    "Record whether the children's need for information and follow-up has been considered."
)
NEED_CHILDREN_NOTE = _("Write a note on the children's situation.")
NEED_URGENT_ACTION = _(
    "High risk or acute needs: record the acute action taken before the assessment can be"
    " completed."
)
NEED_URGENT_ACTION_AT = _("Record when the acute action was taken.")
NEED_DECISION = _("Record the outcome of the assessment.")
NEED_STEP = _("Choose a step for a person in the target group.")
NEED_ROUTE = _("Choose where the person is routed onward.")
NEED_ROUTE_REASON = _("Give the reason for routing the person onward.")


@dataclass(frozen=True)
class AssessmentFacts:
    """What the rules look at. Empty text and None mean "not recorded"."""

    suicidal_thoughts: bool | None = None
    suicide_plans: bool | None = None
    earlier_suicide_attempts: bool | None = None
    risk_level: str = ""
    risk_actions: str = ""
    risk_conferred_with: str = ""
    has_minor_children: bool | None = None
    children_ages: tuple[int, ...] = ()
    children_followup_considered: bool | None = None
    children_note: str = ""
    exclusion_factors: tuple[str, ...] = ()
    urgent_action: str = ""
    urgent_action_at: datetime | None = None
    decision: str = ""
    step: int | None = None
    route: str = ""
    decision_reason: str = ""


def screening_positive(facts: AssessmentFacts) -> bool:
    return bool(facts.suicidal_thoughts or facts.suicide_plans or facts.earlier_suicide_attempts)


def needs_urgent_action(facts: AssessmentFacts) -> bool:
    """High risk or acute needs: act now (legevakt, acute team) and record it."""
    return facts.risk_level == RiskLevel.HIGH or bool(URGENT_FACTORS & set(facts.exclusion_factors))


def completion_problems(facts: AssessmentFacts) -> list[str]:
    """Why the assessment cannot be completed yet, in the active language; empty when it can."""
    return [str(message) for _field, message in field_problems(facts)]


def field_problems(facts: AssessmentFacts) -> list[tuple[str, str]]:
    """The same problems, each with the field it belongs to (for errors next to the input)."""
    return [
        (field, str(message))
        for check in (_suicide, _children, _urgent, _decision)
        for field, message in check(facts)
    ]


def item_answer_problems(answers: object, items: int) -> list[str]:
    """A questionnaire's stored answers: [] (not given) or `items` values, each 0-3 or None."""
    if not isinstance(answers, list):
        return [str(_("The answers must be a list."))]
    if answers and len(answers) != items:
        return [
            str(_("Expected %(items)d answers, got %(got)d."))
            % {"items": items, "got": len(answers)}
        ]
    if any(not _valid_answer(value) for value in answers):
        return [str(_("Each answer must be 0, 1, 2, 3 or empty."))]
    return []


def _valid_answer(value: object) -> bool:
    return value is None or (type(value) is int and value in ITEM_VALUES)


Problems = Iterator[tuple[str, object]]


def _suicide(facts: AssessmentFacts) -> Problems:
    if facts.suicidal_thoughts is None:
        yield "suicidal_thoughts", ANSWER_THOUGHTS
    if facts.suicide_plans is None:
        yield "suicide_plans", ANSWER_PLANS
    if facts.earlier_suicide_attempts is None:
        yield "earlier_suicide_attempts", ANSWER_ATTEMPTS
    if screening_positive(facts):
        if not facts.risk_level:
            yield "risk_level", NEED_RISK_LEVEL
        if not facts.risk_actions.strip():
            yield "risk_actions", NEED_RISK_ACTIONS
    confer = facts.risk_level in (RiskLevel.MODERATE, RiskLevel.HIGH)
    if confer and not facts.risk_conferred_with.strip():
        yield "risk_conferred_with", NEED_CONFERRED


def _children(facts: AssessmentFacts) -> Problems:
    if facts.has_minor_children is None:
        yield "has_minor_children", ANSWER_MINOR_CHILDREN
    elif not facts.has_minor_children and _any_minor(facts.children_ages):
        yield "has_minor_children", AGES_SAY_MINOR
    if facts.has_minor_children:
        if facts.children_followup_considered is None:
            yield "children_followup_considered", NEED_CHILDREN_FOLLOWUP
        if not facts.children_note.strip():
            yield "children_note", NEED_CHILDREN_NOTE


def _any_minor(ages: Sequence[int]) -> bool:
    return any(age < ADULT_AGE for age in ages)


def _urgent(facts: AssessmentFacts) -> Problems:
    if not needs_urgent_action(facts):
        return
    if not facts.urgent_action.strip():
        yield "urgent_action", NEED_URGENT_ACTION
    if facts.urgent_action_at is None:
        yield "urgent_action_at", NEED_URGENT_ACTION_AT


def _decision(facts: AssessmentFacts) -> Problems:
    if not facts.decision:
        yield "decision", NEED_DECISION
    elif facts.decision == Decision.IN_TARGET_GROUP and facts.step is None:
        yield "step", NEED_STEP
    elif facts.decision == Decision.OUTSIDE:
        if not facts.route:
            yield "route", NEED_ROUTE
        if not facts.decision_reason.strip():
            yield "decision_reason", NEED_ROUTE_REASON
