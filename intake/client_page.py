"""What the client page shows of the client's contacts (henvendelser)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake.deadlines import clock_state, time_left
from intake.models import Assessment, Client, Contact
from intake.queue_views import Clock


@dataclass(frozen=True)
class ContactRow:
    contact: Contact
    clock: Clock | None  # None: closed before anyone was offered an assessment
    assessment: Assessment | None  # always None for a reader without clinical access


def client_page_context(client: Client, *, clinical: bool, now: datetime) -> dict[str, Any]:
    """The contacts for everyone; the assessments, newest first, only for clinical eyes."""
    rows = contact_rows(client, clinical=clinical, now=now)
    return {"contacts": rows, "assessments": [row.assessment for row in rows if row.assessment]}


def contact_rows(client: Client, *, clinical: bool, now: datetime) -> list[ContactRow]:
    """One query, however many contacts: offer, attempts count and assessment come along."""
    return [
        ContactRow(
            contact=contact,
            clock=_clock(contact, now),
            assessment=getattr(contact, "assessment", None) if clinical else None,
        )
        for contact in Contact.objects.for_client_page(client, clinical=clinical)
    ]


def _clock(contact: Contact, now: datetime) -> Clock | None:
    if contact.status == Contact.Status.CLOSED and contact.offered_at is None:
        return None
    state = clock_state(now, contact.deadline, contact.team.due_soon_hours, contact.offered_at)
    return Clock(state=state, left=time_left(contact.offered_at or now, contact.deadline))
