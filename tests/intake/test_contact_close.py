"""contact_close: unreachable only after the team's number of failed attempts."""

import pytest
from django.core.exceptions import ValidationError

from intake.models import Contact, ContactAttempt
from intake.queue.closing import CloseReason
from intake.queue.services import attempt_record, contact_close
from tests.intake.factories import ContactFactory

Outcome = ContactAttempt.Outcome


@pytest.fixture
def contact(personas):
    return ContactFactory(team=personas.team, client=personas.client)


def fail(contact, by, times: int, outcome: str = Outcome.NO_ANSWER) -> None:
    for _ in range(times):
        attempt_record(contact=contact, by=by, method="phone", outcome=outcome)


def test_unreachable_is_refused_before_the_teams_number_of_failed_attempts(personas, contact):
    fail(contact, personas.clerical, 2)

    with pytest.raises(ValidationError) as error:
        contact_close(contact=contact, by=personas.clerical, reason=CloseReason.UNREACHABLE)

    assert error.value.message_dict["reason"] == [
        "En person kan avsluttes som ikke nådd etter 3 mislykkede forsøk. 2 registrert så langt."
    ]
    contact.refresh_from_db()
    assert (contact.status, contact.closed_at) == (Contact.Status.OPEN, None)


def test_a_reached_call_is_not_a_failed_attempt(personas, contact):
    fail(contact, personas.clerical, 2)
    fail(contact, personas.clerical, 1, Outcome.REACHED)

    with pytest.raises(ValidationError):
        contact_close(contact=contact, by=personas.clerical, reason=CloseReason.UNREACHABLE)


def test_unreachable_is_allowed_after_the_teams_number(personas, contact, time_machine):
    time_machine.move_to("2026-03-04T12:00:00+01:00", tick=False)
    fail(contact, personas.clerical, 1, Outcome.MESSAGE_LEFT)
    fail(contact, personas.clerical, 1, Outcome.WRONG_NUMBER)
    fail(contact, personas.clerical, 1)

    contact_close(contact=contact, by=personas.clerical, reason=CloseReason.UNREACHABLE)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.CLOSED
    assert contact.close_reason == "unreachable"
    assert contact.closed_at.isoformat() == "2026-03-04T11:00:00+00:00"


def test_the_number_is_the_teams_own(personas, contact):
    personas.team.max_contact_attempts = 1
    personas.team.save()
    fail(contact, personas.clerical, 1)

    contact_close(contact=contact, by=personas.clerical, reason=CloseReason.UNREACHABLE)

    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.CLOSED


@pytest.mark.parametrize(
    "reason", [CloseReason.DECLINED, CloseReason.DUPLICATE, CloseReason.HELPED_ONWARD]
)
def test_other_reasons_close_without_attempts(personas, contact, reason):
    contact_close(contact=contact, by=personas.clerical, reason=reason)

    assert Contact.objects.get(pk=contact.pk).close_reason == reason


def test_an_unknown_reason_is_refused(personas, contact):
    with pytest.raises(ValidationError) as error:
        contact_close(contact=contact, by=personas.clerical, reason="bored")

    assert "reason" in error.value.message_dict
    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.OPEN


@pytest.mark.parametrize("status", [Contact.Status.OFFERED, Contact.Status.CLOSED])
def test_only_an_open_contact_can_be_closed(personas, contact, status):
    Contact.objects.filter(pk=contact.pk).update(status=status, close_reason="")

    with pytest.raises(ValidationError, match="Bare en åpen henvendelse"):
        contact_close(contact=contact, by=personas.clerical, reason=CloseReason.DECLINED)

    assert Contact.objects.get(pk=contact.pk).close_reason == ""
