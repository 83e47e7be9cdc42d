"""assessment_offer stops the clock; assessment_mark_held records when the assessment was."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.models import AssessmentOffer, Contact, ContactAttempt, Mode
from intake.queue.services import assessment_mark_held, assessment_offer, attempt_record
from rph.accounts.roles import Role
from tests.accounts.factories import member
from tests.intake.factories import ContactFactory

Outcome = ContactAttempt.Outcome
NOW = "2026-03-02T10:00:00+01:00"


@pytest.fixture
def contact(personas, time_machine):
    time_machine.move_to(NOW, tick=False)
    return ContactFactory(team=personas.team, client=personas.client)


def reached(contact, by) -> None:
    attempt_record(contact=contact, by=by, method="phone", outcome=Outcome.REACHED)


def offer(contact, by, therapist, **changes):
    values = {"scheduled_for": timezone.now() + timedelta(days=2), "mode": Mode.VIDEO} | changes
    return assessment_offer(contact=contact, by=by, therapist=therapist, **values)


def test_it_stops_the_clock_and_records_the_offer(personas, contact):
    reached(contact, personas.clerical)

    made = offer(contact, personas.clerical, personas.colleague)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.OFFERED
    assert contact.offered_at == timezone.now()
    assert (made.offered_by, made.therapist, made.mode) == (
        personas.clerical,
        personas.colleague,
        Mode.VIDEO,
    )


def test_the_therapist_joins_the_clients_care_team(personas, contact):
    reached(contact, personas.clerical)

    offer(contact, personas.clerical, personas.colleague)

    assert set(personas.client.care_team.all()) == {personas.therapist, personas.colleague}


def test_it_needs_a_reached_attempt_first(personas, contact):
    attempt_record(contact=contact, by=personas.clerical, method="phone", outcome="no_answer")

    with pytest.raises(ValidationError, match="nådde personen"):
        offer(contact, personas.clerical, personas.colleague)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.OPEN
    assert not AssessmentOffer.objects.exists()


def test_the_therapist_must_be_a_clinician_in_the_team(personas, contact):
    reached(contact, personas.clerical)
    for wrong in (personas.clerical, personas.admin, personas.outsider):
        with pytest.raises(ValidationError) as error:
            offer(contact, personas.clerical, wrong)
        assert "therapist" in error.value.message_dict
    assert not personas.client.care_team.filter(pk=personas.clerical.pk).exists()


def test_a_deactivated_therapist_cannot_be_chosen(personas, contact):
    gone = member(personas.team, Role.THERAPIST, is_active=False)
    reached(contact, personas.clerical)

    with pytest.raises(ValidationError):
        offer(contact, personas.clerical, gone)


def test_a_time_in_the_past_is_refused(personas, contact):
    reached(contact, personas.clerical)

    with pytest.raises(ValidationError) as error:
        offer(
            contact,
            personas.clerical,
            personas.colleague,
            scheduled_for=timezone.now() - timedelta(hours=1),
        )

    assert "scheduled_for" in error.value.message_dict


def test_a_time_later_this_minute_is_accepted(personas, contact, time_machine):
    time_machine.move_to("2026-03-02T10:00:40+01:00", tick=False)
    reached(contact, personas.clerical)

    offer(
        contact,
        personas.clerical,
        personas.colleague,
        scheduled_for=timezone.now().replace(second=0),
    )

    assert AssessmentOffer.objects.count() == 1


def test_an_unknown_mode_is_refused(personas, contact):
    reached(contact, personas.clerical)

    with pytest.raises(ValidationError) as error:
        offer(contact, personas.clerical, personas.colleague, mode="telepathy")

    assert "mode" in error.value.message_dict
    contact.refresh_from_db()
    assert contact.status == Contact.Status.OPEN


def test_a_second_offer_is_refused(personas, contact):
    reached(contact, personas.clerical)
    offer(contact, personas.clerical, personas.colleague)

    with pytest.raises(ValidationError, match="åpen"):
        offer(contact, personas.clerical, personas.psychologist)

    assert AssessmentOffer.objects.get().therapist == personas.colleague


def test_a_closed_contact_cannot_be_offered(personas, contact):
    reached(contact, personas.clerical)
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.CLOSED)

    with pytest.raises(ValidationError):
        offer(contact, personas.clerical, personas.colleague)


def test_an_offer_after_the_deadline_still_stops_the_clock(personas, contact, time_machine):
    reached(contact, personas.clerical)
    time_machine.move_to(contact.deadline + timedelta(hours=3), tick=False)

    offer(contact, personas.clerical, personas.colleague)

    contact.refresh_from_db()
    assert contact.offered_at > contact.deadline


def test_the_assessment_is_marked_held(personas, contact, time_machine):
    reached(contact, personas.clerical)
    made = offer(contact, personas.clerical, personas.colleague)
    time_machine.move_to(made.scheduled_for + timedelta(hours=1), tick=False)

    assessment_mark_held(offer=made, held_at=made.scheduled_for)

    made.refresh_from_db()
    assert made.held_at == made.scheduled_for


@pytest.mark.parametrize(
    "when", [timedelta(minutes=5), -timedelta(days=30)], ids=["future", "before contact"]
)
def test_a_held_time_in_the_future_or_before_the_contact_is_refused(personas, contact, when):
    reached(contact, personas.clerical)
    made = offer(contact, personas.clerical, personas.colleague)

    with pytest.raises(ValidationError) as error:
        assessment_mark_held(offer=made, held_at=timezone.now() + when)

    assert "held_at" in error.value.message_dict
    made.refresh_from_db()
    assert made.held_at is None
