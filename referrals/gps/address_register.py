"""HER-ids from the address register (Adresseregisteret, Norsk Helsenett): its XML export.

The export lists communication parties: each `Organization` (a GP office) with its `HerId`
and `Name`, and inside it the `OrganizationPerson`s (its GPs), each with a `HerId` and the
person's `HprNumber`. Element names are matched without their namespace, so the register's
namespace (http://register.nhn.no/CommunicationParty) and an export without one both read.

The GP registry keeps its GPs (the fastlege list says which municipalities they serve); the
export only gives known GPs, matched by HPR number, their HER-id and their office's HER-id.
Each person is checked on its own and reported; a file that is not XML is refused whole.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from lxml import etree

from intake.models import GeneralPractitioner
from referrals.gps.services import HPR, ImportReport, Rejected

HER_ID_DIGITS = 9


@dataclass(frozen=True)
class HerIds:
    line: int
    hpr_number: str
    her_id: str
    office_her_id: str


@dataclass
class ParsedRegister:
    people: list[HerIds] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    error: str = ""


def looks_like_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _valid_her_id(value: str) -> bool:
    return value.isdigit() and not value.startswith("0") and len(value) <= HER_ID_DIGITS


def _child_text(element: etree._Element, name: str) -> str:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return " ".join((child.text or "").split())
    return ""


def _all(element: etree._Element, name: str) -> list[etree._Element]:
    return [
        found
        for found in element.iter(etree.Element)
        if etree.QName(found).localname == name and found is not element
    ]


def address_register_parse(data: bytes) -> ParsedRegister:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return ParsedRegister(error=_("The file is not well-formed XML."))
    parsed = ParsedRegister()
    organizations = _all(root, "Organization") or (
        [root] if etree.QName(root).localname == "Organization" else []
    )
    if not organizations:
        parsed.error = _("The file has no Organization from the address register.")
        return parsed
    seen: dict[str, int] = {}
    for organization in organizations:
        office_her_id = _child_text(organization, "HerId")
        for person in _all(organization, "OrganizationPerson"):
            line = person.sourceline or 0
            her_id = _child_text(person, "HerId")
            hpr = next((_child_text(p, "HprNumber") for p in _all(person, "Person")), "")
            hpr = hpr or _child_text(person, "HprNumber")
            problems = []
            if not HPR.match(hpr):
                problems.append(_("The HPR number must be 4 to 9 digits."))
            if not _valid_her_id(her_id):
                problems.append(_("The GP's HER-id must be a number of 1 to 9 digits."))
            if not _valid_her_id(office_her_id):
                problems.append(_("The GP office's HER-id must be a number of 1 to 9 digits."))
            if her_id and her_id == office_her_id:
                problems.append(_("The GP and the GP office have the same HER-id."))
            if hpr in seen:
                problems.append(
                    _("The HPR number is also on line %(line)d; only that one is imported.")
                    % {"line": seen[hpr]}
                )
            if problems:
                parsed.rejected.append(Rejected(line, " ".join(problems)))
                continue
            seen[hpr] = line
            parsed.people.append(HerIds(line, hpr, her_id, office_her_id))
    return parsed


@transaction.atomic
def her_ids_import(*, data: bytes) -> ImportReport:
    """Set the HER-ids of the GPs the export names; the report says what happened to each."""
    parsed = address_register_parse(data)
    report = ImportReport(rejected=list(parsed.rejected), error=parsed.error)
    if parsed.error:
        return report
    gps = {
        gp.hpr_number: gp
        for gp in GeneralPractitioner.objects.filter(
            hpr_number__in=[person.hpr_number for person in parsed.people]
        )
    }
    wanted = {person.her_id: person.hpr_number for person in parsed.people}
    holders = dict(
        GeneralPractitioner.objects.filter(her_id__in=wanted).values_list("her_id", "hpr_number")
    )
    offices = {person.office_her_id for person in parsed.people}
    changed = []
    for person in parsed.people:
        gp = gps.get(person.hpr_number)
        if gp is None:
            report.rejected.append(
                Rejected(person.line, _("No GP in the registry has this HPR number."))
            )
            continue
        holder = holders.get(person.her_id)
        if (holder and holder != person.hpr_number) or person.her_id in offices:
            report.rejected.append(
                Rejected(person.line, _("The HER-id already belongs to another GP or GP office."))
            )
            continue
        if gp.her_id == person.her_id and gp.office_her_id == person.office_her_id:
            report.unchanged += 1
            continue
        gp.her_id, gp.office_her_id = person.her_id, person.office_her_id
        changed.append(gp)
    # Clear first, so two GPs swapping HER-ids never meet the unique constraint halfway.
    GeneralPractitioner.objects.filter(pk__in=[gp.pk for gp in changed]).update(her_id=None)
    GeneralPractitioner.objects.bulk_update(changed, ["her_id", "office_her_id"], batch_size=500)
    report.updated = len(changed)
    return report
