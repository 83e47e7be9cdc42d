"""The collaboration log (samarbeid): meetings and contacts with NAV, employers, occupational
health, school, DPS and relatives about one client (seed 000 §5.1.2-5.1.3).

An entry is allowed only while the consent register allows sharing with that party (the
entry keeps the consent line it relied on), or as an anonymous case discussion where the
client is not named.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from intake.models import Client, Consent, Party
from referrals.models import CollaborationEntry, WorkAction
from rph.accounts.models import User
from treatment.models import Episode

COLLABORATION_PARTIES = (
    Party.NAV,
    Party.EMPLOYER,
    Party.OCCUPATIONAL_HEALTH,
    Party.SCHOOL,
    Party.DPS,
    Party.RELATIVES,
    Party.OTHER,
)
MAX_PARTICIPANTS = 500
MAX_AGREED = 3000


@dataclass(frozen=True)
class EntryRow:
    entry: CollaborationEntry
    work_actions: list[str]  # labels


def collaboration_rows(client: Client) -> list[EntryRow]:
    """The client's entries, newest first, with the work-related actions as labels."""
    labels = dict(WorkAction.choices)
    entries = CollaborationEntry.objects.filter(client=client).select_related(
        "recorded_by", "consent"
    )
    return [
        EntryRow(entry, [str(labels.get(value, value)) for value in entry.work_actions])
        for entry in entries
    ]


def consents_for_collaboration(client: Client) -> list[Consent]:
    """The current consents an entry can rely on: given, to a party one collaborates with."""
    return list(
        Consent.objects.current()
        .filter(client=client, given=True, party__in=COLLABORATION_PARTIES)
        .order_by("party", "recipient")
    )


@transaction.atomic
def collaboration_record(
    *,
    client: Client,
    by: User,
    party: str,
    held_on: date,
    participants: str,
    agreed: str,
    work_actions: Iterable[str] = (),
    anonymous: bool = False,
    consent: Consent | None = None,
) -> CollaborationEntry:
    """Record a meeting or contact; raises ValidationError (and saves nothing) on bad input.

    Without `consent`, the party's one current consent is used; with several, the caller
    must choose. A withdrawn consent refuses the entry.
    """
    actions = list(dict.fromkeys(work_actions))
    participants, agreed = participants.strip(), agreed.strip()
    errors = _entry_errors(party, held_on, participants, agreed, actions)
    if errors:
        raise ValidationError(errors)
    entry = CollaborationEntry(
        team_id=client.team_id,
        client=client,
        episode=_open_episode(client),
        party=party,
        anonymous=anonymous,
        consent=None if anonymous else _consent_for(client, party, consent),
        held_on=held_on,
        participants=participants,
        agreed=agreed,
        work_actions=actions,
        recorded_by=by,
    )
    entry.save()
    return entry


def _entry_errors(
    party: str, held_on: date, participants: str, agreed: str, actions: list[str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if party not in COLLABORATION_PARTIES:
        errors["party"] = [_("Choose who the meeting or contact was with.")]
    if held_on > timezone.localdate():
        errors["held_on"] = [_("The date cannot be in the future.")]
    if not participants:
        errors["participants"] = [_("Write who took part.")]
    elif len(participants) > MAX_PARTICIPANTS:
        errors["participants"] = [
            _("The text is too long: at most %(max)d characters.") % {"max": MAX_PARTICIPANTS}
        ]
    if not agreed:
        errors["agreed"] = [_("Write what was agreed.")]
    elif len(agreed) > MAX_AGREED:
        errors["agreed"] = [
            _("The text is too long: at most %(max)d characters.") % {"max": MAX_AGREED}
        ]
    if set(actions) - set(WorkAction.values):
        errors["work_actions"] = [_("Choose work-related actions from the list.")]
    return errors


def _consent_for(client: Client, party: str, chosen: Consent | None) -> Consent:
    """The current consent line the entry relies on, or a clear refusal."""
    current = list(Consent.objects.current().filter(client=client, party=party))
    if chosen is not None:
        line = next((row for row in current if row.recipient == chosen.recipient), None)
        if chosen.client_id != client.pk or chosen.party != party or line is None:
            message = _("Choose one of the client's consents for this party.")
            raise ValidationError({"consent": [message]})
        current = [line]
    given = [row for row in current if row.given]
    if len(given) == 1:
        return given[0]
    if given:
        raise ValidationError({"consent": [_("Choose which consent the meeting relies on.")]})
    party_label = Party(party).label
    if current:
        withdrawn = max(current, key=lambda row: row.recorded_at)
        when = formats.date_format(timezone.localtime(withdrawn.recorded_at), "SHORT_DATE_FORMAT")
        message = _(
            "The client withdrew consent to share information with %(party)s on %(date)s. "
            "Record new consent first, or record an anonymous case discussion."
        ) % {"party": party_label, "date": when}
    else:
        message = _(
            "There is no consent to share information with %(party)s. Record the client's "
            "consent first, or record an anonymous case discussion."
        ) % {"party": party_label}
    raise ValidationError({"consent": [message]})


def _open_episode(client: Client) -> Episode | None:
    episodes = list(Episode.objects.open().filter(client=client)[:2])
    return episodes[0] if len(episodes) == 1 else None
