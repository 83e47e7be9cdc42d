"""Writes: instruments (a team's own definitions, the shipped ones kept current), invitations."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Client
from questionnaires.definitions import (
    Definition,
    DefinitionError,
    parse_definition,
    shipped_definition_data,
)
from questionnaires.models import Instrument, Invitation
from questionnaires.scoring import SHIPPED
from questionnaires.tokens import hash_token, new_token
from questionnaires.validity import link_expires_at
from rph.accounts.models import Team, User


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


def invitation_create(
    *,
    client: Client,
    instrument_codes: Sequence[str],
    occasion: models.Model | None = None,
    occasion_at: datetime | None = None,
    created_by: User | None = None,
    valid_from: datetime | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the raw token, which is never stored.

    `valid_from` (default now): a link sent later is valid from when it is sent.
    """
    unknown = set(instrument_codes) - set(
        Instrument.objects.available_to(client.team).values_list("code", flat=True)
    )
    if not instrument_codes or unknown:
        raise ValidationError(_("Choose questionnaires the team uses."))
    token, token_hash = new_token()
    now = timezone.now()
    start = max(valid_from or now, now)
    invitation = Invitation.objects.create(
        team=client.team,
        client=client,
        instrument_codes=list(instrument_codes),
        occasion_type=ContentType.objects.get_for_model(occasion) if occasion else None,
        occasion_id=occasion.pk if occasion else None,
        occasion_at=occasion_at,
        token_hash=token_hash,
        valid_from=start,
        expires_at=link_expires_at(
            created_at=start, occasion_at=occasion_at, grace_hours=client.team.link_grace_hours
        ),
        created_by=created_by,
        created_at=now,
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation behind a link, or None for a wrong, used or expired one."""
    now = timezone.now()
    return (
        Invitation.objects.filter(
            token_hash=hash_token(token),
            completed_at=None,
            valid_from__lte=now,
            expires_at__gt=now,
        )
        .select_related("client", "team")
        .first()
    )
