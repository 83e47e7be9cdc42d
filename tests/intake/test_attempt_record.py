"""attempt_record: every try to reach the person is logged; a closed contact takes no more."""

import pytest
from django.core.exceptions import ValidationError

from intake.models import Contact, ContactAttempt
from intake.queue.services import attempt_record
from tests.intake.factories import ContactFactory

Outcome = ContactAttempt.Outcome
Method = ContactAttempt.Method


@pytest.fixture
def contact(personas):
    return ContactFactory(team=personas.team, client=personas.client)


def test_it_logs_time_person_channel_outcome_and_note(personas, contact, time_machine):
    time_machine.move_to("2026-03-02T09:15:00+01:00", tick=False)

    attempt = attempt_record(
        contact=contact,
        by=personas.clerical,
        method=Method.PHONE,
        outcome=Outcome.MESSAGE_LEFT,
        note="  Ring igjen etter 14  ",
    )

    attempt.refresh_from_db()
    assert attempt.at.isoformat() == "2026-03-02T08:15:00+00:00"
    assert (attempt.by, attempt.method, attempt.outcome) == (
        personas.clerical,
        Method.PHONE,
        Outcome.MESSAGE_LEFT,
    )
    assert attempt.note == "Ring igjen etter 14"


def test_the_note_is_optional(personas, contact):
    attempt = attempt_record(
        contact=contact, by=personas.therapist, method=Method.SMS, outcome=Outcome.NO_ANSWER
    )

    assert attempt.note == ""


def test_it_refuses_a_closed_contact_and_saves_nothing(personas, contact):
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.CLOSED)

    with pytest.raises(ValidationError, match="avsluttet"):
        attempt_record(
            contact=contact, by=personas.therapist, method=Method.PHONE, outcome=Outcome.REACHED
        )

    assert not ContactAttempt.objects.exists()


def test_it_still_logs_calls_after_an_assessment_was_offered(personas, contact):
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.OFFERED)

    attempt_record(
        contact=contact, by=personas.therapist, method=Method.PHONE, outcome=Outcome.REACHED
    )

    assert contact.attempts.count() == 1


@pytest.mark.parametrize(
    ("field", "value"), [("method", "pigeon"), ("outcome", "maybe"), ("note", "x" * 501)]
)
def test_it_refuses_values_outside_the_lists(personas, contact, field, value):
    data = {"method": Method.PHONE, "outcome": Outcome.NO_ANSWER, "note": ""} | {field: value}

    with pytest.raises(ValidationError) as error:
        attempt_record(contact=contact, by=personas.therapist, **data)

    assert field in error.value.message_dict
    assert not ContactAttempt.objects.exists()
