from collections.abc import Iterable

from django.db import transaction

from intake.models import Client
from rph.accounts.models import User


@transaction.atomic
def client_set_care_team(*, client: Client, members: Iterable[User]) -> None:
    client.care_team.set(members)


CONTACT_FIELDS = frozenset(
    {"first_name", "last_name", "fodselsnummer", "phone", "email", "home_municipality", "gp"}
)


@transaction.atomic
def client_update_contact(*, client: Client, changes: dict[str, object]) -> Client:
    """Change contact details; raises ValidationError (and saves nothing) on bad input."""
    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(client, field, value)
    client.full_clean()
    client.save()
    return client
