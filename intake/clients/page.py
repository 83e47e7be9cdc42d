"""What the client page shows of the client's contacts (henvendelser), and the sections that
later apps add to it (questionnaires, treatment) without intake importing them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest

from intake.deadlines import clock_state, time_left
from intake.models import Assessment, Client, Contact
from intake.queue.views import Clock
from rph.accounts.access import Access

# fn(request, client, access) -> the section's HTML, or None to show nothing.
ClientSection = Callable[[HttpRequest, Client, Access], str | None]
_sections: list[ClientSection] = []


def register_client_section(section: ClientSection) -> ClientSection:
    """Add a section to the clinical part of the client page (from an AppConfig.ready)."""
    if section not in _sections:
        _sections.append(section)
    return section


def client_sections(request: HttpRequest, client: Client, access: Access) -> list[str]:
    """The registered sections' HTML, in order; nothing at all without clinical access."""
    if not access.clinical:
        return []
    rendered = (section(request, client, access) for section in _sections)
    return [html for html in rendered if html]


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
