"""Shared by the outbox tests: a consenting client booked for an assessment, and a backend
that records what it would have sent."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from intake.models import AssessmentOffer, Contact, ContactAttempt, Mode, ReachKind
from intake.queue.services import assessment_offer, attempt_record
from questionnaires.models import Message
from questionnaires.sending import DeliveryError
from rph.accounts.models import Municipality, Team, User
from tests.intake.factories import ClientFactory, ContactFactory, give_consents

TOKEN = re.compile(r"/skjema/([A-Za-z0-9_-]{43})/")


def health_team(team: Team) -> Team:
    """The team's name says what it is about; the municipality's does not."""
    team.name = f"Rask psykisk helsehjelp {team.pk}"
    team.save()
    Municipality.objects.filter(pk=_home(team).pk).update(name="Ørland")
    return team


def _home(team: Team) -> Municipality:
    return team.municipalities.order_by("pk").first()


def consenting_contact(team: Team, *, sms: bool = True, email: bool = False, **client) -> Contact:
    fields = {
        "first_name": "Kari",
        "phone": "+4741234567",
        "email": "kari@example.no",
        "home_municipality": _home(team),
    }
    person = ClientFactory(team=team, **(fields | client))
    kinds = [ReachKind.DIGITAL_QUESTIONNAIRES]
    kinds += [ReachKind.SMS] if sms else []
    kinds += [ReachKind.EMAIL] if email else []
    give_consents(person, *kinds)
    return ContactFactory(team=team, client=person)


def book(contact: Contact, by: User, therapist: User, at: datetime) -> AssessmentOffer:
    attempt_record(contact=contact, by=by, method="phone", outcome=ContactAttempt.Outcome.REACHED)
    return assessment_offer(
        contact=contact, by=by, scheduled_for=at, therapist=therapist, mode=Mode.FACE_TO_FACE
    )


def token_in(body: str) -> str:
    match = TOKEN.search(body)
    assert match, "the message carries the link"
    return match.group(1)


@dataclass
class Recorder:
    """A backend: records each message it is given; fails with `error` if set."""

    sent: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    # The row's status in the database at the moment of the call.
    status_during_call: list[str] = field(default_factory=list)
    error: str = ""
    uncertain: bool = False
    keeps_link: bool = False
    deduplicates: bool = True
    delay: float = 0.0

    def send(self, message: Message) -> None:
        self.status_during_call.append(Message.objects.get(pk=message.pk).status)
        if self.delay:
            time.sleep(self.delay)
        if self.error:
            raise DeliveryError(self.error, uncertain=self.uncertain)
        self.sent.append(message.pk)
        self.keys.append(str(message.idempotency_key))


def enqueued_with(enqueue: Callable[[int], object]) -> Callable[..., object]:
    """Stands in for send_message.apply_async: hands the message id to `enqueue`."""
    return lambda args, **options: enqueue(*args)
