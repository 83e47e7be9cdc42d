"""An approved letter as a health-network message: a Dialogmelding in a MsgHead envelope.

The standards (KITH, now Helsedirektoratet): Hodemelding MsgHead v1.2 (namespace
http://www.kith.no/xmlstds/msghead/2006-05-24), Dialogmelding v1.1 (namespace
http://www.kith.no/xmlstds/dialog/2013-01-23) and the Base64Container v1.0 for the PDF. The
element names and their order follow the schemas' sequences; docs/letters-and-collaboration.md
says which parts are used.

- MsgInfo: the type (kodeverk 8255, DIALOG_NOTAT), the MIG version, when it was made, the
  unique MsgId (kept on referrals.LetterMessage), a request for an application receipt (Ack),
  the sender (the team, by its HER-id), the receiver (the GP office by its HER-id with the GP
  by HER-id and HPR number inside) and the patient (fødselsnummer, D- or H-number; without one
  the name and birth date, which MsgHead allows: "name or Ident must be given").
- Document 1: the Dialogmelding, one Notat per section of the letter (heading as Tema, the
  therapist's text as TekstNotatInnhold), the first naming the approver as author.
- Document 2: the frozen PDF as a RefDoc attachment (MsgType A, application/pdf, base64).

Built as an lxml tree: every value is a text node or attribute, escaped by lxml. Characters
XML 1.0 cannot carry (control characters pasted from elsewhere) are dropped first.
"""

import base64
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from referrals.letters.display import LETTER_LANGUAGE, letter_title
from referrals.models import Letter

NS_MSGHEAD = "http://www.kith.no/xmlstds/msghead/2006-05-24"
NS_DIALOG = "http://www.kith.no/xmlstds/dialog/2013-01-23"
NS_BASE64 = "http://www.kith.no/xmlstds/base64container"
MIG_VERSION = "v1.2 2006-05-24"  # fixed by MsgHead-v1_2.xsd

# Code systems (Volven OIDs) and values, in one place.
OID = "2.16.578.1.12.4.1.1."
MSG_TYPE = ("DIALOG_NOTAT", "Notat")  # kodeverk 8255 Meldingens funksjon (a CS: no S)
ORG_ID_TYPE = OID + "9051"  # 9051 ID-typer for organisatoriske enheter: HER
PERSON_ID_TYPE = OID + "8116"  # 8116 ID-type for personer: FNR, DNR, HNR, HPR, HER
NOTE_TOPIC = ("6", OID + "7322", "Henvendelse om pasient")  # Notat/TemaKodet
AUTHOR_ROLE = ("1", OID + "9057", "Forfatter")  # RollerRelatertNotat/RolleNotat
DOC_XML = ("XML", "XML-instans")  # RefDoc/MsgType (kodeverk 8114)
DOC_ATTACHMENT = ("A", "Vedlegg")
PDF_MIME = "application/pdf"

# Not allowed in XML 1.0 documents (everything below 0x20 but tab, newline, return; surrogates
# and the two non-characters at the end of the BMP).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Addressing:
    """Who the message is from and to, by HER-id (the address register's ids)."""

    sender_her_id: str
    sender_name: str
    office_her_id: str
    office_name: str
    gp_her_id: str
    gp_hpr_number: str
    gp_name: str


def addressing_for(letter: Letter, sender_her_id: str) -> Addressing:
    gp = letter.gp
    if gp is None or not gp.her_id or not gp.office_her_id or not sender_her_id:
        raise ValueError("the letter's GP, the GP office and the team each need a HER-id")
    return Addressing(
        sender_her_id=sender_her_id,
        sender_name=letter.team.name,
        office_her_id=gp.office_her_id,
        office_name=gp.practice,
        gp_her_id=gp.her_id,
        gp_hpr_number=gp.hpr_number,
        gp_name=gp.name,
    )


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def person_ident_type(number: str) -> tuple[str, str]:
    """The 8116 code of a Norwegian identity number: D-number (first digit + 4), H-number
    (third digit + 4), else fødselsnummer."""
    if number[0] in "4567":
        return "DNR", "D-nummer"
    if number[2] in "4567":
        return "HNR", "H-nummer"
    return "FNR", "Fødselsnummer"


def split_name(full_name: str) -> tuple[str, str]:
    """(given names, family name) from a name written "Given Family"."""
    given, _sep, family = full_name.strip().rpartition(" ")
    return given, family


def letter_notes(letter: Letter) -> list[tuple[str, str]]:
    """(heading, text) of each written section, in the letter's order (in the active language)."""
    sections = [
        (_("Reason for contact"), letter.reason_for_contact),
        (_("Assessment"), letter.assessment_summary),
        (_("Risk"), letter.risk_summary),
        (_("Treatment"), letter.treatment_summary),
        (_("Advice for follow-up"), letter.advice),
    ]
    return [(heading, text) for heading, text in sections if text.strip()]


def dialog_message(
    letter: Letter, *, addressing: Addressing, msg_id: str, generated_at: datetime, pdf: bytes
) -> bytes:
    """The whole message as UTF-8 XML bytes."""
    with translation.override(LETTER_LANGUAGE):
        return _message(letter, addressing, msg_id, generated_at, pdf)


def _message(
    letter: Letter, addressing: Addressing, msg_id: str, generated_at: datetime, pdf: bytes
) -> bytes:
    head = etree.Element(_mh("MsgHead"), nsmap={None: NS_MSGHEAD})
    info = _sub(head, "MsgInfo")
    _code(info, "Type", *MSG_TYPE)
    _sub(info, "MIGversion", MIG_VERSION)
    _sub(info, "GenDate", timezone.localtime(generated_at).isoformat(timespec="seconds"))
    _sub(info, "MsgId", msg_id)
    _code(info, "Ack", "J", "Ja")
    sender = _sub(_sub(info, "Sender"), "Organisation")
    _sub(sender, "OrganisationName", addressing.sender_name)
    _ident(sender, addressing.sender_her_id, "HER", "HER-id", ORG_ID_TYPE)
    office = _sub(_sub(info, "Receiver"), "Organisation")
    _sub(office, "OrganisationName", addressing.office_name)
    _ident(office, addressing.office_her_id, "HER", "HER-id", ORG_ID_TYPE)
    gp = _sub(office, "HealthcareProfessional")
    given, family = split_name(addressing.gp_name)
    _sub(gp, "FamilyName", family)
    if given:
        _sub(gp, "GivenName", given)
    _ident(gp, addressing.gp_her_id, "HER", "HER-id", PERSON_ID_TYPE)
    _ident(gp, addressing.gp_hpr_number, "HPR", "HPR-nummer", PERSON_ID_TYPE)
    _patient(info, letter)

    approved_on = timezone.localdate(letter.approved_at or generated_at)
    content = _refdoc(head, approved_on, DOC_XML, mime="text/xml")
    content.append(_dialogmelding(letter, approved_on, msg_id))
    title = letter_title(letter)
    content = _refdoc(head, approved_on, DOC_ATTACHMENT, mime=PDF_MIME, description=title)
    container = etree.SubElement(
        content, f"{{{NS_BASE64}}}Base64Container", nsmap={None: NS_BASE64}
    )
    container.text = base64.b64encode(pdf).decode("ascii")
    return etree.tostring(head, xml_declaration=True, encoding="UTF-8")


def _patient(info: etree._Element, letter: Letter) -> None:
    client = letter.client
    patient = _sub(info, "Patient")
    _sub(patient, "FamilyName", client.last_name)
    _sub(patient, "GivenName", client.first_name)
    if client.birth_date:
        _sub(patient, "DateOfBirth", client.birth_date.isoformat())
    if client.fodselsnummer:
        code, name = person_ident_type(client.fodselsnummer)
        _ident(patient, client.fodselsnummer, code, name, PERSON_ID_TYPE)


def _dialogmelding(letter: Letter, approved_on: date, msg_id: str) -> etree._Element:
    dialog = etree.Element(f"{{{NS_DIALOG}}}Dialogmelding", nsmap={None: NS_DIALOG})
    notes = letter_notes(letter) or [(letter_title(letter), "")]
    for index, (heading, text) in enumerate(notes):
        note = etree.SubElement(dialog, f"{{{NS_DIALOG}}}Notat")
        topic = etree.SubElement(note, f"{{{NS_DIALOG}}}TemaKodet")
        _set_code(topic, *NOTE_TOPIC)
        _dia(note, "Tema", heading)
        if text:
            _dia(note, "TekstNotatInnhold", text)
        _dia(note, "DokIdNotat", f"{msg_id}-{index + 1}")
        _dia(note, "DatoNotat", approved_on.isoformat())
        if index == 0 and letter.approved_by is not None:
            _author(note, letter)
    return dialog


def _author(note: etree._Element, letter: Letter) -> None:
    role = etree.SubElement(note, f"{{{NS_DIALOG}}}RollerRelatertNotat")
    code = etree.SubElement(role, f"{{{NS_DIALOG}}}RolleNotat")
    _set_code(code, *AUTHOR_ROLE)
    professional = etree.SubElement(role, f"{{{NS_DIALOG}}}HealthcareProfessional")
    user = letter.approved_by
    family = user.last_name or user.get_username()  # type: ignore[union-attr]
    _dia(professional, "FamilyName", family)
    if user.first_name:  # type: ignore[union-attr]
        _dia(professional, "GivenName", user.first_name)  # type: ignore[union-attr]


def _refdoc(
    head: etree._Element,
    issued: date,
    msg_type: tuple[str, str],
    *,
    mime: str,
    description: str = "",
) -> etree._Element:
    """A Document with its RefDoc; returns the RefDoc's Content to fill."""
    refdoc = _sub(_sub(head, "Document"), "RefDoc")
    _sub(refdoc, "IssueDate").set("V", issued.isoformat())
    _code(refdoc, "MsgType", *msg_type)
    _sub(refdoc, "MimeType", mime)
    if description:
        _sub(refdoc, "Description", description)
    return _sub(refdoc, "Content")


def _mh(tag: str) -> str:
    return f"{{{NS_MSGHEAD}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, _mh(tag))
    if text is not None:
        element.text = xml_text(text)
    return element


def _dia(parent: etree._Element, tag: str, text: object) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS_DIALOG}}}{tag}")
    element.text = xml_text(text)
    return element


def _code(parent: etree._Element, tag: str, value: str, name: str, *, system: str = "") -> None:
    element = _sub(parent, tag)
    element.set("V", value)
    if system:
        element.set("S", system)
    element.set("DN", name)


def _set_code(element: etree._Element, value: str, system: str, name: str) -> None:
    element.set("V", value)
    element.set("S", system)
    element.set("DN", name)


def _ident(parent: etree._Element, number: str, code: str, name: str, system: str) -> None:
    ident = _sub(parent, "Ident")
    _sub(ident, "Id", number)
    _code(ident, "TypeId", code, name, system=system)
