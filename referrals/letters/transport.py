"""How an approved letter leaves RPH: a small interface, so an electronic channel can be added.

Today every letter leaves on paper or by hand: staff print the frozen PDF and post it, send
it through the municipality's secure e-mail, or hand it to the client. `PrintTransport`
records that; there is nothing to call.

Electronically: `MessageTransport` queues the letter as a Dialogmelding to the GP's HER-id
(referrals/letters/outbox.py writes it to the folder the municipality's message service
sends from, and reads the receipts). Its receipt carries the message id; delivery is
confirmed later by the GP system's application receipt. `referrals.letters.services.letter_send`
claims the letter before calling `send` and rolls the claim back if `send` raises, so a
failed hand-over leaves the letter waiting to be sent.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.utils import timezone

from referrals.letters.outbox import message_queue
from referrals.models import Letter, SentVia


@dataclass(frozen=True)
class Receipt:
    via: str  # a SentVia value
    at: datetime
    reference: str = ""  # the channel's message id, when it has one


class LetterTransport(Protocol):
    def send(self, letter: Letter, pdf: bytes) -> Receipt: ...


class PrintTransport:
    """Printed and posted, sent by secure e-mail or handed over by staff: RPH records it."""

    def __init__(self, via: str) -> None:
        self.via = via

    def send(self, letter: Letter, pdf: bytes) -> Receipt:
        return Receipt(via=self.via, at=timezone.now())


class MessageTransport:
    """A Dialogmelding to the GP through the message service's folders; written on commit."""

    def send(self, letter: Letter, pdf: bytes) -> Receipt:
        message = message_queue(letter=letter)
        return Receipt(via=SentVia.MESSAGE, at=message.created_at, reference=message.msg_id)


def transport_for(via: str) -> LetterTransport:
    if via not in SentVia.values:
        raise ValueError(f"unknown way of sending: {via}")
    if via == SentVia.MESSAGE:
        return MessageTransport()
    return PrintTransport(via)
