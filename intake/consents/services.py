"""The client's consent register: one truth per client about what RPH may do.

Two sorts of line share the register (`intake.models.Consent`, append-only: a change is a
new line, so the lines are the history and the audit):

- how the team may reach the client (`ReachKind`: calls, SMS, e-mail, questionnaires sent
  digitally). Clerical staff and clinicians record them from the client page; the public
  self-referral form asks for them. Every place that decides whether a link, an SMS or an
  e-mail may go reads `reach_now` (questionnaires.outbox), nothing else.
- who information may be shared with (`Party`: the GP's epikrise, NAV, ...), recorded by
  the care team; the rules are referrals.consents.services (`may_share`).

Registering a contact never changes the register: only a person recording a change does.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import CONSENT_KINDS, Client, Consent, ConsentMethod, Party, ReachKind
from rph.accounts.models import User
from rph.versioning import check_version

# Parties with one register line per client: the client's own GP, and research (FHI).
UNNAMED_PARTIES = frozenset({Party.GP, Party.RESEARCH, *ReachKind.values})
KINDS = frozenset(value for value, _label in CONSENT_KINDS)
MAX_RECIPIENT = 200
MAX_NOTE = 500


def key(name: str) -> str:
    """A recipient's name as compared: spaces and capitals do not matter."""
    return " ".join(name.split()).casefold()


@transaction.atomic
def consent_record(
    *,
    client: Client,
    by: User | None,
    party: str,
    given: bool,
    recipient: str = "",
    note: str = "",
    method: str = "",
    recorded_at: datetime | None = None,
) -> Consent:
    """Add a line to the register; raises ValidationError (and saves nothing) on bad input.

    A recipient typed with other capitals or spaces than an earlier line for the same party
    is stored as written the first time, so it continues that line's history.
    """
    recipient = " ".join(recipient.split())
    note = note.strip()
    errors: dict[str, list[str]] = {}
    if party not in KINDS:
        errors["party"] = [_("Choose what the consent is for.")]
    elif party in UNNAMED_PARTIES and recipient:
        errors["recipient"] = [
            _("This consent needs no name: leave the name empty.")
            if party in ReachKind.values
            else _("The GP and research need no name: leave the name empty.")
        ]
    elif party == Party.OTHER and not recipient:
        errors["recipient"] = [_("Write who the information may be shared with.")]
    if method and method not in ConsentMethod.values:
        errors["method"] = [_("Choose how the client gave or withdrew the consent.")]
    if len(recipient) > MAX_RECIPIENT:
        errors.setdefault("recipient", []).append(
            _("The name is too long: at most %(max)d characters.") % {"max": MAX_RECIPIENT}
        )
    if len(note) > MAX_NOTE:
        errors["note"] = [
            _("The note is too long: at most %(max)d characters.") % {"max": MAX_NOTE}
        ]
    if errors:
        raise ValidationError(errors)
    return Consent.objects.create(
        team_id=client.team_id,
        client=client,
        party=party,
        recipient=_known_spelling(client, party, recipient),
        given=given,
        method=method,
        note=note,
        recorded_at=recorded_at or timezone.now(),
        recorded_by=by,
    )


def _known_spelling(client: Client, party: str, recipient: str) -> str:
    if not recipient:
        return ""
    names = Consent.objects.filter(client=client, party=party).values_list("recipient", flat=True)
    return next((name for name in names if key(name) == key(recipient)), recipient)


# How the team may reach the client ------------------------------------------------------


@dataclass(frozen=True)
class ReachNow:
    """The current line per reach kind (None: never recorded, which means no)."""

    lines: Mapping[str, Consent | None]

    def allows(self, kind: str) -> bool:
        line = self.lines.get(kind)
        return line is not None and line.given

    @property
    def rows(self) -> list[tuple[str, str, Consent | None]]:
        """(kind, label, current line) in the order of `ReachKind`, for the pages."""
        return [(kind, label, self.lines.get(kind)) for kind, label in ReachKind.choices]


def reach_now(client: Client) -> ReachNow:
    """What the register says now about calls, SMS, e-mail and digital questionnaires."""
    return reach_now_for([client.pk])[client.pk]


def reach_now_for(client_ids: Iterable[int]) -> dict[int, ReachNow]:
    """`reach_now` for many clients in one query (the outstanding list)."""
    ids = list(client_ids)
    current = Consent.objects.current().filter(client_id__in=ids, party__in=ReachKind.values)
    by_client: dict[int, dict[str, Consent]] = {pk: {} for pk in ids}
    for line in current.select_related("recorded_by"):
        by_client[line.client_id][line.party] = line
    return {pk: ReachNow(lines) for pk, lines in by_client.items()}


def link_refusal(reach: ReachNow, *, phone: bool, email: bool, channels: tuple[str, ...]) -> str:
    """Why no questionnaire link may go to the client (Norwegian, no personal data), or ""."""
    if not reach.allows(ReachKind.DIGITAL_QUESTIONNAIRES):
        line = reach.lines.get(ReachKind.DIGITAL_QUESTIONNAIRES)
        if line is not None:
            return _("The client has withdrawn consent to questionnaires sent digitally.")
        return _("The client has not agreed to get questionnaires sent digitally.")
    wanted = [
        kind
        for kind in channels
        if (kind == ReachKind.SMS and phone) or (kind == ReachKind.EMAIL and email)
    ]
    if any(reach.allows(kind) for kind in wanted):
        return ""
    withdrawn = [
        kind for kind in channels if reach.lines.get(kind) is not None and not reach.allows(kind)
    ]
    if ReachKind.SMS in withdrawn:
        return _("The client has withdrawn consent to SMS, and no other way to send is allowed.")
    if ReachKind.EMAIL in withdrawn:
        return _("The client has withdrawn consent to e-mail, and no other way to send is allowed.")
    return _(
        "The client has not agreed to SMS or e-mail with a phone number or e-mail address on "
        "record."
    )


def reach_version(client: Client) -> int:
    """The register's version for the reach consents: the id of its newest line, or 0."""
    last = (
        Consent.objects.filter(client=client, party__in=ReachKind.values)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return last or 0


def reach_changes_since(client: Client, version: int) -> list[Consent]:
    """The reach lines recorded after `version`, oldest first (what a stale form missed)."""
    return list(
        Consent.objects.filter(client=client, party__in=ReachKind.values, pk__gt=version)
        .select_related("recorded_by")
        .order_by("pk")
    )


@transaction.atomic
def reach_consents_change(
    *,
    client: Client,
    by: User | None,
    wanted: Mapping[str, bool],
    method: str,
    note: str = "",
    version: int | None = None,
) -> list[Consent]:
    """Record the kinds whose answer differs from what holds now; returns the new lines.

    A kind left out of `wanted` is not touched. Nothing is recorded when nothing changes.
    With `version` (what `reach_version` said when the form was read), a change recorded
    meanwhile refuses the save (rph.versioning.StaleVersion, code "conflict": the register
    is append-only, so its version is its newest line) and saves nothing.
    """
    unknown = set(wanted) - set(ReachKind.values)
    if unknown:
        raise ValidationError({"party": [_("Choose what the consent is for.")]})
    if not method:
        message = _("Choose how the client gave or withdrew the consent.")
        raise ValidationError({"method": [message]})
    # One writer at a time per client: the version check and the new lines stay together.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if version is not None:
        check_version(
            reach_version(client),
            version,
            current=client,
            message=_(
                "Someone else changed the client's consents after you opened the page. "
                "Nothing was saved: check what holds now and save again."
            ),
        )
    now = reach_now(client)
    return [
        consent_record(client=client, by=by, party=kind, given=given, method=method, note=note)
        for kind, given in wanted.items()
        if now.allows(kind) != given
    ]
