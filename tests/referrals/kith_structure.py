"""A minimal structure checker for the KITH messages RPH writes, written from the schemas.

Not the schemas themselves: for each element RPH writes, the children its xsd:sequence
allows, in order, with (minOccurs, maxOccurs). Sources, read in navikt/syfo-xml-codegen:
- MsgHead-v1_2.xsd (Hodemelding v1.2 2006-05-24): MsgHead, MsgInfo, Sender, Receiver,
  Organisation, HealthcareProfessional, Patient, Document, RefDoc, and the Ident type;
- dialogmelding.xsd (Dialogmelding, whose 1.1 keeps these sequences under the namespace
  2013-01-23): Dialogmelding, Notat, RollerRelatertNotat, HealthcareProfessional;
- kith-base64.xsd (Base64Container v1.0 2009-06-16): one base64Binary text.
A choice the schema offers is written as the branch RPH uses (Document, not PatientReport;
Content, not FileReference; Notat, not Foresporsel).
"""

from lxml import etree

MH = "http://www.kith.no/xmlstds/msghead/2006-05-24"
DIA = "http://www.kith.no/xmlstds/dialog/2013-01-23"
B64 = "http://www.kith.no/xmlstds/base64container"
MANY = None  # maxOccurs="unbounded"

SEQUENCES: dict[tuple[str, str], list[tuple[str, int, int | None]]] = {
    (MH, "MsgHead"): [("MsgInfo", 1, 1), ("Document", 1, MANY), ("Signature", 0, 1)],
    (MH, "MsgInfo"): [
        ("Type", 1, 1),
        ("MIGversion", 1, 1),
        ("GenDate", 1, 1),
        ("MsgId", 1, 1),
        ("ProcessingStatus", 0, 1),
        ("RequestedPriority", 0, 1),
        ("Ack", 0, 1),
        ("ConversationRef", 0, 1),
        ("Sender", 1, 1),
        ("Receiver", 1, 1),
        ("OtherReceiver", 0, MANY),
        ("Patient", 0, 1),
    ],
    (MH, "Sender"): [("ComMethod", 0, 1), ("Organisation", 1, 1)],
    (MH, "Receiver"): [("ComMethod", 0, 1), ("Organisation", 1, 1)],
    (MH, "Organisation"): [
        ("OrganisationName", 1, 1),
        ("TypeOrganisation", 0, 1),
        ("Ident", 1, MANY),
        ("Address", 0, 1),
        ("TeleCom", 0, MANY),
        ("Organisation", 0, 1),
        ("HealthcareProfessional", 0, 1),
    ],
    (MH, "HealthcareProfessional"): [
        ("TypeHealthcareProfessional", 0, 1),
        ("RoleToPatient", 0, 1),
        ("FamilyName", 0, 1),
        ("MiddleName", 0, 1),
        ("GivenName", 0, 1),
        ("DateOfBirth", 0, 1),
        ("Sex", 0, 1),
        ("Nationality", 0, 1),
        ("Ident", 1, MANY),
        ("Address", 0, 1),
        ("TeleCom", 0, MANY),
    ],
    (MH, "Patient"): [
        ("FamilyName", 0, 1),
        ("MiddleName", 0, 1),
        ("GivenName", 0, 1),
        ("DateOfBirth", 0, 1),
        ("Sex", 0, 1),
        ("Nationality", 0, 1),
        ("Ident", 0, MANY),
        ("Address", 0, 1),
        ("TeleCom", 0, MANY),
    ],
    (MH, "Ident"): [("Id", 1, 1), ("TypeId", 1, 1)],
    (MH, "Document"): [
        ("DocumentConnection", 0, 1),
        ("ContentType", 0, 1),
        ("ContentDescription", 0, 1),
        ("ContentCategory", 0, 1),
        ("Consent", 0, 1),
        ("Annotation", 0, 1),
        ("FromDate", 0, 1),
        ("ToDate", 0, 1),
        ("OidRef", 0, 1),
        ("EnquiryRefId", 0, 1),
        ("RefDoc", 1, 1),
    ],
    (MH, "RefDoc"): [
        ("IssueDate", 0, 1),
        ("MsgType", 1, 1),
        ("Id", 0, 1),
        ("MimeType", 0, 1),
        ("Description", 0, 1),
        ("Compression", 0, 1),
        ("Content", 0, 1),
    ],
    (DIA, "Dialogmelding"): [("SakstypeKodet", 0, 1), ("Sakstype", 0, 1), ("Notat", 0, MANY)],
    (DIA, "Notat"): [
        ("TemaKodet", 1, 1),
        ("Tema", 0, 1),
        ("TekstNotatInnhold", 0, 1),
        ("Merknad", 0, 1),
        ("DokIdNotat", 0, 1),
        ("DatoNotat", 0, 1),
        ("Foresporsel", 0, 1),
        ("RollerRelatertNotat", 0, MANY),
    ],
    (DIA, "RollerRelatertNotat"): [
        ("RolleNotat", 0, 1),
        ("RoleToPatient", 0, 1),
        ("HealthcareProfessional", 1, 1),
    ],
    (DIA, "HealthcareProfessional"): [
        ("TypeHealthcareProfessional", 0, 1),
        ("RoleToPatient", 0, 1),
        ("FamilyName", 0, 1),
        ("MiddleName", 0, 1),
        ("GivenName", 0, 1),
        ("DateOfBirth", 0, 1),
        ("Sex", 0, 1),
        ("Nationality", 0, 1),
        ("Ident", 0, MANY),
        ("Address", 0, 1),
        ("TeleCom", 0, MANY),
    ],
}
# Elements of the simple or code types: attributes (CS: V, DN; CV: V, S, DN, OT) or text only.
CODE_ATTRIBUTES = {"CS": {"V", "DN"}, "CV": {"V", "S", "DN", "OT"}}
CS_ELEMENTS = {(MH, "Type"), (MH, "Ack"), (MH, "MsgType")}
CV_ELEMENTS = {(MH, "TypeId"), (DIA, "TemaKodet"), (DIA, "RolleNotat")}


def structure_problems(root: etree._Element) -> list[str]:
    """Every place where the tree leaves the sequences above; [] when it keeps to them."""
    problems: list[str] = []
    for element in root.iter(etree.Element):
        name = etree.QName(element)
        key = (name.namespace, name.localname)
        path = root.getroottree().getpath(element)
        if key in CS_ELEMENTS or key in CV_ELEMENTS:
            allowed = CODE_ATTRIBUTES["CS" if key in CS_ELEMENTS else "CV"]
            if extra := set(element.attrib) - allowed:
                problems.append(f"{path}: attributes {sorted(extra)} not in the code type")
        sequence = SEQUENCES.get(key)
        if sequence is None:
            continue
        children = [etree.QName(child) for child in element if isinstance(child.tag, str)]
        for child in children:
            if child.namespace != name.namespace:
                problems.append(f"{path}: child {child.text} outside the parent's namespace")
        names = [child.localname for child in children]
        position = 0
        for child_name, least, most in sequence:
            count = 0
            while position < len(names) and names[position] == child_name:
                position += 1
                count += 1
            if count < least:
                problems.append(f"{path}: {child_name} required (minOccurs {least})")
            if most is not None and count > most:
                problems.append(f"{path}: {child_name} {count} times (maxOccurs {most})")
        if position < len(names):
            problems.append(f"{path}: {names[position]} not allowed here by the sequence")
    return problems
