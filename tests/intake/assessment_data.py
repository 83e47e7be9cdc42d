"""Assessment data for tests: what a therapist would record, as the service takes it."""

from datetime import datetime

import factory
from django.utils import timezone

from intake.assessments.choices import Decision, RiskLevel, Step
from intake.models import Assessment, AssessmentOffer, Mode
from tests.intake.factories import ContactFactory


def complete_data(**changes: object) -> dict[str, object]:
    """A record that may be completed: screened negative, no minor children, step 2."""
    data: dict[str, object] = {
        "held_at": timezone.now(),
        "mode": Mode.FACE_TO_FACE,
        "phq9_answers": [1, 2, 1, 0, 1, 2, 1, 0, 0, 1],
        "gad7_answers": [2, 1, 1, 0, 2, 1, None],
        "suicidal_thoughts": False,
        "suicide_plans": False,
        "earlier_suicide_attempts": False,
        "has_minor_children": False,
        "decision": Decision.IN_TARGET_GROUP,
        "step": Step.COURSE,
    }
    return data | changes


def high_risk_data(**changes: object) -> dict[str, object]:
    return complete_data(
        suicidal_thoughts=True,
        suicide_plans=True,
        risk_level=RiskLevel.HIGH,
        risk_actions="Kriseplan, nettverk mobilisert.",
        risk_conferred_with="Psykolog Hansen",
        **changes,
    )


class AssessmentOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentOffer

    contact = factory.SubFactory(ContactFactory)
    offered_by = factory.SelfAttribute("therapist")
    scheduled_for = factory.LazyFunction(timezone.now)
    mode = Mode.VIDEO


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    contact = factory.SubFactory(ContactFactory)
    mode = Mode.FACE_TO_FACE


def completed(**fields: object) -> Assessment:
    at: datetime = timezone.now()
    return AssessmentFactory(status="complete", completed_at=at, **fields)
