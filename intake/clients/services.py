import copy
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Client
from rph.accounts.models import User
from rph.versioning import save_if_current


@transaction.atomic
def client_set_care_team(*, client: Client, members: Iterable[User]) -> None:
    client.care_team.set(members)


CONTACT_FIELDS = frozenset(
    {"first_name", "last_name", "fodselsnummer", "phone", "email", "home_municipality", "gp"}
)


@transaction.atomic
def client_update_contact(
    *, client: Client, changes: dict[str, object], version: int | None = None
) -> Client:
    """Change contact details; raises ValidationError (and saves nothing) on bad input.

    With `version` (what the form or API read), a save after someone else's raises
    rph.versioning.StaleVersion with what is saved now; without it (a change made in the
    same request the record was read in), the save is unconditional. Either way the
    version goes up, so an older form cannot overwrite this change.
    """
    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    candidate = copy.copy(client)
    for field, value in changes.items():
        setattr(candidate, field, value)
    candidate.full_clean()
    values = {field: getattr(candidate, field) for field in changes}
    save_if_current(
        client,
        version=client.version if version is None else version,
        values=values,
        also={"updated_at": timezone.now()},
        message=_(
            "Someone else changed the contact details after you opened the form. Nothing "
            "was saved: what is saved now is shown, your changes are kept in the form."
        ),
    )
    return client
