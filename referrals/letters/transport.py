"""How an approved letter leaves RPH: a small interface, so an electronic channel can be added.

Today every letter leaves on paper or by hand: staff print the frozen PDF and post it, send
it through the municipality's secure e-mail, or hand it to the client. `PrintTransport`
records that; there is nothing to call.

Where the health network plugs in: a `LetterTransport` that sends the approved letter as a
Dialogmelding or an epikrise (KITH/HL7 XML, with the PDF as attachment) to the GP's HER-id
through Norsk Helsenett (the municipality's message service or EPJ's AMQP/EDI gateway), and
returns the message id and the applikasjonskvittering as its receipt. It would be a new
`SentVia` value mapped in `transport_for`; `referrals.letters.services.letter_send` claims
the letter before calling `send` and rolls the claim back if `send` raises, so a failed
delivery leaves the letter waiting to be sent.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.utils import timezone

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


def transport_for(via: str) -> LetterTransport:
    if via not in SentVia.values:
        raise ValueError(f"unknown way of sending: {via}")
    return PrintTransport(via)
