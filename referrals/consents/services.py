"""What the client's consent register (intake.consents) allows to be shared, and with whom.

The register is intake's (`intake.models.Consent`, append-only: a change is a new row, so
the rows are the history and the audit; seed 000 §5.1; pasient- og brukerrettighetsloven
§3-6 and §5-3; helsepersonelloven §25). This module reads its sharing lines (`Party`):

- The GP gets the epikrise unless the client objects: an objection is a current GP row
  with `given=False`. No GP row at all means no objection.
- Anyone else needs the client's consent: a current row for that party (for a named
  recipient, that recipient's row, else the party-wide row) with `given=True`.
"""

import re

from django.utils.translation import gettext as _

from intake.consents.services import MAX_RECIPIENT, consent_record, key
from intake.models import Assessment, Client, Consent, ConsentMethod, Party


def objects_to_epikrise(client: Client) -> bool:
    """Whether the client currently objects to the epikrise going to the GP (§5-3)."""
    return Consent.objects.current().filter(client=client, party=Party.GP, given=False).exists()


def may_share(client: Client, party: str, recipient: str = "") -> bool:
    """Whether the register currently allows sharing with `party` (and `recipient`)."""
    if party == Party.GP:
        return not objects_to_epikrise(client)
    current = Consent.objects.current().filter(client=client, party=party)
    return consent_holds({row.recipient: row.given for row in current}, recipient)


def consent_holds(current: dict[str, bool], recipient: str = "") -> bool:
    """Pure rule over one party's current lines (recipient name -> given).

    A named recipient's own line decides; without one, the party-wide line ("") does.
    Asked without a name: the party-wide line, else whether any named line allows it.
    """
    by_name = {key(name): given for name, given in current.items()}
    name = key(recipient)
    if name in by_name:
        return by_name[name]
    if "" in by_name:
        return by_name[""]
    return not name and any(by_name.values())


def current_consents(client: Client) -> list[Consent]:
    """What holds now, one row per party and recipient, in the order of the parties."""
    order = {value: index for index, value in enumerate(Party.values)}
    rows = (
        Consent.objects.current()
        .filter(client=client, party__in=Party.values)
        .select_related("recorded_by")
    )
    return sorted(rows, key=lambda row: (order[row.party], key(row.recipient)))


# Seeding the register from a completed assessment ---------------------------------------

_KEYWORDS: tuple[tuple[str, Party], ...] = (
    (r"\bnav\b", Party.NAV),
    (r"\bdps\b|spesialisthelse|psykiatri|poliklinikk", Party.DPS),
    (r"bedriftshelse|\bbht\b", Party.OCCUPATIONAL_HEALTH),
    (r"arbeidsgiver|\bleder\b|\bsjef\b", Party.EMPLOYER),
    (r"skole|helsesykepleier|rådgiver", Party.SCHOOL),
    (r"pårørende|ektefelle|samboer|partner|foreldre", Party.RELATIVES),
)


def recipients_from_text(text: str) -> list[tuple[Party, str]]:
    """The assessment's free-text 'other epikrise recipients', one (party, name) each.

    Split on commas, semicolons, new lines and " og "; each part goes to the party its
    words name (NAV, DPS, employer, ...), else to "other". The name is kept as written.
    """
    parts = re.split(r"[,;\n]|\bog\b", text, flags=re.IGNORECASE)
    found: list[tuple[Party, str]] = []
    for part in parts:
        name = " ".join(part.split())[:MAX_RECIPIENT]
        if not name:
            continue
        party = next(
            (party for pattern, party in _KEYWORDS if re.search(pattern, name, re.IGNORECASE)),
            Party.OTHER,
        )
        if (party, name) not in found:
            found.append((party, name))
    return found


def assessment_consents(assessment: Assessment) -> list[tuple[Party, str, bool]]:
    """What the assessment agreed: (party, recipient, given) for each line it implies."""
    lines: list[tuple[Party, str, bool]] = []
    if assessment.client_objects_to_epikrise:
        lines.append((Party.GP, "", False))
    elif assessment.epikrise_to_gp:
        lines.append((Party.GP, "", True))
    lines += [
        (party, name, True)
        for party, name in recipients_from_text(assessment.epikrise_other_recipients)
    ]
    return lines


def consents_seed_from_assessment(*, assessment: Assessment) -> list[Consent]:
    """Put what a completed assessment agreed into the register. Idempotent.

    Never overrides the register: a line recorded since the assessment was completed wins,
    and a consent from the assessment is only added where the register has no line for
    that party and recipient. An objection is always added unless one already holds.
    """
    if not assessment.is_complete:
        return []
    client = assessment.contact.client
    completed_at = assessment.completed_at
    current = {
        (row.party, key(row.recipient)): row
        for row in Consent.objects.current().filter(client=client, party__in=Party.values)
    }
    added = []
    for party, recipient, given in assessment_consents(assessment):
        line_key = (party, key(recipient))
        since = Consent.objects.filter(
            client=client, party=party, recorded_at__gte=completed_at
        ).values_list("recipient", flat=True)
        if any(key(name) == line_key[1] for name in since):
            continue
        line = current.get(line_key)
        if line is not None and (given or not line.given):
            continue
        added.append(
            consent_record(
                client=client,
                by=assessment.therapist,
                party=party,
                recipient=recipient,
                given=given,
                note=_("Agreed in the assessment"),
                method=ConsentMethod.ASSESSMENT,
                recorded_at=completed_at,
            )
        )
    return added
