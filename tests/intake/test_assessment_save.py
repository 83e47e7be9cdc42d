from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from intake.assessments.choices import AssessmentStatus, Decision, Route, Step
from intake.assessments.services import assessment_save
from intake.models import Assessment
from tests.intake.assessment_data import (
    AssessmentOfferFactory,
    complete_data,
    high_risk_data,
)
from tests.intake.factories import ContactFactory

NOW = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def contact(personas):
    return ContactFactory(team=personas.team, client=personas.client)


def _save(contact, therapist, data, *, complete=False):
    return assessment_save(contact=contact, therapist=therapist, data=data, complete=complete)


def test_a_draft_may_be_incomplete(personas, contact):
    saved = _save(contact, personas.therapist, {"mode": "phone", "sleep": "Våkner kl. 4"})

    saved.refresh_from_db()
    assert saved.status == AssessmentStatus.DRAFT
    assert saved.completed_at is None
    assert saved.therapist == personas.therapist
    assert saved.sleep == "Våkner kl. 4"


def test_a_draft_saved_again_updates_the_same_record(personas, contact):
    _save(contact, personas.therapist, {"mode": "phone"})

    _save(contact, personas.therapist, {"mode": "video", "sex": "female"})

    assert Assessment.objects.get().mode == "video"
    assert Assessment.objects.get().sex == "female"


@time_machine.travel(NOW, tick=False)
def test_completing_sets_the_status_and_time(personas, contact):
    saved = _save(contact, personas.therapist, complete_data(), complete=True)

    saved.refresh_from_db()
    assert saved.status == AssessmentStatus.COMPLETE
    assert saved.completed_at == NOW
    assert saved.phq9_answers == [1, 2, 1, 0, 1, 2, 1, 0, 0, 1]
    assert saved.gad7_answers == [2, 1, 1, 0, 2, 1, None]


def test_high_risk_without_an_acute_action_is_refused_in_norwegian_and_nothing_is_saved(
    personas, contact
):
    with pytest.raises(ValidationError) as refused:
        _save(contact, personas.therapist, high_risk_data(), complete=True)

    assert refused.value.message_dict["urgent_action"] == [
        "Høy risiko eller akutte behov: registrer det akutte tiltaket før kartleggingen kan"
        " fullføres."
    ]
    assert "urgent_action_at" in refused.value.message_dict
    assert not Assessment.objects.exists()


def test_a_refused_completion_leaves_the_draft_as_it_was(personas, contact):
    _save(contact, personas.therapist, {"mode": "phone", "sleep": "Dårlig"})

    with pytest.raises(ValidationError):
        _save(contact, personas.therapist, high_risk_data(sleep="Bedre"), complete=True)

    draft = Assessment.objects.get()
    assert draft.status == AssessmentStatus.DRAFT
    assert draft.sleep == "Dårlig"
    assert draft.risk_level == ""


def test_high_risk_with_the_acute_action_recorded_completes_and_says_who(personas, contact):
    data = high_risk_data(urgent_action="Ringte legevakten kl. 14:20.", urgent_action_at=NOW)

    saved = _save(contact, personas.therapist, data, complete=True)

    assert saved.status == AssessmentStatus.COMPLETE
    assert saved.urgent_action_by == personas.therapist


def test_an_acute_action_recorded_in_a_draft_keeps_who_recorded_it(personas, contact):
    personas.client.care_team.add(personas.colleague)
    data = high_risk_data(urgent_action="Ringte akutteamet.", urgent_action_at=NOW)
    _save(contact, personas.therapist, data)

    saved = _save(contact, personas.colleague, {"sleep": "Urolig"}, complete=True)

    assert saved.urgent_action_by == personas.therapist
    assert saved.therapist == personas.therapist


def test_a_completed_assessment_cannot_be_changed(personas, contact):
    _save(contact, personas.therapist, complete_data(sleep="Godt"), complete=True)

    with pytest.raises(ValidationError) as refused:
        _save(contact, personas.therapist, {"sleep": "Dårlig"})

    assert refused.value.messages == ["En fullført kartlegging kan ikke endres."]
    assert Assessment.objects.get().sleep == "Godt"


@time_machine.travel(NOW, tick=False)
def test_completing_marks_the_offered_assessment_as_held(personas, contact):
    offer = AssessmentOfferFactory(contact=contact, therapist=personas.therapist)
    held = NOW - timedelta(hours=1)

    _save(contact, personas.therapist, complete_data(held_at=held), complete=True)

    offer.refresh_from_db()
    assert offer.held_at == held


def test_a_draft_does_not_mark_the_offer_as_held(personas, contact):
    offer = AssessmentOfferFactory(contact=contact, therapist=personas.therapist)

    _save(contact, personas.therapist, complete_data())

    offer.refresh_from_db()
    assert offer.held_at is None


def test_completing_keeps_a_held_time_already_on_the_offer(personas, contact):
    earlier = NOW - timedelta(days=1)
    offer = AssessmentOfferFactory(contact=contact, therapist=personas.therapist, held_at=earlier)

    _save(contact, personas.therapist, complete_data(), complete=True)

    offer.refresh_from_db()
    assert offer.held_at == earlier


def test_completing_without_an_offer_is_fine(personas, contact):
    saved = _save(contact, personas.therapist, complete_data(), complete=True)

    assert saved.is_complete


def test_only_the_chosen_branch_of_the_outcome_is_kept(personas, contact):
    data = complete_data(
        decision=Decision.OUTSIDE, step=Step.INDIVIDUAL, route=Route.GP_TSB, decision_reason="Rus"
    )

    saved = _save(contact, personas.therapist, data, complete=True)

    assert saved.step is None
    assert saved.route == Route.GP_TSB


@pytest.mark.parametrize(
    "changes",
    [
        {"phq9_answers": [0, 1, 2]},
        {"phq9_answers": [0, 1, 2, 3, 7, 0, 1, 2, 3, 0]},
        {"gad7_answers": [0, 0, 0, 0, 0, 0, 0, 0]},
        {"gad7_answers": ["x", 0, 0, 0, 0, 0, 0]},
        {"exclusion_factors": ["werewolf"]},
        {"work_statuses": ["astronaut"]},
        {"children_ages": [-2]},
        {"mode": ""},
        {"sleep": "x" * 1001},
        {"work_percentage": 150},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_bad_values_are_refused_and_nothing_is_saved(personas, contact, changes):
    with pytest.raises(ValidationError) as refused:
        _save(contact, personas.therapist, complete_data(**changes))

    assert set(refused.value.message_dict) == set(changes)
    assert not Assessment.objects.exists()


def test_a_field_the_service_does_not_know_is_a_programming_error(personas, contact):
    with pytest.raises(ValueError, match="status"):
        _save(contact, personas.therapist, complete_data(status="complete"))


@time_machine.travel(NOW, tick=False)
def test_an_assessment_in_the_future_cannot_be_completed(personas, contact):
    offer = AssessmentOfferFactory(contact=contact, therapist=personas.therapist)

    with pytest.raises(ValidationError) as refused:
        _save(
            contact,
            personas.therapist,
            complete_data(held_at=NOW + timedelta(days=1)),
            complete=True,
        )

    assert "En kartlegging kan ikke fullføres før samtalen er holdt." in str(refused.value)
    offer.refresh_from_db()
    assert offer.held_at is None
    assert not Assessment.objects.filter(status=AssessmentStatus.COMPLETE).exists()
