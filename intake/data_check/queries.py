"""The data check: what the one-open-contact rule and the consent register do not allow, left
by data from before those rules (or by a bug). Read by the management command and the team
lead's page (intake.data_check.views)."""

from dataclasses import dataclass

from django.db import models

from intake.consents.services import reach_now_for
from intake.models import Client, Consent, Contact, ReachKind
from rph.accounts.models import Team


@dataclass(frozen=True)
class OpenDuplicates:
    client: Client
    contacts: list[Contact]  # oldest first: the one the others are merged into


@dataclass(frozen=True)
class ConsentConflict:
    client: Client
    problem: str  # "needs_review" or "no_channel"
    line: Consent | None


def clients_with_open_duplicates(teams: list[Team] | None = None) -> list[OpenDuplicates]:
    """Clients with more than one open contact, with those contacts, oldest first."""
    open_contacts = Contact.objects.open()
    if teams is not None:
        open_contacts = open_contacts.filter(team__in=teams)
    doubled = (
        open_contacts.values("client_id").annotate(n=models.Count("pk")).filter(n__gt=1)
    ).values("client_id")
    rows = (
        open_contacts.filter(client_id__in=doubled)
        .select_related("client", "team")
        .order_by("client_id", "registered_at", "pk")
    )
    found: dict[int, OpenDuplicates] = {}
    for contact in rows:
        found.setdefault(contact.client_id, OpenDuplicates(contact.client, [])).contacts.append(
            contact
        )
    return list(found.values())


def consent_conflicts(teams: list[Team] | None = None) -> list[ConsentConflict]:
    """Consent lines in force flagged for review (earlier contacts disagreed), and clients
    who agreed to digital questionnaires but to no way of sending them (SMS or e-mail)."""
    current = Consent.objects.current().filter(party__in=ReachKind.values)
    if teams is not None:
        current = current.filter(team__in=teams)
    conflicts = [
        ConsentConflict(line.client, "needs_review", line)
        for line in current.filter(needs_review=True).select_related("client", "recorded_by")
    ]
    digital = current.filter(party=ReachKind.DIGITAL_QUESTIONNAIRES, given=True)
    clients = {line.client_id: line.client for line in digital.select_related("client")}
    for client_id, reach in reach_now_for(clients).items():
        if not (reach.allows(ReachKind.SMS) or reach.allows(ReachKind.EMAIL)):
            conflicts.append(
                ConsentConflict(
                    clients[client_id], "no_channel", reach.lines.get("digital_questionnaires")
                )
            )
    return conflicts
