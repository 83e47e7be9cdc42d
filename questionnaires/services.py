"""Writes for instruments: a team's own definitions, and keeping the shipped ones current."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from questionnaires.definitions import (
    Definition,
    DefinitionError,
    parse_definition,
    shipped_definition_data,
)
from questionnaires.models import Instrument
from questionnaires.scoring import SHIPPED
from rph.accounts.models import Team


def instrument_check(*, team: Team, data: object, instrument_id: int | None = None) -> Definition:
    """Parse a team's definition and check it against the instruments already stored."""
    definition = parse_definition(data)
    if definition.code in SHIPPED:
        raise DefinitionError(
            _("%(code)s is the code of an instrument shipped with RPH; choose another code.")
            % {"code": definition.code}
        )
    taken = Instrument.objects.filter(team=team, code=definition.code, version=definition.version)
    if taken.exclude(pk=instrument_id).exists():
        raise DefinitionError(
            _("The team already has %(code)s version %(version)s; raise the version number.")
            % {"code": definition.code, "version": definition.version}
        )
    return definition


def instrument_save(
    *, instrument: Instrument, team: Team, data: dict[str, Any], active: bool
) -> Instrument:
    """Store a team's own instrument (new or changed) from a JSON definition."""
    definition = instrument_check(team=team, data=data, instrument_id=instrument.pk)
    instrument.team = team
    instrument.code = definition.code
    instrument.version = definition.version
    instrument.name = definition.name
    instrument.definition = data
    instrument.is_shipped = False
    instrument.active = active
    instrument.save()
    return instrument


@transaction.atomic
def shipped_instruments_sync() -> int:
    """Bring the stored shipped definitions in line with the package's JSON files.

    A new version becomes a new row (answers keep pointing at the version they were given
    with); a corrected text under the same version updates that row. Returns rows written.
    """
    written = 0
    for code, data in shipped_definition_data().items():
        parse_definition(data)  # never store a shipped definition that does not parse
        stored = Instrument.objects.filter(code=code, version=data["version"], team=None).first()
        if stored and stored.definition == data and stored.name == data["name"]:
            continue
        Instrument.objects.update_or_create(
            code=code,
            version=data["version"],
            team=None,
            defaults={"name": data["name"], "definition": data, "is_shipped": True},
        )
        written += 1
    return written
